/**
 * Evidence packages between nodes (docs/evidence.md, docs/federation.md "Evidence packages").
 *
 * Executing (requested) side: `createEvidencePackage` groups stored items of a received request
 * into a package: each item's plaintext is cut into chunks sealed under a fresh package key and
 * written under <evidence dir>/packages/<package>/<hash>; the manifest is signed with the node's
 * federation key; custody `sealed`. `sendEvidencePackage` submits it for a second person's approval
 * (the two-person rule); `decideEvidencePackage` approves, which makes the ONE send step
 * (`offerEvidencePackage`): it is offered to the requesting node (evidence.package-offered);
 * custody `sent`. `serveEvidenceChunk` answers the
 * addressed node's signed chunk requests, and nobody else's.
 *
 * Requesting side: the transfer worker (`runEvidenceTransferRound`) fetches the chunks of each
 * package offered, keeping those it has (so a restart resumes), verifies the manifest's signature
 * with the sender's key in the directory, reassembles every item and checks its size and SHA-256
 * against the manifest, stores it sealed at rest as an evidence item of the request (custody
 * `received`, `verified`) and answers evidence.package-received (verified, or failed with the
 * reason). The executing side records that verdict in its items' custody on its next round.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import type { AppContext } from '../app-context.ts';
import { noDisclosureReason } from '../core/evidence/disclosure.ts';
import { AppError } from '../core/errors.ts';
import { UUID_PATTERN } from '../core/ids.ts';
import { openAtRest, sealAtRest } from '../evidence/at-rest.ts';
import {
  type ChunkRef,
  ChunkVerificationError,
  chunkAddress,
  chunksOfItem,
  itemOpening,
  newPackageKey,
  sealItemChunks,
} from '../evidence/package-chunks.ts';
import {
  ConditionsOfUseSchema,
  type EvidenceManifest,
  type ManifestItem,
  readManifest,
  signManifest,
  verifyManifest,
} from '../evidence/package-manifest.ts';
import type { FederationRuntime } from '../federation/context.ts';
import { ChunkFetchError, fetchEvidenceChunk } from '../federation/delivery/evidence-chunk-client.ts';
import { queueEvidencePackageOffered } from '../federation/messages/evidence-package-offered.message.ts';
import { queueEvidencePackageReceived } from '../federation/messages/evidence-package-received.message.ts';
import { checkRequestSignature } from '../federation/protocol/request-signature.ts';
import type { Actor } from '../policies/access.ts';
import {
  findEvidencePackage,
  insertOutgoingPackage,
  listEvidencePackagesOfRequest,
  listIncomingPackagesToFetch,
  listOutgoingVerdictsToRecord,
  markVerdictRecorded,
  type StoredEvidencePackage,
} from '../storage/evidence-packages.repository.ts';
import { findEvidenceItem, insertEvidenceItem, listEvidenceItems } from '../storage/evidence.repository.ts';
import { findPendingApproval, listApprovals, undoDecision } from '../storage/approvals.repository.ts';
import { findUserById } from '../storage/users.repository.ts';
import { decideApproval, requireApproval, submitForApproval } from './approvals.service.ts';
import { caseStatusOf } from './case-view.ts';
import { recordConsentCustody } from './evidence-consent.service.ts';
import { appendCustody, evidencePaths, findEvidenceRequest } from './evidence.service.ts';

export const CreateEvidencePackageSchema = z
  .object({
    itemIds: z.array(z.string().regex(UUID_PATTERN)).min(1).max(1000),
    conditions: ConditionsOfUseSchema.partial({ note: true, confidentialUntil: true }).describe(
      'conditions of use the requesting side must keep (Art. 40, Art. 36, confidentiality)',
    ),
  })
  .strict();
export type CreateEvidencePackageInput = z.infer<typeof CreateEvidencePackageSchema>;

function packagePaths(context: AppContext) {
  const root = evidencePaths(context).root;
  return {
    outgoing: (packageId: string) => path.join(root, 'packages', packageId),
    incoming: (packageId: string) => path.join(root, 'incoming', packageId),
  };
}

function requireFederation(context: AppContext): FederationRuntime {
  if (!context.federation) {
    throw new AppError('unavailable', 'this node has no federation identity yet (comity init)');
  }
  return context.federation;
}

function systemActor(federation: FederationRuntime) {
  return { id: null, name: `node ${federation.identity.nodeId}` };
}

/** A package as the API, the CLI and the web UI show it. */
export type EvidencePackageView = Readonly<{
  id: string;
  requestId: string;
  direction: 'outgoing' | 'incoming';
  peerNodeId: string;
  status: StoredEvidencePackage['status'];
  failureReason: string | null;
  createdAt: string;
  updatedAt: string;
  chunkCount: number;
  /** Sum of the items' sizes (plaintext), from the manifest. */
  totalBytes: number;
  manifest: EvidenceManifest | null;
  /** Incoming: the items stored from this package on this node (their ids here). */
  receivedItems: Readonly<{ id: string; sourceItemId: string | null; sha256: string | null }>[];
  /**
   * Outgoing: its latest two-person-rule decision (pending: asked to send, a supervisor decides;
   * returned: asked again to send it); null when nobody asked to send it yet, and for incoming.
   */
  approval: 'pending' | 'approved' | 'returned' | null;
}>;

