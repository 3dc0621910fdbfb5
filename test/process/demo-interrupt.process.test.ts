/**
 * Process test: `comity demo` stopped by a signal never leaves its nodes running. A SIGTERM that
 * comes while the nodes start (here: as soon as they are all healthy, before the demo signs in)
 * stops every node once started, and the command exits; nothing answers on the nodes' ports after.
 * The processes it ran are light nodes (`--liftoff-only`). Once running, it has put each State's
 * duty officer on its roster, and a SIGINT (Ctrl-C) stops it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { PROJECT_ROOT } from '../../src/demo/node-process.ts';

const CLI_ENTRY = path.join(PROJECT_ROOT, 'src', 'cli', 'main.ts');

/** Whether something accepts a connection on the loopback port. */
function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** The command lines of a process's children (Linux /proc). */
function childCommandLines(pid: number): string[][] {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
    .trim()
    .split(' ')
    .filter(Boolean);
  return children.flatMap((child) => {
    try {
      return [readFileSync(`/proc/${child}/cmdline`, 'utf8').split('\0').filter(Boolean)];
    } catch {
      // Ended meanwhile.
      return [];
    }
  });
}

describe('comity demo stopped by a signal', { timeout: 180_000 }, () => {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'comity-demo-interrupt-'));
  after(() => rmSync(directory, { recursive: true, force: true }));

  it('a SIGTERM while the nodes start stops every node, and the command exits', async () => {
    const { COMITY_DATA_DIR: _ignored, ...environment } = process.env;
    const demo = spawn(process.execPath, [CLI_ENTRY, 'demo', '--dir', path.join(directory, 'run')], {
      cwd: PROJECT_ROOT,
      env: { ...environment, COMITY_LOG_LEVEL: 'silent', COMITY_CACHE_DIR: path.join(directory, 'cache') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const ports: number[] = [];
    // The command line of each process the demo runs `serve` in, read as they are all healthy.
    let serving: string[][] = [];
    let output = '';
    demo.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    demo.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      for (const match of chunk.toString().matchAll(/started on port (\d+)/g)) ports.push(Number(match[1]));
      if (/nodes healthy in/.test(chunk.toString())) {
        serving = childCommandLines(demo.pid!).filter((line) => line.includes('serve'));
        demo.kill('SIGTERM');
      }
    });
    const [code, signal] = (await once(demo, 'exit')) as [number | null, NodeJS.Signals | null];
    assert.equal(signal, null, `the demo handled the signal itself:\n${output}`);
    assert.equal(code, 0, output);
    assert.match(output, /Stopping the nodes\.\.\.\s+Stopped\./);
    assert.equal(ports.length, 4, output);
    for (const port of ports) assert.equal(await isListening(port), false, `port ${port} still answers`);
    // The demo's processes are light nodes: no optimising compiler for PGlite's WebAssembly.
    assert.equal(serving.length, 4, JSON.stringify(serving));
    for (const line of serving) assert.ok(line.includes('--liftoff-only'), line.join(' '));
  });

  it('once running, has each desk staffed (the duty officers on their rosters); Ctrl-C stops it', async () => {
    const { COMITY_DATA_DIR: _ignored, ...environment } = process.env;
    const demo = spawn(process.execPath, [CLI_ENTRY, 'demo', '--dir', path.join(directory, 'running')], {
      cwd: PROJECT_ROOT,
      env: { ...environment, COMITY_LOG_LEVEL: 'silent', COMITY_CACHE_DIR: path.join(directory, 'cache') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let isInterrupted = false;
    demo.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    demo.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      // One Ctrl-C: a second one would make the demo stop at once, without waiting for its nodes.
      if (!isInterrupted && output.includes('Press Ctrl-C to stop.')) {
        isInterrupted = true;
        demo.kill('SIGINT');
      }
    });
    const [code] = (await once(demo, 'exit')) as [number | null, NodeJS.Signals | null];
    assert.equal(code, 0, output);
    assert.match(
      output,
      /On duty for the next 24 hours: fr\.duty \(fr-poc\), de\.duty \(de-poc\), br\.duty \(br-poc\) \(Duty roster screen\)\.\nPress Ctrl-C to stop\./,
    );
    assert.match(output, /Stopping the nodes\.\.\.\s+Stopped\./);
  });
});
