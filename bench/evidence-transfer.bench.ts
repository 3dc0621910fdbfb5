/**
 * Evidence transfer benchmark: an evidence package (one item of `size` bytes, random) sent from a
 * DE node process to an FR node process on loopback, timed from the send (POST .../send) until FR
 * lists the package verified: the offer message, every encrypted chunk fetched with a signed
 * request, stored, reassembled, checked against the manifest and sealed at rest. Beside it, in the
 * same run, a bare HTTP copy of the same bytes on loopback: a node:http server streaming the file
 * from disk and a client writing it to disk, in two processes. Each side runs twice; the faster
 * run counts. Packaging (chunking and encrypting at the sender) is timed apart.
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import {
  bringToExecution,
  draftRequest,
  listIncomingRequests,
  readDelivery,
  sendRequest,
} from '../src/demo/federation-api.ts';
import { trafficDisclosureDraft } from '../src/demo/demo-drafts.ts';
import { startFederation } from '../src/demo/federation-setup.ts';
import { delay, waitFor } from '../src/demo/node-process.ts';
import type { Figure } from './foundation.bench.ts';

const MiB = 1024 * 1024;

export const EVIDENCE_TRANSFER_METHOD =
  'Transfer: DE and FR node processes (PGlite) on loopback; one item of random bytes packaged at DE ' +
  '(POST .../evidence/packages: chunked, AES-256-GCM, manifest signed), then timed from POST .../send until ' +
  'FR lists the package verified (worker interval 50 ms). Baseline: the same file streamed by a node:http ' +
  'server process to a client process writing it to disk, on loopback, in the same run. Upload: curl -T, one tus ' +
  'PATCH of the whole file to DE, against curl -T to a node:http server process writing it to disk. Best of two runs each.';

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

/** The baseline's server, run as `node bench/evidence-transfer.bench.ts --serve <file>`. */
function serve(file: string): void {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/octet-stream' });
    createReadStream(file, { highWaterMark: MiB }).pipe(response);
  });
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
  });
}

/** The upload baseline's server, run as `node bench/evidence-transfer.bench.ts --receive <out>`. */
function receive(output: string): void {
  const server = createServer((request, response) => {
    pipeline(request, createWriteStream(output)).then(
      () => response.writeHead(204).end(),
      () => response.writeHead(500).end(),
    );
  });
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
  });
}

/** Runs curl with these arguments; answers its wall time in ms. */
async function timedCurl(args: readonly string[]): Promise<number> {
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    const curl = spawn('curl', ['-sf', '-H', 'expect:', ...args], { stdio: 'inherit' });
    curl.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`curl ${args.join(' ')}: ${code}`)),
    );
  });
  return performance.now() - started;
}

/** The upload baseline: curl PUTs the file to a node:http server process that writes it to disk. */
async function bareHttpUpload(file: string, output: string): Promise<number> {
  const server = spawn(process.execPath, [import.meta.filename, '--receive', output], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await new Promise<string>((resolve) =>
      server.stdout.once('data', (data) => resolve(String(data).trim())),
    );
    return await timedCurl(['-T', file, `http://127.0.0.1:${port}/`]);
  } finally {
    server.kill();
  }
}

/** The baseline's client, run as `node bench/evidence-transfer.bench.ts --fetch <port> <out>`. */
async function fetchTo(port: string, output: string): Promise<void> {
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    get({ host: '127.0.0.1', port: Number(port), path: '/' }, (response) => {
      pipeline(response, createWriteStream(output)).then(resolve, reject);
    }).on('error', reject);
  });
  process.stdout.write(`${JSON.stringify({ ms: performance.now() - started })}\n`);
}

