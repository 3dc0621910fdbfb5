/**
 * Process test: a node's log on a terminal is one readable line per event (a request as its
 * method, path and status), and JSON lines when its output is not a terminal (a log collector).
 * The terminal is a real pseudo-terminal: util-linux `script` runs `comity serve` in one.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { PROJECT_ROOT } from '../../src/demo/node-process.ts';
import { temporaryDirectory } from '../helpers/node-process.ts';

const SCRIPT = '/usr/bin/script';
const COMITY = `${process.execPath} ${path.join(PROJECT_ROOT, 'src', 'cli', 'main.ts')} serve`;

/** Runs `comity serve` (through `script` when `onTerminal`), calls the health check, stops it; its output. */
async function serveAndCallOnce(onTerminal: boolean): Promise<string> {
  const directory = temporaryDirectory('comity-logs-');
  const readyFile = path.join(directory, 'ready.json');
  const environment = {
    ...process.env,
    COMITY_DATA_DIR: directory,
    COMITY_PORT: '0',
    COMITY_LOG_LEVEL: 'info',
  };
  const command = `${COMITY} --ready-file ${readyFile}`;
  const child = onTerminal
    ? spawn(SCRIPT, ['-qfec', command, '/dev/null'], { env: environment })
    : spawn(
        process.execPath,
        [path.join(PROJECT_ROOT, 'src', 'cli', 'main.ts'), 'serve', '--ready-file', readyFile],
        {
          env: environment,
        },
      );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  try {
    const started = Date.now();
    while (!existsSync(readyFile)) {
      if (Date.now() - started > 60_000) throw new Error(`the node did not start: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const { port } = JSON.parse(readFileSync(readyFile, 'utf8')) as { port: number };
    assert.equal((await fetch(`http://127.0.0.1:${port}/api/v1/health`)).status, 200);
    await new Promise((resolve) => setTimeout(resolve, 300));
  } finally {
    // script passes the signal on to the node, which stops.
    child.kill('SIGTERM');
    await exited;
  }
  // Colours off: the terminal escape sequences are not the text.
  return output.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '').replace(/\r/g, '');
}

describe('the log, on a terminal and not', {
  skip: existsSync(SCRIPT) ? false : 'util-linux script is not installed',
  timeout: 120_000,
}, () => {
  it('on a terminal: one readable line per event', async () => {
    const lines = (await serveAndCallOnce(true)).split('\n');
    assert.ok(
      lines.some((line) =>
        /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: incoming request GET \/api\/v1\/health$/.test(line),
      ),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((line) => /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: request completed 200$/.test(line)),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((line) => /INFO \(federation\): no federation identity/.test(line)),
      lines.join('\n'),
    );
    assert.deepEqual(
      lines.filter((line) => line.startsWith('{')),
      [],
    );
    // The first administrator's one-time password is shown on the terminal only.
    assert.ok(
      lines.some((line) => /^ {2}password: \S{20}$/.test(line)),
      lines.join('\n'),
    );
  });

  it('not on a terminal: JSON lines', async () => {
    const output = await serveAndCallOnce(false);
    const lines = output.split('\n').filter((line) => line.startsWith('{'));
    const events = lines.map((line) => JSON.parse(line) as { msg: string; req?: { url?: string } });
    assert.ok(
      events.some((event) => event.msg === 'incoming request' && event.req?.url === '/api/v1/health'),
    );
    assert.ok(events.some((event) => event.msg.startsWith('no federation identity')));
    // Where logs go, the first administrator's one-time password is not: a 0600 file holds it.
    assert.doesNotMatch(output, /password: /);
    assert.match(output, /one-time password is in \S+initial-admin-password \(readable by this user only\)/);
  });
});