function toView(
  stored: StoredEvidencePackage,
  localItems: readonly Readonly<{
    id: string;
    packageId: string | null;
    sha256: string | null;
    description: string;
  }>[],
  sources: ReadonlyMap<string, string>,
  approvals: ReadonlyMap<string, EvidencePackageView['approval']>,
): EvidencePackageView {
  const reading = readManifest(stored.manifest);
  const manifest = reading.ok ? reading.manifest : null;
  return {
    id: stored.id,
    requestId: stored.requestId,
    direction: stored.direction,
    peerNodeId: stored.peerNodeId,
    status: stored.status,
    failureReason: stored.failureReason,
    createdAt: stored.createdAt.toISOString(),
    updatedAt: stored.updatedAt.toISOString(),
    chunkCount: stored.chunks.length,
    totalBytes: manifest?.items.reduce((sum, item) => sum + item.sizeBytes, 0) ?? 0,
    manifest,
    receivedItems: localItems
      .filter((item) => item.packageId === stored.id)
      .map((item) => ({ id: item.id, sourceItemId: sources.get(item.id) ?? null, sha256: item.sha256 })),
    approval: approvals.get(stored.id) ?? null,
  };
}

/** The packages of a request (either side) with their manifests and state. */
export async function listEvidencePackages(
  context: AppContext,
  actor: Actor,
  requestId: string,
): Promise<EvidencePackageView[]> {
  const request = await findEvidenceRequest(context, actor, requestId, 'read');
  const packages = await listEvidencePackagesOfRequest(context.db, request.id);
  const items = request.direction === 'outgoing' ? await listEvidenceItems(context.db, request.id) : [];
  const sources = new Map<string, string>();
  for (const item of items) {
    const acquisition = item.acquisition as { sourceItemId?: unknown } | null;
    if (typeof acquisition?.sourceItemId === 'string') sources.set(item.id, acquisition.sourceItemId);
  }
  const approvals = new Map<string, EvidencePackageView['approval']>();
  for (const approval of await listApprovals(context.db, { requestId: request.id })) {
    if (approval.kind !== 'evidence-package') continue;
    approvals.set(
      approval.subjectId,
      approval.decision === 'approve' ? 'approved' : approval.decision === 'return' ? 'returned' : 'pending',
    );
  }
  return packages.map((stored) => toView(stored, items, sources, approvals));
}

async function* readPlaintext(context: AppContext, storageKey: string): AsyncGenerator<Buffer> {
  const root = evidencePaths(context).root;
  const opened = createReadStream(evidencePaths(context).itemFile(storageKey)).pipe(openAtRest(root));
  for await (const piece of opened) yield piece as Buffer;
}

/** The statuses of a case whose request this node executes: evidence may answer it. */
const EXECUTING_STATUSES: readonly string[] = ['accepted', 'in-execution', 'executed-partly'];