async function bareHttpCopy(file: string, output: string): Promise<number> {
  const server = spawn(process.execPath, [import.meta.filename, '--serve', file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await new Promise<string>((resolve) =>
      server.stdout.once('data', (data) => resolve(String(data).trim())),
    );
    const client = spawn(process.execPath, [import.meta.filename, '--fetch', port, output], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    for await (const data of client.stdout) text += data;
    return (JSON.parse(text) as { ms: number }).ms;
  } finally {
    server.kill();
  }
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
function cpuSecondsOf(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // After "pid (comm) ": state is field 0; utime and stime are fields 11 and 12 (clock ticks, 100 Hz).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const rate = (bytes: number, ms: number): string => `${((bytes / MiB / ms) * 1000).toFixed(0)} MiB/s`;

export async function runEvidenceTransferBenchmarks(options: { size: number }): Promise<Figure[]> {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'comity-bench-transfer-'));
  const federation = await startFederation({
    directory,
    states: ['FR', 'DE'],
    env: {
      COMITY_LOG_LEVEL: 'warn',
      COMITY_DIRECTORY_REFRESH_SECONDS: '5',
      COMITY_EVIDENCE_TRANSFER_INTERVAL_MS: '50',
    },
    shouldKeepLogs: false,
  }).catch((error: unknown) => {
    rmSync(directory, { recursive: true, force: true });
    throw error;
  });
  try {
    const input = path.join(directory, 'evidence.bin');
    await writeRandomFile(input, options.size);
    const officer = await federation.node('FR').userClient('officer');
    const drafted = await draftRequest(officer, trafficDisclosureDraft('FR', 'DE'));
    // The two-person rule: the officer submits, the supervisor approves (which sends).
    await sendRequest(officer, await federation.node('FR').userClient('supervisor'), drafted.id);
    await waitFor(
      'the request delivered to DE',
      async () => ((await readDelivery(officer, drafted.id)).state === 'delivered' ? true : undefined),
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    const deDuty = await federation.node('DE').userClient('duty-officer');
    const deSupervisor = await federation.node('DE').userClient('supervisor');
    const frDuty = await federation.node('FR').userClient('duty-officer');
    const deRequestId =
      (await listIncomingRequests(deDuty)).find((item) => item.remoteRequestId === drafted.id)?.id ?? '';
    // Evidence answers a request in execution: accepted on its case, its execution begun.
    await bringToExecution(deDuty, await federation.node('DE').userClient('legal-reviewer'), deRequestId);
    const tokenOf = (client: typeof deDuty) =>
      client.credentials?.kind === 'token' ? client.credentials.token : '';
    const call = (url: string, token: string, init: RequestInit = {}) =>
      fetch(url, {
        ...init,
        headers: {
          authorization: `Bearer ${token}`,
          ...(typeof init.body === 'string' ? { 'content-type': 'application/json' } : {}),
          ...init.headers,
        },
      });
    const de = federation.node('DE').url;
    const fr = federation.node('FR').url;
    // Upload over HTTP (tus: POST creates, one PATCH carries the file; the node seals it at rest as
    // it arrives, then hashes and seals the item), twice, beside a bare HTTP upload to disk.
    const uploadRuns: number[] = [];
    const uploadBaselineRuns: number[] = [];
    const itemIds: string[] = [];
    for (let round = 0; round < 2; round += 1) {
      const created = await call(`${de}/api/v1/requests/${deRequestId}/evidence/uploads`, tokenOf(deDuty), {
        method: 'POST',
        headers: {
          'tus-resumable': '1.0.0',
          'upload-length': String(options.size),
          'upload-metadata': `filename ${Buffer.from('evidence.bin').toString('base64')}`,
        },
      });
      if (created.status !== 201) throw new Error(`upload refused: ${await created.text()}`);
      const location = created.headers.get('location') ?? '';
      uploadRuns.push(
        await timedCurl([
          '-X',
          'PATCH',
          '-H',
          `authorization: Bearer ${tokenOf(deDuty)}`,
          '-H',
          'tus-resumable: 1.0.0',
          '-H',
          'content-type: application/offset+octet-stream',
          '-H',
          'upload-offset: 0',
          '-T',
          input,
          new URL(location, de).toString(),
        ]),
      );
      itemIds.push(location.split('/').at(-1) ?? '');
      const received = path.join(directory, `received-${round}.bin`);
      uploadBaselineRuns.push(await bareHttpUpload(input, received));
      rmSync(received, { force: true });
    }
    const itemId = itemIds[0] ?? '';
    const transferRuns: number[] = [];
    const transferCpuRuns: number[] = [];
    const packagingRuns: number[] = [];
    const baselineRuns: number[] = [];
    for (let round = 0; round < 2; round += 1) {
      const packagingStarted = performance.now();
      const made = await call(`${de}/api/v1/requests/${deRequestId}/evidence/packages`, tokenOf(deDuty), {
        method: 'POST',
        body: JSON.stringify({
          itemIds: [itemId],
          conditions: { limitedToRequestPurpose: true, onwardTransferNeedsConsent: true },
        }),
      });
      if (made.status !== 201) throw new Error(`packaging refused: ${await made.text()}`);
      packagingRuns.push(performance.now() - packagingStarted);
      const packageId = ((await made.json()) as { package: { id: string } }).package.id;
      const nodesCpu = () =>
        cpuSecondsOf(federation.node('DE').process.child?.pid) +
        cpuSecondsOf(federation.node('FR').process.child?.pid);
      const cpuBefore = nodesCpu();
      const started = performance.now();
      const sent = await call(
        `${de}/api/v1/requests/${deRequestId}/evidence/packages/${packageId}/send`,
        tokenOf(deDuty),
        { method: 'POST' },
      );
      if (sent.status !== 200) throw new Error(`send refused: ${await sent.text()}`);
      // The two-person rule: DE's supervisor approves, which offers the package (timed with the transfer).
      const approved = await call(
        `${de}/api/v1/requests/${deRequestId}/evidence/packages/${packageId}/approval`,
        tokenOf(deSupervisor),
        { method: 'POST', body: JSON.stringify({ decision: 'approve' }) },
      );
      if (approved.status !== 200) throw new Error(`approval refused: ${await approved.text()}`);
      for (;;) {
        const listed = await call(`${fr}/api/v1/requests/${drafted.id}/evidence/packages`, tokenOf(frDuty));
        const found = (
          (await listed.json()) as {
            packages: { id: string; status: string; failureReason: string | null }[];
          }
        ).packages.find((candidate) => candidate.id === packageId);
        if (found?.status === 'verified') break;
        if (found?.status === 'failed') throw new Error(`the package failed: ${found.failureReason}`);
        await delay(20);
      }
      transferRuns.push(performance.now() - started);
      transferCpuRuns.push(nodesCpu() - cpuBefore);
      baselineRuns.push(await bareHttpCopy(input, path.join(directory, `copy-${round}.bin`)));
      rmSync(path.join(directory, `copy-${round}.bin`), { force: true });
    }
    const transfer = Math.min(...transferRuns);
    const baseline = Math.min(...baselineRuns);
    const packaging = Math.min(...packagingRuns);
    const upload = Math.min(...uploadRuns);
    const uploadBaseline = Math.min(...uploadBaselineRuns);
    const sizeLabel = `${(options.size / MiB).toFixed(0)} MiB`;
    return [
      {
        name: `transfer of ${sizeLabel}, node to node (offer, signed chunk fetches, verify, seal at rest)`,
        value: `${rate(options.size, transfer)} (${(transfer / 1000).toFixed(2)} s)`,
        baseline: `bare HTTP copy: ${rate(options.size, baseline)} (${(baseline / 1000).toFixed(2)} s)`,
        ratio: `${(baseline / transfer).toFixed(2)} of the bare copy's throughput`,
      },
      {
        name: `CPU time of the two node processes during that transfer (user + system)`,
        value: `${Math.min(...transferCpuRuns).toFixed(1)} s (${((Math.min(...transferCpuRuns) / options.size) * 1024 * MiB).toFixed(1)} s per GiB)`,
        baseline: '',
        ratio: '',
      },
      {
        name: `upload of ${sizeLabel} over HTTP (tus PATCH through the node: sealed at rest as it arrives, hashed, custody)`,
        value: `${rate(options.size, upload)} (${(upload / 1000).toFixed(2)} s)`,
        baseline: `bare HTTP upload to disk: ${rate(options.size, uploadBaseline)} (${(uploadBaseline / 1000).toFixed(2)} s)`,
        ratio: `${(uploadBaseline / upload).toFixed(2)} of the bare upload's throughput`,
      },
      {
        name: `packaging ${sizeLabel} at the sender (chunk, encrypt, sign)`,
        value: `${rate(options.size, packaging)} (${(packaging / 1000).toFixed(2)} s)`,
        baseline: '',
        ratio: '',
      },
    ];
  } finally {
    await federation.stop();
    rmSync(directory, { recursive: true, force: true });
  }
}

if (import.meta.main && process.argv[2] === '--serve') serve(process.argv[3] ?? '');
if (import.meta.main && process.argv[2] === '--receive') receive(process.argv[3] ?? '');
if (import.meta.main && process.argv[2] === '--fetch')
  await fetchTo(process.argv[3] ?? '', process.argv[4] ?? '');
