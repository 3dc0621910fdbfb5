/**
 * The scripted exchange of `comity demo --scenario evidence`: evidence of `--size` bytes travels
 * from B (the executing node) to A (the requesting node) through the API, as people and scripts
 * do it: A's officer submits a request for the disclosure of preserved traffic data (Art. 43;
 * a preservation discloses nothing) and A's supervisor approves it (which sends it: the
 * two-person rule), B's duty officer acknowledges it, uploads an item by tus, makes a package and sends it; A's node fetches and verifies it; A's duty officer
 * downloads the item and checks its SHA-256 against the one computed while uploading, then exports
 * the package for a court with the item encrypted to an age recipient made for the demo; the export
 * is verified offline (what `comity evidence verify` runs) and Debian's `age`, when installed,
 * decrypts the item with the recipient's identity to the same SHA-256. Each step
 * is printed with its time (and the throughput of the big ones); the first failure ends the
 * scenario with one line naming the step.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { formatIdentityFile, generateIdentity, parseIdentityFile } from '../evidence/age/index.ts';
import { verifyExportFolder } from '../evidence/export-bundle.ts';
import { trafficDisclosureDraft } from './demo-drafts.ts';
import {
  downloadEvidence,
  draftRequest,
  exportEvidenceForCourt,
  listEvidencePackages,
  listIncomingRequests,
  makeEvidencePackage,
  makeTransition,
  sendEvidencePackage,
  sendRequest,
  uploadEvidence,
} from './federation-api.ts';
import type { Federation } from './federation-setup.ts';
import type { ApiClient } from './node-api.ts';
import { GiveUpError, waitFor } from './node-process.ts';
import type { ScenarioOptions } from './preservation-scenario.ts';
import { DEFAULT_EVIDENCE_SIZE_BYTES } from './evidence-size.ts';
import { formatDuration, runSteps, type StepsOutcome } from './step-runner.ts';

const PIECE_BYTES = 16 * 1024 * 1024;

export type EvidenceScenarioOptions = ScenarioOptions & Readonly<{ sizeBytes?: number }>;

/** A size for people: 8 MiB, 1 GiB, 512 B. */
export function formatSize(bytes: number): string {
  for (const [unit, size] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(2))} ${unit}`;
  }
  return `${bytes} B`;
}

/**
 * Debian's `age -d -i <identity> <file>`: the SHA-256 and size of what it writes, or undefined
 * when `age` is not installed. Its error output, when it refuses, becomes the error.
 */
async function decryptWithAge(
  identityFile: string,
  file: string,
): Promise<Readonly<{ sha256: string; sizeBytes: number }> | undefined> {
  const child = spawn('age', ['-d', '-i', identityFile, file], { stdio: ['ignore', 'pipe', 'pipe'] });
  const hash = createHash('sha256');
  let sizeBytes = 0;
  let errors = '';
  child.stdout.on('data', (piece: Buffer) => {
    hash.update(piece);
    sizeBytes += piece.length;
  });
  child.stderr.on('data', (piece: Buffer) => {
    errors += piece.toString();
  });
  const code = await new Promise<number | 'missing'>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ENOENT' ? resolve('missing') : reject(error),
    );
    child.once('close', (exitCode) => resolve(exitCode ?? 1));
  });
  if (code === 'missing') return undefined;
  if (code !== 0) throw new Error(`age -d refused the item: ${errors.trim()}`);
  return { sha256: hash.digest('hex'), sizeBytes };
}

function rate(bytes: number, milliseconds: number): string {
  return `${formatSize(Math.round(bytes / Math.max(milliseconds / 1000, 0.001)))}/s`;
}

export async function runEvidenceScenario(
  federation: Federation,
  options: EvidenceScenarioOptions,
): Promise<StepsOutcome> {
  const requesting = federation.node(options.from);
  const executing = federation.node(options.to);
  const sizeBytes = options.sizeBytes ?? DEFAULT_EVIDENCE_SIZE_BYTES;
  const timeoutMs = options.deliveryTimeoutMs ?? 30_000;
  // The transfer itself: a minute, or longer for big items (at 2 MiB/s on a loaded machine).
  const transferTimeoutMs = Math.max(60_000, Math.ceil(sizeBytes / (2 * 1024 * 1024)) * 1000);
  const a = requesting.spec;
  const b = executing.spec;
  let officerA: ApiClient | undefined;
  let supervisorA: ApiClient | undefined;
  let supervisorB: ApiClient | undefined;
  let dutyA: ApiClient | undefined;
  let dutyB: ApiClient | undefined;
  let reviewerB: ApiClient | undefined;
  let requestId = '';
  let incomingId = '';
  let caseReference = '';
  let itemId = '';
  let uploadedSha256 = '';
  let packageId = '';
  let localItemId = '';
  let sentAt = 0;
  let exportFolder = '';
  let identityFile = '';

  options.print(
    `Scenario: ${formatSize(sizeBytes)} of evidence from ${b.state} (${b.nodeId}, executing) to ${a.state} (${a.nodeId}, requesting)`,
  );
  const outcome = await runSteps(
    [
      {
        title: `officer, supervisor and duty officer at ${a.nodeId}, duty officer, legal reviewer and supervisor at ${b.nodeId} sign in`,
        run: async () => {
          officerA = await requesting.userClient('officer');
          supervisorA = await requesting.userClient('supervisor');
          dutyA = await requesting.userClient('duty-officer');
          dutyB = await executing.userClient('duty-officer');
          reviewerB = await executing.userClient('legal-reviewer');
          supervisorB = await executing.userClient('supervisor');
          return undefined;
        },
      },
      {
        title: `officer at ${a.nodeId} submits a request for the disclosure of preserved traffic data (Art. 43) to ${b.state}; the supervisor approves and sends it`,
        run: async () => {
          const content = trafficDisclosureDraft(a.state, b.state, Date.now() % 100_000);
          caseReference = content.caseReference ?? '';
          const drafted = await draftRequest(officerA!, content);
          requestId = drafted.id;
          if (!drafted.isReady)
            throw new Error(`validation blocks the draft: ${drafted.blocking.join('; ')}`);
          await sendRequest(officerA!, supervisorA!, requestId);
          return `request ${requestId}`;
        },
      },
      {
        title: `${b.nodeId} holds the incoming request and its duty officer acknowledges it`,
        run: async () => {
          const incoming = await waitFor(
            `the request at ${b.nodeId}`,
            async () =>
              (await listIncomingRequests(dutyB!)).find(
                (item) => item.remoteRequestId === requestId || item.caseReference === caseReference,
              ),
            { timeoutMs, intervalMs: 50 },
          );
          incomingId = incoming.id;
          const status = await makeTransition(dutyB!, incomingId, 'acknowledge', {
            note: 'Received; the provider is asked for the data.',
          });
          return `incoming request ${incomingId}, ${status}`;
        },
      },
      {
        title: `${b.nodeId} accepts the request (legal reviewer) and begins its execution: evidence answers only a request in execution`,
        run: async () => {
          await makeTransition(dutyB!, incomingId, 'begin-assessment');
          await makeTransition(reviewerB!, incomingId, 'accept');
          return `case ${await makeTransition(dutyB!, incomingId, 'begin-execution')}`;
        },
      },
      {
        title: `duty officer at ${b.nodeId} uploads a ${formatSize(sizeBytes)} item (tus)`,
        run: async () => {
          const hash = createHash('sha256');
          async function* pieces(): AsyncGenerator<Uint8Array> {
            for (let offset = 0; offset < sizeBytes; offset += PIECE_BYTES) {
              const piece = randomBytes(Math.min(PIECE_BYTES, sizeBytes - offset));
              hash.update(piece);
              yield piece;
            }
          }
          const startedAt = performance.now();
          itemId = await uploadEvidence(dutyB!, incomingId, {
            fileName: 'provider-export.bin',
            sizeBytes,
            pieces: pieces(),
            description: 'Export of the account data from the provider',
          });
          uploadedSha256 = hash.digest('hex');
          return `item ${itemId}, SHA-256 ${uploadedSha256.slice(0, 16)}..., ${rate(sizeBytes, performance.now() - startedAt)}`;
        },
      },
      {
        title: `${b.nodeId} makes a package (chunks encrypted, manifest signed)`,
        run: async () => {
          const startedAt = performance.now();
          const made = await makeEvidencePackage(dutyB!, incomingId, [itemId], transferTimeoutMs);
          packageId = made.id;
          return `package ${packageId}, ${rate(sizeBytes, performance.now() - startedAt)}`;
        },
      },
      {
        title: `${b.nodeId}'s duty officer asks to send the package to ${a.nodeId}; the supervisor approves, which sends it`,
        run: async () => {
          sentAt = performance.now();
          await sendEvidencePackage(dutyB!, supervisorB!, incomingId, packageId);
          return undefined;
        },
      },
      {
        title: `${a.nodeId} receives the package and verifies every item`,
        run: async () => {
          const received = await waitFor(
            `the verified package at ${a.nodeId}`,
            async () => {
              const found = (await listEvidencePackages(dutyA!, requestId)).find((p) => p.id === packageId);
              if (found?.status === 'failed')
                throw new GiveUpError(`verification failed: ${found.failureReason}`);
              return found?.status === 'verified' ? found : undefined;
            },
            { timeoutMs: transferTimeoutMs, intervalMs: 100 },
          );
          localItemId = received.receivedItems[0]?.id ?? '';
          if (!localItemId) throw new Error('the verified package holds no item');
          const elapsed = performance.now() - sentAt;
          return `${formatDuration(elapsed)} from sending, ${rate(sizeBytes, elapsed)}`;
        },
      },
      {
        title: `duty officer at ${a.nodeId} downloads the item and checks its SHA-256`,
        run: async () => {
          const startedAt = performance.now();
          const downloaded = await downloadEvidence(dutyA!, requestId, localItemId);
          if (downloaded.sizeBytes !== sizeBytes) {
            throw new Error(`downloaded ${downloaded.sizeBytes} bytes, uploaded ${sizeBytes}`);
          }
          if (downloaded.sha256 !== uploadedSha256) {
            throw new Error(`SHA-256 ${downloaded.sha256} differs from the uploaded ${uploadedSha256}`);
          }
          return `SHA-256 matches, ${rate(sizeBytes, performance.now() - startedAt)}`;
        },
      },
      {
        title: `duty officer at ${a.nodeId} exports the package for a court, the item encrypted to an age recipient`,
        run: async () => {
          const startedAt = performance.now();
          const workFolder = await mkdtemp(path.join(os.tmpdir(), 'comity-demo-export-'));
          const identity = generateIdentity();
          identityFile = path.join(workFolder, 'court.agekey');
          await writeFile(identityFile, formatIdentityFile(identity.identity, new Date()), { mode: 0o600 });
          exportFolder = path.join(workFolder, 'export');
          const names = await exportEvidenceForCourt(dutyA!, requestId, exportFolder, {
            reason: 'Production before the investigating judge (demo)',
            ageRecipient: identity.recipient,
          });
          return `${names.length} files in ${exportFolder}, ${rate(sizeBytes, performance.now() - startedAt)}`;
        },
      },
      {
        title:
          'the export verifies offline: signature, hashes, chain of custody, SHA256SUMS (comity evidence verify)',
        run: async () => {
          const identities = parseIdentityFile(await readFile(identityFile, 'utf8'));
          const checks = await verifyExportFolder(exportFolder, { identities });
          const failed = checks.find((check) => !check.ok);
          if (failed) throw new Error(`FAILED: ${failed.line}`);
          return `all ${checks.length} checks passed`;
        },
      },
      {
        title: "Debian's age decrypts the item with the recipient's identity",
        run: async () => {
          const items = (await readdir(path.join(exportFolder, 'items'))).filter((name) =>
            name.endsWith('.age'),
          );
          const [item] = items;
          if (!item) throw new Error('the export holds no age-encrypted item');
          const decrypted = await decryptWithAge(identityFile, path.join(exportFolder, 'items', item));
          if (!decrypted) return 'age is not installed here (apt install age): skipped';
          if (decrypted.sha256 !== uploadedSha256) {
            throw new Error(`age gave SHA-256 ${decrypted.sha256}, uploaded ${uploadedSha256}`);
          }
          return `age -d -i court.agekey items/${item}: ${formatSize(decrypted.sizeBytes)}, SHA-256 matches`;
        },
      },
    ],
    options.print,
  );
  if (exportFolder !== '') await rm(path.dirname(exportFolder), { recursive: true, force: true });
  if (outcome.isSuccess) {
    options.print(`Scenario passed in ${formatDuration(outcome.totalMilliseconds)}.`);
  } else {
    options.print(`Scenario FAILED at "${outcome.failedStep}": ${outcome.reason}`);
  }
  return outcome;
}
