/**
 * Evidence sealing benchmark (the electronic evidence issue): SHA-256 of the plaintext and age
 * encryption (src/evidence/age) in one pass, file to file, beside Debian's `age -r` encrypting the
 * same file in the same run. The file (2 GiB by default, `--size 256M` for a quick run) is random
 * data written to a temporary directory and removed afterwards. Each side runs twice, alternately,
 * in its own process; the faster run counts. Peak resident memory is the sealing process's own
 * (getrusage maxrss) and age's (GNU time), and Comity's output is checked by `age -d`.
 *
 * Then the node's at-rest sealing of an uploaded item (src/evidence/at-rest.ts resealAtRest, what
 * the last PATCH of an upload runs): the file sealed at rest as one upload part, opened, hashed and
 * sealed again as the item's file, in a process of its own, once. `--rss-size 5G` adds one run of
 * each (Comity's age sealing, age, the at-rest sealing) on a file of that size, for peak memory.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { encryptFile, encryptStream, generateIdentity } from '../src/evidence/age/index.ts';
import { resealAtRest, sealAtRest } from '../src/evidence/at-rest.ts';
import type { Figure } from './foundation.bench.ts';

const MiB = 1024 * 1024;
const GNU_TIME = '/usr/bin/time';

export const EVIDENCE_METHOD =
  'Sealing: what `comity evidence encrypt` runs (encryptFile: 1 MiB reads into one buffer, SHA-256 on the main ' +
  'thread, age encryption to one X25519 recipient and the writes on a worker thread), in a process of its own; ' +
  'the stream form: read stream, SHA-256 tap, encryptStream, write stream; `age -r <recipient> -o out in` on the ' +
  'same file in the same run. Best of two alternating runs each. Peak RSS: getrusage maxrss of the sealing process; GNU time %M for age. ' +
  'At-rest sealing of an upload: the file sealed at rest as one part (not timed), then resealAtRest ' +
  '(open, SHA-256, seal as the item file) in a process of its own, once. --rss-size: one more run of ' +
  'each on a file of that size (no age -d check there).';

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

/**
 * The sealing itself, run as `node bench/evidence.bench.ts --seal <recipient> <in> <out>`: what
 * `comity evidence encrypt` runs (encryptFile: SHA-256 here, age encryption and writing on a worker
 * thread). `--seal-stream` instead runs the stream form the node's age export uses (encryptStream
 * after a SHA-256 tap, between a file read stream and a file write stream).
 */
async function seal(mode: string, recipient: string, input: string, output: string): Promise<void> {
  const started = performance.now();
  let sha256: string;
  if (mode === '--seal') {
    sha256 = (await encryptFile([recipient], input, output)).sha256;
  } else {
    const hash = createHash('sha256');
    const tap = new Transform({
      transform(data: Buffer, _encoding, callback) {
        hash.update(data);
        callback(null, data);
      },
    });
    await pipeline(
      createReadStream(input, { highWaterMark: MiB }),
      tap,
      encryptStream([recipient]),
      createWriteStream(output),
    );
    sha256 = hash.digest('hex');
  }
  const ms = performance.now() - started;
  process.stdout.write(`${JSON.stringify({ ms, sha256, maxRssKiB: process.resourceUsage().maxRSS })}\n`);
}

/** The at-rest sealing, run as `node bench/evidence.bench.ts --reseal <evidence dir> <part> <out>`. */
async function reseal(evidenceDirectory: string, part: string, output: string): Promise<void> {
  const started = performance.now();
  const { sha256 } = await resealAtRest(evidenceDirectory, [part], output);
  const ms = performance.now() - started;
  process.stdout.write(`${JSON.stringify({ ms, sha256, maxRssKiB: process.resourceUsage().maxRSS })}\n`);
}

type Run = { ms: number; sha256?: string; maxRssKiB: number };

async function sealOnce(recipient: string, input: string, output: string, mode = '--seal'): Promise<Run> {
  await rm(output, { force: true });
  const sealed = await run(process.execPath, [import.meta.filename, mode, recipient, input, output]);
  return JSON.parse(sealed.stdout) as Run;
}

async function ageOnce(recipient: string, input: string, output: string): Promise<Run> {
  const ageArgs = ['-r', recipient, '-o', output, input];
  const hasGnuTime = existsSync(GNU_TIME);
  const aged = hasGnuTime ? await run(GNU_TIME, ['-f', '%M', 'age', ...ageArgs]) : await run('age', ageArgs);
  await rm(output);
  return {
    ms: aged.ms,
    maxRssKiB: hasGnuTime ? Number(aged.stderr.trim().split('\n').pop()) : Number.NaN,
  };
}

/** Seals input at rest as an upload part (not timed), then times resealAtRest in a process of its own. */
async function resealOnce(directory: string, input: string): Promise<Run> {
  const part = path.join(directory, 'part-000001.sealed');
  await pipeline(
    createReadStream(input, { highWaterMark: MiB }),
    sealAtRest(directory),
    createWriteStream(part),
  );
  const output = path.join(directory, 'item.sealed');
  try {
    const sealed = await run(process.execPath, [import.meta.filename, '--reseal', directory, part, output]);
    return JSON.parse(sealed.stdout) as Run;
  } finally {
    await rm(part, { force: true });
    await rm(output, { force: true });
  }
}

const megabytes = (run: Run): string =>
  Number.isNaN(run.maxRssKiB) ? 'n/a' : `${(run.maxRssKiB / 1024).toFixed(0)} MB`;

