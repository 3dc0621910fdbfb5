/**
 * Evidence sealing benchmark (the electronic evidence issue): SHA-256 of the plaintext and age
 * encryption (src/evidence/age) in one pass, file to file, beside Debian's `age -r` encrypting the
 * same file in the same run. The file (2 GiB by default, `--size 256M` for a quick run) is random
 * data written to a temporary directory and removed afterwards. Each side runs twice, alternately,
 * in its own process; the faster run counts. Peak resident memory is the sealing process's own
 * (getrusage maxrss) and age's (GNU time), and Comity's output is checked by `age -d`.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { encryptStream, generateIdentity } from '../src/evidence/age/index.ts';
import type { Figure } from './foundation.bench.ts';

const MiB = 1024 * 1024;
const GNU_TIME = '/usr/bin/time';

export const EVIDENCE_METHOD =
  'Sealing: read the file (1 MiB reads), SHA-256 and age-encrypt to one X25519 recipient, write the age file, ' +
  'in a process of its own; `age -r <recipient> -o out in` on the same file in the same run. Best of two ' +
  'alternating runs each. Peak RSS: getrusage maxrss of the sealing process; GNU time %M for age.';

/** `2G`, `256M`, `1048576` -> bytes. */
export function parseSize(text: string): number {
  const match = /^(\d+)([KMG]?)i?B?$/i.exec(text.trim());
  if (!match) throw new Error(`--size: "${text}" is not a size like 2G or 256M`);
  const unit = { '': 1, K: 1024, M: MiB, G: 1024 * MiB }[(match[2] ?? '').toUpperCase()] ?? 1;
  return Number(match[1]) * unit;
}

async function writeRandomFile(file: string, size: number): Promise<void> {
  const block = randomBytes(16 * MiB);
  const handle = await open(file, 'w');
  try {
    for (let written = 0; written < size; written += block.length) {
      await handle.write(block, 0, Math.min(block.length, size - written));
    }
  } finally {
    await handle.close();
  }
}

function run(
  command: string,
  args: readonly string[],
): Promise<{ stdout: string; stderr: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data) => {
      stdout += data;
    });
    child.stderr.on('data', (data) => {
      stderr += data;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve({ stdout, stderr, ms: performance.now() - started })
        : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr}`)),
    );
  });
}

/** The sealing itself, run as `node bench/evidence.bench.ts --seal <recipient> <in> <out>`. */
async function seal(recipient: string, input: string, output: string): Promise<void> {
  const hash = createHash('sha256');
  const tap = new Transform({
    transform(data: Buffer, _encoding, callback) {
      hash.update(data);
      callback(null, data);
    },
  });
  const started = performance.now();
  await pipeline(
    createReadStream(input, { highWaterMark: MiB }),
    tap,
    encryptStream([recipient]),
    createWriteStream(output),
  );
  const ms = performance.now() - started;
  process.stdout.write(
    `${JSON.stringify({ ms, sha256: hash.digest('hex'), maxRssKiB: process.resourceUsage().maxRSS })}\n`,
  );
}

async function sha256OfAgeDecryption(identityFile: string, file: string): Promise<string> {
  const hash = createHash('sha256');
  const child = spawn('age', ['-d', '-i', identityFile, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  for await (const data of child.stdout) hash.update(data);
  return hash.digest('hex');
}

const rate = (bytes: number, ms: number): string => `${((bytes / MiB / ms) * 1000).toFixed(0)} MiB/s`;

export async function runEvidenceBenchmarks(options: { size: number }): Promise<Figure[]> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'comity-bench-evidence-'));
  try {
    const input = path.join(directory, 'evidence.bin');
    await writeRandomFile(input, options.size);
    const { identity, recipient } = generateIdentity();
    const identityFile = path.join(directory, 'identity.txt');
    await writeFile(identityFile, `${identity}\n`, { mode: 0o600 });
    const comityRuns: { ms: number; sha256: string; maxRssKiB: number }[] = [];
    const ageRuns: { ms: number; maxRssKiB: number }[] = [];
    const hasGnuTime = existsSync(GNU_TIME);
    for (let round = 0; round < 2; round += 1) {
      const sealed = await run(process.execPath, [
        import.meta.filename,
        '--seal',
        recipient,
        input,
        path.join(directory, 'comity.age'),
      ]);
      comityRuns.push(JSON.parse(sealed.stdout));
      const ageArgs = ['-r', recipient, '-o', path.join(directory, 'age.age'), input];
      const aged = hasGnuTime
        ? await run(GNU_TIME, ['-f', '%M', 'age', ...ageArgs])
        : await run('age', ageArgs);
      ageRuns.push({
        ms: aged.ms,
        maxRssKiB: hasGnuTime ? Number(aged.stderr.trim().split('\n').pop()) : Number.NaN,
      });
      await rm(path.join(directory, 'age.age'));
    }
    const comity = comityRuns.reduce((best, next) => (next.ms < best.ms ? next : best));
    const age = ageRuns.reduce((best, next) => (next.ms < best.ms ? next : best));
    const checked = await sha256OfAgeDecryption(identityFile, path.join(directory, 'comity.age'));
    if (checked !== comity.sha256)
      throw new Error('age -d of the sealed file does not give the plaintext back');
    const sizeLabel = `${(options.size / MiB).toFixed(0)} MiB`;
    return [
      {
        name: `sealing ${sizeLabel} (SHA-256 + age encryption, one pass)`,
        value: `${rate(options.size, comity.ms)} (${(comity.ms / 1000).toFixed(2)} s)`,
        baseline: `age -r: ${rate(options.size, age.ms)} (${(age.ms / 1000).toFixed(2)} s)`,
        ratio: `${(age.ms / comity.ms).toFixed(2)} of age's throughput`,
      },
      {
        name: 'peak resident memory',
        value: `${(comity.maxRssKiB / 1024).toFixed(0)} MB`,
        baseline: Number.isNaN(age.maxRssKiB) ? 'age: n/a' : `age: ${(age.maxRssKiB / 1024).toFixed(0)} MB`,
        ratio: 'target < 200 MB',
      },
      {
        name: 'check',
        value: 'age -d of the sealed file gives the SHA-256 printed by the sealing',
        baseline: '',
        ratio: '',
      },
    ];
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

if (import.meta.main && process.argv[2] === '--seal') {
  const [recipient, input, output] = process.argv.slice(3);
  await seal(recipient ?? '', input ?? '', output ?? '');
}