/**
 * Makes a package of stored items of a request received here (the executing side): chunks sealed
 * under a new package key, the manifest signed, custody `sealed` for each item. Not sent yet.
 */
export async function createEvidencePackage(
  context: AppContext,
  actor: Actor,
  requestId: string,
  input: CreateEvidencePackageInput,
): Promise<EvidencePackageView> {
  const federation = requireFederation(context);
  const request = await findEvidenceRequest(context, actor, requestId, 'upload');
  if (!request.peerNodeId || !request.remoteRequestId) {
    throw new AppError('invalid-state', `request ${requestId} did not arrive from a node`);
  }
  const noDisclosure = noDisclosureReason(request.type);
  if (noDisclosure) throw new AppError('invalid-state', noDisclosure);
  // Evidence answers a request this node decided to execute: not one still being assessed, where
  // the legal review (and its screening for grounds for refusal) has not yet accepted it.
  const status = caseStatusOf(request);
  if (!EXECUTING_STATUSES.includes(status)) {
    throw new AppError(
      'invalid-state',
      `the case of request ${requestId} is ${status}: evidence is sent once the request is accepted on its case (accept it, then begin its execution); nothing was made`,
    );
  }
  const itemIds = [...new Set(input.itemIds)];
  const items = [];
  for (const itemId of itemIds) {
    const item = await findEvidenceItem(context.db, itemId);
    if (!item || item.requestId !== request.id) throw new AppError('not-found', `no evidence item ${itemId}`);
    if (item.status !== 'stored' || !item.sha256) {
      throw new AppError(
        'invalid-state',
        `evidence item ${itemId} is ${item.status}; only stored items can be sent`,
      );
    }
    items.push(item);
  }
  const packageId = randomUUID();
  const key = newPackageKey();
  const directory = packagePaths(context).outgoing(packageId);
  await mkdir(directory, { recursive: true, mode: 0o700 });
  const chunks: ChunkRef[] = [];
  try {
    for (const item of items) {
      const summary = await sealItemChunks(
        key,
        packageId,
        item.id,
        readPlaintext(context, item.storageKey),
        async (sealed, place) => {
          const hash = chunkAddress(sealed);
          await writeFile(path.join(directory, hash), sealed, { mode: 0o600 });
          chunks.push({ item: item.id, index: place.index, hash, size: sealed.length });
        },
      );
      if (summary.sha256 !== item.sha256 || summary.sizeBytes !== item.sizeBytes) {
        throw new AppError(
          'invalid-state',
          `evidence item ${item.id} no longer matches its recorded SHA-256: it cannot be sent`,
        );
      }
    }
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  const now = context.now();
  const manifest: EvidenceManifest = {
    v: 1,
    packageId,
    from: federation.identity.nodeId,
    to: request.peerNodeId,
    request: { id: request.remoteRequestId, caseReference: request.caseReference },
    createdAt: now.toISOString(),
    items: items.map((item) => {
      const acquisition = item.acquisition as Record<string, string | null>;
      return {
        id: item.id,
        name: item.fileName,
        mediaType: item.mediaType,
        sizeBytes: item.sizeBytes,
        sha256: item.sha256 ?? '',
        description: item.description,
        isSensitive: item.isSensitive,
        acquisition: {
          what: acquisition.what ?? null,
          fromWhom: acquisition.fromWhom ?? null,
          when: acquisition.when ?? null,
          how: acquisition.how ?? null,
          byWhom: acquisition.byWhom ?? null,
          legalBasis: acquisition.legalBasis ?? null,
        },
      };
    }),
    conditions: {
      limitedToRequestPurpose: input.conditions.limitedToRequestPurpose,
      onwardTransferNeedsConsent: input.conditions.onwardTransferNeedsConsent,
      confidentialUntil: input.conditions.confidentialUntil ?? null,
      note: input.conditions.note ?? '',
    },
  };
  const signed = signManifest(manifest, federation.identity.keys.signing);
  await insertOutgoingPackage(context.db, {
    id: packageId,
    requestId: request.id,
    peerNodeId: request.peerNodeId,
    manifest: signed,
    chunks,
    packageKey: key.toString('base64url'),
    createdBy: actor.userId,
    now,
  });
  for (const item of items) {
    await appendCustody(context, item.id, [
      {
        kind: 'sealed',
        actor: { id: actor.userId, name: actor.username },
        at: now,
        details: {
          packageId,
          to: request.peerNodeId,
          chunks: chunks.filter((chunk) => chunk.item === item.id).length,
          sha256: item.sha256,
        },
      },
    ]);
  }
  const [view] = (await listEvidencePackages(context, actor, requestId)).filter((p) => p.id === packageId);
  if (!view) throw new AppError('not-found', `no evidence package ${packageId}`);
  return view;
}

/**
 * The custodian asks to send a sealed package: under the two-person rule (src/core/approval) it
 * waits for a supervisor other than them (decideEvidencePackage); nothing leaves the node yet.
 * Refused when the package was sent already, its addressee is not in the directory, or it waits
 * for approval already.
 */
export async function sendEvidencePackage(
  context: AppContext,
  actor: Actor,
  requestId: string,
  packageId: string,
): Promise<EvidencePackageView> {
  const { request, stored } = await sendablePackage(context, actor, requestId, packageId);
  await submitForApproval(context, actor, {
    kind: 'evidence-package',
    subjectId: stored.id,
    requestId: request.id,
    requestType: request.type,
    revision: PACKAGE_REVISION,
  });
  return packageView(context, actor, requestId, packageId);
}

/** A sealed package never changes: its approval is of revision 0. */
const PACKAGE_REVISION = 0;

/**
 * A second person decides on a package that waits (src/core/approval): approving offers it to the
 * requesting node as the custodian who asked (offerEvidencePackage); returning, with reasons,
 * leaves it sealed here. The decision is undone when the offer cannot be queued.
 */
export async function decideEvidencePackage(
  context: AppContext,
  actor: Actor,
  requestId: string,
  packageId: string,
  input: Readonly<{ decision: 'approve' | 'return'; reasons?: string; decisionReference?: string }>,
): Promise<EvidencePackageView> {
  await findEvidenceRequest(context, actor, requestId, 'read');
  const approval = UUID_PATTERN.test(packageId)
    ? await findPendingApproval(context.db, 'evidence-package', packageId)
    : undefined;
  if (!approval || approval.requestId !== requestId) {
    throw new AppError('invalid-state', `evidence package ${packageId} does not wait for approval`);
  }
  await decideApproval(context, actor, approval.id, { ...input, currentRevision: PACKAGE_REVISION });
  if (input.decision === 'approve') {
    try {
      const submitter = approval.submittedBy.id
        ? await findUserById(context.db, approval.submittedBy.id)
        : undefined;
      if (!submitter || submitter.isDisabled) {
        throw new AppError('invalid-state', 'the person who asked to send this package can no longer act');
      }
      const custodian: Actor = {
        userId: submitter.id,
        username: submitter.username,
        roles: submitter.roles,
        authenticatedBy: 'session',
      };
      await offerEvidencePackage(context, custodian, requestId, packageId);
    } catch (error) {
      await undoDecision(context.db, approval.id);
      throw error;
    }
  }
  return packageView(context, actor, requestId, packageId);
}

async function packageView(
  context: AppContext,
  actor: Actor,
  requestId: string,
  packageId: string,
): Promise<EvidencePackageView> {
  const [view] = (await listEvidencePackages(context, actor, requestId)).filter((p) => p.id === packageId);
  if (!view) throw new AppError('not-found', `no evidence package ${packageId}`);
  return view;
}

/** A sealed outgoing package of a request received here, whose addressee is in the directory. */
async function sendablePackage(context: AppContext, actor: Actor, requestId: string, packageId: string) {
  const federation = requireFederation(context);
  const request = await findEvidenceRequest(context, actor, requestId, 'upload');
  const stored = UUID_PATTERN.test(packageId) ? await findEvidencePackage(context.db, packageId) : undefined;
  if (!stored || stored.requestId !== request.id || stored.direction !== 'outgoing') {
    throw new AppError('not-found', `no evidence package ${packageId}`);
  }
  if (stored.status !== 'sealed' || !stored.packageKey) {
    throw new AppError(
      'invalid-state',
      `evidence package ${packageId} is ${stored.status}; it was sent already`,
    );
  }
  const peer = federation.directory.findNode(stored.peerNodeId);
  if (!peer) {
    throw new AppError(
      'invalid-state',
      `node ${stored.peerNodeId} is not in the directory: nothing was sent`,
    );
  }
  return { federation, request, stored, peer, packageKey: stored.packageKey };
}

/**
 * THE send step, once a second person approved: offers a sealed package to the requesting node
 * (evidence.package-offered, queued with the package's move to `offered` in one transaction),
 * custody `sent` for each item. Refused without the approval of the package as it is.
 */
async function offerEvidencePackage(
  context: AppContext,
  actor: Actor,
  requestId: string,
  packageId: string,
): Promise<void> {
  const { federation, request, stored, peer, packageKey } = await sendablePackage(
    context,
    actor,
    requestId,
    packageId,
  );
  await requireApproval(context, {
    kind: 'evidence-package',
    subjectId: stored.id,
    revision: PACKAGE_REVISION,
  });
  const isQueued = await queueEvidencePackageOffered(context, federation, {
    to: peer,
    caseId: request.id,
    body: {
      packageId: stored.id,
      requestId: request.remoteRequestId ?? '',
      manifest: stored.manifest,
      chunks: [...stored.chunks],
      packageKey,
    },
  });
  if (!isQueued) throw new AppError('invalid-state', `evidence package ${packageId} was sent already`);
  federation.wakeDelivery();
  const now = context.now();
  for (const itemId of new Set(stored.chunks.map((chunk) => chunk.item))) {
    await appendCustody(context, itemId, [
      {
        kind: 'sent',
        actor: { id: actor.userId, name: actor.username },
        at: now,
        details: { packageId: stored.id, to: stored.peerNodeId },
      },
    ]);
  }
}

/** An outgoing package once offered, as chunk requests need it: its addressee and its chunks by address. */
type OfferedPackage = Readonly<{ id: string; peerNodeId: string; chunks: ReadonlyMap<string, ChunkRef> }>;

/** How many offered packages each node keeps at hand for chunk requests (the most recently read). */
const OFFERED_PACKAGES_HELD = 16;
const offeredPackages = new WeakMap<AppContext, Map<string, OfferedPackage>>();

/**
 * An outgoing package that was offered (sent), read once and then kept: once offered, a package's
 * addressee and chunk list never change and it never becomes `sealed` again, so each chunk request
 * need not read the package row with its whole chunk list. Undefined for any other package.
 */
async function findOfferedPackage(
  context: AppContext,
  packageId: string,
): Promise<OfferedPackage | undefined> {
  let held = offeredPackages.get(context);
  if (!held) {
    held = new Map();
    offeredPackages.set(context, held);
  }
  const known = held.get(packageId);
  if (known) return known;
  const stored = UUID_PATTERN.test(packageId) ? await findEvidencePackage(context.db, packageId) : undefined;
  if (stored?.direction !== 'outgoing' || stored.status === 'sealed') return undefined;
  const offered: OfferedPackage = {
    id: stored.id,
    peerNodeId: stored.peerNodeId,
    chunks: new Map(stored.chunks.map((chunk) => [chunk.hash, chunk])),
  };
  held.set(packageId, offered);
  for (const oldest of held.keys()) {
    if (held.size <= OFFERED_PACKAGES_HELD) break;
    held.delete(oldest);
  }
  return offered;
}

/**
 * A chunk of an outgoing package for the node that asks, if it is the package's addressee (its
 * request signed with its federation key): forbidden otherwise, not-found for an unknown chunk.
 */
export async function serveEvidenceChunk(
  context: AppContext,
  input: Readonly<{ packageId: string; hash: string; path: string; signature: string | undefined }>,
): Promise<Readonly<{ size: number; content: Readable }>> {
  const federation = requireFederation(context);
  const check = await checkRequestSignature(
    input.signature,
    {
      method: 'GET',
      path: input.path,
      self: federation.identity.nodeId,
      now: context.now(),
      skewSeconds: context.config.federation.clockSkewSeconds,
    },
    federation.directory,
  );
  if (!check.ok) throw new AppError('forbidden', `the chunk request is not authenticated: ${check.detail}`);
  const offered = await findOfferedPackage(context, input.packageId);
  if (!offered) throw new AppError('not-found', `no evidence package ${input.packageId} offered`);
  if (offered.peerNodeId !== check.from) {
    throw new AppError(
      'forbidden',
      `evidence package ${input.packageId} is not addressed to node ${check.from}`,
    );
  }
  const chunk = offered.chunks.get(input.hash);
  if (!chunk)
    throw new AppError('not-found', `no chunk ${input.hash} in evidence package ${input.packageId}`);
  const file = path.join(packagePaths(context).outgoing(offered.id), chunk.hash);
  const content = createReadStream(file);
  await new Promise<void>((resolve, reject) => {
    content.once('open', () => resolve());
    content.once('error', () => reject(new AppError('not-found', `chunk ${input.hash} is no longer held`)));
  });
  return { size: chunk.size, content };
}

/** A stable id on this node for an item received in a package (so a resumed round finds it again). */
function receivedItemId(packageId: string, sourceItemId: string): string {
  const hex = createHash('sha256').update(`${packageId}/${sourceItemId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

class PackageRefusal extends Error {}

/** How many chunks of a package the receiver fetches at a time. */
const FETCH_CONCURRENCY = 4;

/**
 * The results of `get` for each entry, in order, with up to `concurrency` entries under way ahead
 * of the one awaited. Once the consumer stops (an error, or `return`), nothing new is started and
 * what is under way is awaited, so no write is left running behind the caller.
 */
async function* chunksInOrder<T, R>(
  entries: readonly T[],
  get: (entry: T) => Promise<R>,
  concurrency: number,
): AsyncGenerator<R, void, undefined> {
  const underWay: Promise<R>[] = [];
  let next = 0;
  const startMore = () => {
    while (next < entries.length && underWay.length < concurrency) {
      const entry = entries[next] as T;
      next += 1;
      const task = get(entry);
      task.catch(() => undefined); // Awaited in order below; settled in `finally` if never reached.
      underWay.push(task);
    }
  };
  try {
    startMore();
    while (underWay.length > 0) {
      const result = await (underWay[0] as Promise<R>);
      underWay.shift();
      startMore();
      yield result;
    }
  } finally {
    next = entries.length;
    await Promise.allSettled(underWay);
  }
}

/** What became of one incoming package in a round. */
export type IncomingOutcome = 'verified' | 'failed' | 'pending';

async function settleIncoming(
  context: AppContext,
  federation: FederationRuntime,
  stored: StoredEvidencePackage,
  outcome: 'verified' | 'failed',
  reason: string | null,
): Promise<void> {
  const peer = federation.directory.findNode(stored.peerNodeId);
  if (!peer) return; // Settled on a later round, once the directory lists the peer again.
  await queueEvidencePackageReceived(context, federation, {
    to: peer,
    caseId: stored.requestId,
    body: { packageId: stored.id, outcome, reason, at: context.now().toISOString() },
  });
  federation.wakeDelivery();
  await rm(packagePaths(context).incoming(stored.id), { recursive: true, force: true });
}

/** Fetches what is missing of one incoming package, then verifies and stores its items. */
export async function receiveIncomingPackage(
  context: AppContext,
  stored: StoredEvidencePackage,
): Promise<IncomingOutcome> {
  const federation = requireFederation(context);
  const peer = federation.directory.findNode(stored.peerNodeId);
  if (!peer || !stored.packageKey) return 'pending';
  try {
    const reading = readManifest(stored.manifest);
    if (!reading.ok) throw new PackageRefusal(`the manifest does not read: ${reading.reason}`);
    const key = federation.directory.findKey(peer.nodeId, reading.kid);
    if (key?.use !== 'sig') {
      throw new PackageRefusal(
        `the manifest is signed with key ${reading.kid}, not a signing key of ${peer.nodeId}`,
      );
    }
    const verified = verifyManifest(stored.manifest, { kid: key.kid, jwk: key.jwk });
    if (!verified.ok) throw new PackageRefusal(`the manifest does not verify: ${verified.reason}`);
    const { manifest } = verified;
    if (
      manifest.packageId !== stored.id ||
      manifest.from !== peer.nodeId ||
      manifest.to !== federation.identity.nodeId ||
      manifest.request.id !== stored.requestId
    ) {
      throw new PackageRefusal('the manifest names another package, node or request');
    }
    const listed = new Set(manifest.items.map((item) => item.id));
    const stray = stored.chunks.find((chunk) => !listed.has(chunk.item));
    if (stray) throw new PackageRefusal(`chunk ${stray.hash} belongs to no item of the manifest`);
    for (const item of manifest.items) {
      try {
        chunksOfItem(stored.chunks, item.id);
      } catch (error) {
        throw new PackageRefusal((error as Error).message);
      }
    }
    // Each item is fetched, opened, checked and sealed at rest in one pass, its chunks in order
    // (several fetched at a time); each chunk fetched is also kept, checked against its address,
    // so that a round cut short (a fault, a stop, kill -9) resumes from the chunks held.
    const directory = packagePaths(context).incoming(stored.id);
    await mkdir(directory, { recursive: true, mode: 0o700 });
    const held = new Set(await readdir(directory));
    const packageKey = Buffer.from(stored.packageKey, 'base64url');
    const paths = evidencePaths(context);
    await mkdir(paths.items, { recursive: true, mode: 0o700 });
    const toStore: { item: ManifestItem; chunks: ChunkRef[]; existing: boolean }[] = [];
    for (const item of manifest.items) {
      const existing = await findEvidenceItem(context.db, receivedItemId(stored.id, item.id));
      if (existing?.status === 'stored') continue;
      toStore.push({ item, chunks: chunksOfItem(stored.chunks, item.id), existing: existing !== undefined });
    }
    const arrivals = chunksInOrder(
      toStore.flatMap((entry) => entry.chunks),
      async (chunk) => {
        if (held.has(chunk.hash)) {
          return { bytes: await readFile(path.join(directory, chunk.hash)), isAddressChecked: false };
        }
        const bytes = await fetchEvidenceChunk(federation, peer, stored.id, chunk.hash, context.now());
        if (chunkAddress(bytes) !== chunk.hash) {
          throw new PackageRefusal(`chunk ${chunk.hash} does not match its address (changed in transit)`);
        }
        const temporary = path.join(directory, `${chunk.hash}.part`);
        await writeFile(temporary, bytes, { mode: 0o600 });
        await rename(temporary, path.join(directory, chunk.hash));
        return { bytes, isAddressChecked: true };
      },
      FETCH_CONCURRENCY,
    );
    try {
      for (const { item, chunks, existing } of toStore) {
        const localId = receivedItemId(stored.id, item.id);
        const storageKey = `${localId}.sealed`;
        const target = paths.itemFile(storageKey);
        const sealer = sealAtRest(paths.root);
        const written = pipeline(sealer, createWriteStream(`${target}.part`, { mode: 0o600 }));
        const opening = itemOpening(packageKey, stored.id, item, chunks.length);
        try {
          for (const chunk of chunks) {
            const arrival = await arrivals.next();
            if (arrival.done) throw new Error('the chunks of the package ended early');
            const plaintext = opening.open(chunk, arrival.value.bytes, arrival.value.isAddressChecked);
            if (!sealer.write(plaintext)) await once(sealer, 'drain');
          }
          opening.finish();
          sealer.end();
          await written;
        } catch (error) {
          sealer.destroy();
          await written.catch(() => undefined);
          await rm(`${target}.part`, { force: true });
          if (error instanceof ChunkVerificationError) throw new PackageRefusal(error.message);
          if (error instanceof ChunkFetchError) {
            if (error.isFinal) throw new PackageRefusal(error.message);
            return 'pending';
          }
          throw error;
        }
        await rename(`${target}.part`, target);
        const now = context.now();
        if (!existing) {
          await insertEvidenceItem(context.db, {
            id: localId,
            requestId: stored.requestId,
            fileName: item.name,
            mediaType: item.mediaType,
            sizeBytes: item.sizeBytes,
            description: item.description,
            acquisition: { ...item.acquisition, sourceItemId: item.id },
            retentionUntil: null,
            isSensitive: item.isSensitive,
            storageKey,
            createdBy: null,
            createdAt: now,
            packageId: stored.id,
          });
        }
        await appendCustody(
          context,
          localId,
          [
            {
              kind: 'received',
              actor: systemActor(federation),
              at: now,
              details: {
                packageId: stored.id,
                from: peer.nodeId,
                sourceItemId: item.id,
                chunks: chunksOfItem(stored.chunks, item.id).length,
              },
            },
            {
              kind: 'verified',
              actor: systemActor(federation),
              at: now,
              details: {
                packageId: stored.id,
                sha256: item.sha256,
                sizeBytes: item.sizeBytes,
                manifestSignedBy: key.kid,
              },
            },
          ],
          { kind: 'stored', sha256: item.sha256, at: now },
        );
      }
    } finally {
      await arrivals.return(undefined);
    }
    await settleIncoming(context, federation, stored, 'verified', null);
    return 'verified';
  } catch (error) {
    if (!(error instanceof PackageRefusal)) throw error;
    await settleIncoming(context, federation, stored, 'failed', error.message);
    return 'failed';
  }
}

/** Records the addressee's verdict on each settled outgoing package in its items' custody chains. */
async function recordVerdicts(context: AppContext, federation: FederationRuntime): Promise<void> {
  for (const stored of await listOutgoingVerdictsToRecord(context.db)) {
    for (const itemId of new Set(stored.chunks.map((chunk) => chunk.item))) {
      await appendCustody(context, itemId, [
        {
          kind: stored.status === 'verified' ? 'verified' : 'received',
          actor: { id: null, name: `node ${stored.peerNodeId}` },
          at: stored.updatedAt,
          details: {
            packageId: stored.id,
            by: stored.peerNodeId,
            outcome: stored.status,
            ...(stored.failureReason ? { reason: stored.failureReason } : {}),
            recordedBy: federation.identity.nodeId,
          },
        },
      ]).catch(() => undefined);
    }
    await markVerdictRecorded(context.db, stored.id);
    if (stored.status === 'verified') {
      await rm(packagePaths(context).outgoing(stored.id), { recursive: true, force: true });
    }
  }
}

/** One round of the transfer worker: incoming packages fetched and verified, verdicts and consent steps recorded. */
export async function runEvidenceTransferRound(context: AppContext): Promise<IncomingOutcome[]> {
  const federation = context.federation;
  if (!federation) return [];
  const outcomes: IncomingOutcome[] = [];
  for (const stored of await listIncomingPackagesToFetch(context.db)) {
    outcomes.push(await receiveIncomingPackage(context, stored));
  }
  await recordVerdicts(context, federation);
  await recordConsentCustody(context);
  return outcomes;
}

/** The transfer worker: a round every `intervalMs` (rounds never overlap). */
export function startEvidenceTransferWorker(
  context: AppContext,
  options: Readonly<{ intervalMs: number; onError: (error: unknown) => void }>,
): { stop: () => Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  let isStopped = false;
  const tick = () => {
    if (isStopped) return;
    running = runEvidenceTransferRound(context)
      .catch(options.onError)
      .finally(() => {
        if (!isStopped) timer = setTimeout(tick, options.intervalMs);
      });
  };
  let timer: NodeJS.Timeout | undefined = setTimeout(tick, 0);
  return {
    stop: async () => {
      isStopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