async function sha256OfAgeDecryption(identityFile: string, file: string): Promise<string> {
  const hash = createHash('sha256');
  const child = spawn('age', ['-d', '-i', identityFile, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  for await (const data of child.stdout) hash.update(data);
  return hash.digest('hex');
}

const rate = (bytes: number, ms: number): string => `${((bytes / MiB / ms) * 1000).toFixed(0)} MiB/s`;

export async function runEvidenceBenchmarks(options: { size: number; rssSize?: number }): Promise<Figure[]> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'comity-bench-evidence-'));
  try {
    const input = path.join(directory, 'evidence.bin');
    await writeRandomFile(input, options.size);
    const { identity, recipient } = generateIdentity();
    const identityFile = path.join(directory, 'identity.txt');
    await writeFile(identityFile, `${identity}\n`, { mode: 0o600 });
    const comityRuns: Run[] = [];
    const streamRuns: Run[] = [];
    const ageRuns: Run[] = [];
    for (let round = 0; round < 2; round += 1) {
      comityRuns.push(await sealOnce(recipient, input, path.join(directory, 'comity.age')));
      streamRuns.push(await sealOnce(recipient, input, path.join(directory, 'stream.age'), '--seal-stream'));
      ageRuns.push(await ageOnce(recipient, input, path.join(directory, 'age.age')));
    }
    await rm(path.join(directory, 'stream.age'));
    const best = (runs: Run[]): Run =>
      runs.reduce((fastest, next) => (next.ms < fastest.ms ? next : fastest));
    const comity = best(comityRuns);
    const stream = best(streamRuns);
    const age = best(ageRuns);
    if (stream.sha256 !== comity.sha256) throw new Error('the stream form hashed other bytes');
    const checked = await sha256OfAgeDecryption(identityFile, path.join(directory, 'comity.age'));
    if (checked !== comity.sha256)
      throw new Error('age -d of the sealed file does not give the plaintext back');
    await rm(path.join(directory, 'comity.age'));
    const atRest = await resealOnce(directory, input);
    if (atRest.sha256 !== comity.sha256) throw new Error('the at-rest sealing hashed other bytes');
    const sizeLabel = `${(options.size / MiB).toFixed(0)} MiB`;
    const figures: Figure[] = [
      {
        name: `sealing ${sizeLabel} (SHA-256 + age encryption, one pass)`,
        value: `${rate(options.size, comity.ms)} (${(comity.ms / 1000).toFixed(2)} s)`,
        baseline: `age -r: ${rate(options.size, age.ms)} (${(age.ms / 1000).toFixed(2)} s)`,
        ratio: `${(age.ms / comity.ms).toFixed(2)} of age's throughput`,
      },
      {
        name: `the same, stream form (encryptStream, as the node's age export runs it)`,
        value: `${rate(options.size, stream.ms)} (${(stream.ms / 1000).toFixed(2)} s), peak ${megabytes(stream)}`,
        baseline: `age -r: ${rate(options.size, age.ms)}`,
        ratio: `${(age.ms / stream.ms).toFixed(2)} of age's throughput`,
      },
      {
        name: `peak resident memory, sealing ${sizeLabel}`,
        value: megabytes(comity),
        baseline: `age: ${megabytes(age)}`,
        ratio: 'target < 200 MB',
      },
      {
        name: `at-rest sealing of an uploaded ${sizeLabel} item (open the part, SHA-256, seal; one run)`,
        value: `${rate(options.size, atRest.ms)} (${(atRest.ms / 1000).toFixed(2)} s), peak ${megabytes(atRest)}`,
        baseline: `age -r: ${rate(options.size, age.ms)}`,
        ratio: `${(age.ms / atRest.ms).toFixed(2)} of age's throughput`,
      },
      {
        name: 'check',
        value: 'age -d of the sealed file gives the SHA-256 printed by the sealing',
        baseline: '',
        ratio: '',
      },
    ];
    await rm(input);
    if (options.rssSize !== undefined) {
      const big = path.join(directory, 'evidence-big.bin');
      await writeRandomFile(big, options.rssSize);
      const label = `${(options.rssSize / MiB).toFixed(0)} MiB`;
      const sealedBig = await sealOnce(recipient, big, path.join(directory, 'comity.age'));
      await rm(path.join(directory, 'comity.age'));
      const agedBig = await ageOnce(recipient, big, path.join(directory, 'age.age'));
      const atRestBig = await resealOnce(directory, big);
      if (atRestBig.sha256 !== sealedBig.sha256) throw new Error('the at-rest sealing hashed other bytes');
      figures.push(
        {
          name: `sealing ${label} (one run): throughput and peak resident memory`,
          value: `${rate(options.rssSize, sealedBig.ms)}, peak ${megabytes(sealedBig)}`,
          baseline: `age -r: ${rate(options.rssSize, agedBig.ms)}, peak ${megabytes(agedBig)}`,
          ratio: `${(agedBig.ms / sealedBig.ms).toFixed(2)} of age's throughput; target < 200 MB`,
        },
        {
          name: `at-rest sealing of an uploaded ${label} item (one run)`,
          value: `${rate(options.rssSize, atRestBig.ms)}, peak ${megabytes(atRestBig)}`,
          baseline: `age -r: ${rate(options.rssSize, agedBig.ms)}`,
          ratio: `${(agedBig.ms / atRestBig.ms).toFixed(2)} of age's throughput; target < 200 MB`,
        },
      );
    }
    return figures;
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

if (import.meta.main && (process.argv[2] === '--seal' || process.argv[2] === '--seal-stream')) {
  const [recipient, input, output] = process.argv.slice(3);
  await seal(process.argv[2], recipient ?? '', input ?? '', output ?? '');
} else if (import.meta.main && process.argv[2] === '--reseal') {
  const [evidenceDirectory, part, output] = process.argv.slice(3);
  await reseal(evidenceDirectory ?? '', part ?? '', output ?? '');
}
