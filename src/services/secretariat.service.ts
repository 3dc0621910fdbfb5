/**
 * The secretariat's register of nodes and the signed directory it publishes. A secretariat is a
 * node initialised with `comity init --secretariat` and run with COMITY_MODE=secretariat; it signs
 * each publication with its own signing key, and nodes verify it against that key, pinned at their
 * own `comity init`. Each publication has a new, higher serial (nodes refuse to go back to an
 * older one) and expires COMITY_DIRECTORY_VALIDITY_SECONDS (default 7 days) after it was issued, so
 * a node never trusts a stale register for long; the secretariat renews it before then
 * (renewDirectoryIfDue).
 *
 * Key rotation (see src/federation/identity/identity-store.ts): `addNodeKeys` publishes a node's
 * next keys beside its current ones (both verify: the overlap), `retireKey` ends the old key's
 * validity once the node has switched.
 */
import { base64url, type JWK } from 'jose';
import { z } from 'zod';
import { AppError } from '../core/errors.ts';
import type { NodeIdentity } from '../federation/context.ts';
import { loadNodeIdentity } from '../federation/identity/identity-store.ts';
import { type PublicKeyEntry, PublicKeyEntrySchema } from '../federation/identity/public-key-bundle.ts';
import { signDirectory } from '../federation/protocol/directory-document.ts';
import {
  AuthorityKindSchema,
  DirectoryDocumentSchema,
  DirectoryNodeSchema,
  NodeAcceptsSchema,
  NodeIdSchema,
} from '../federation/protocol/envelope.ts';
import { computeKid } from '../federation/protocol/keys.ts';
import type { DirectoryDocument, DirectoryKey, DirectoryNode } from '../federation/protocol/types.ts';
import type { AppContext } from '../app-context.ts';
import {
  findDirectoryKey,
  findDirectoryNode,
  findLatestPublication,
  insertMissingDirectoryKeys,
  insertPublication,
  listDirectoryKeys,
  listDirectoryNodes,
  type StoredDirectoryKey,
  type StoredDirectoryNode,
  type StoredPublication,
  updateDirectoryKeyNotAfter,
  upsertDirectoryNode,
} from '../storage/federation-directory.repository.ts';
import { refusedEndpointReason } from '../federation/protocol/endpoint-policy.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;
/** Default validity of a registered key (2 years), unless the operator says otherwise. */
export const DEFAULT_KEY_VALIDITY_DAYS = 730;
/** Default time a retired key keeps verifying, for messages signed before the switch still in flight. */
export const DEFAULT_RETIREMENT_GRACE_HOURS = 24;

/** A node in the register, with every key it has (current, next and retired ones). */
export type RegisteredNode = DirectoryNode;

export type PublicationSummary = Readonly<{
  serial: number;
  issuedAt: string;
  expiresAt: string;
  nodeCount: number;
}>;

/** Registering a node: what `comity secretariat add-node` reads from its flags and the node's keys file. */
export const NodeRegistrationSchema = z
  .object({
    nodeId: NodeIdSchema,
    state: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as FR, or EU'),
    authority: AuthorityKindSchema,
    endpoint: z
      .url({ protocol: /^https?$/ })
      .max(500)
      .transform((value) => value.replace(/\/+$/, '')),
    acceptedLanguages: z
      .array(
        z
          .string()
          .regex(/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/, 'must be a BCP 47 language tag such as en or fr'),
      )
      .max(50)
      .optional(),
    serviceLevel: z
      .object({ acknowledgeWithinHours: z.number().positive().max(10_000).optional() })
      .strict()
      .optional(),
    keys: z.array(PublicKeyEntrySchema).min(1).max(8),
    /** What the node reads, from its keys file; absent: kept as registered before (or the v1 baseline). */
    accepts: NodeAcceptsSchema.optional(),
    /** When the keys start to verify (default: now). */
    notBefore: z.date().optional(),
    validDays: z.number().int().min(1).max(3650).default(DEFAULT_KEY_VALIDITY_DAYS),
  })
  .strict();
export type NodeRegistration = z.input<typeof NodeRegistrationSchema>;

function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => ({
      path: issue.path.join('.'),
      message: issue.message,
    }));
    throw new AppError(
      'invalid-input',
      details.map((d) => `${d.path || 'input'}: ${d.message}`).join('; '),
      details,
    );
  }
  return parsed.data;
}

/** The register is only kept by a secretariat, so a State node cannot publish a directory by mistake. */
export function assertSecretariatMode(context: AppContext): void {
  if (context.config.federation.mode !== 'secretariat') {
    throw new AppError(
      'invalid-state',
      'this node is not a secretariat: run it with COMITY_MODE=secretariat',
    );
  }
}

/** Keys as the register stores them, after checking each kid is its key's thumbprint. */
async function toStoredKeys(
  nodeId: string,
  keys: readonly PublicKeyEntry[],
  notBefore: Date,
  validDays: number,
): Promise<StoredDirectoryKey[]> {
  const stored: StoredDirectoryKey[] = [];
  for (const key of keys) {
    if ((await computeKid(key.jwk as JWK)) !== key.kid) {
      throw new AppError('invalid-input', `key ${key.kid}: the kid is not the thumbprint of its public key`);
    }
    stored.push({
      kid: key.kid,
      nodeId,
      use: key.use,
      jwk: key.jwk,
      notBefore,
      notAfter: new Date(notBefore.getTime() + validDays * DAY_MS),
    });
  }
  return stored;
}

async function assertKidsFree(
  context: AppContext,
  nodeId: string,
  keys: readonly StoredDirectoryKey[],
): Promise<void> {
  for (const key of keys) {
    const existing = await findDirectoryKey(context.db, key.kid);
    if (existing && existing.nodeId !== nodeId) {
      throw new AppError('conflict', `key ${key.kid} is already registered for node ${existing.nodeId}`);
    }
  }
}

/**
 * Registers a node (or updates its State, authority, endpoint, languages and service level) with
 * the keys of its `comity keys public` output. Keys already registered are kept as they are.
 */
export async function registerNode(context: AppContext, input: NodeRegistration): Promise<RegisteredNode> {
  assertSecretariatMode(context);
  const registration = parseInput(NodeRegistrationSchema, input);
  const uses = new Set(registration.keys.map((key) => key.use));
  if (!uses.has('sig') || !uses.has('enc')) {
    throw new AppError('invalid-input', 'a node needs a signing (sig) and an encryption (enc) key');
  }
  // Every node of the directory would refuse to send to it: refuse it here, where it is entered.
  const refusedEndpoint = refusedEndpointReason(
    registration.endpoint,
    context.config.federation.allowsPlainHttpPeers,
  );
  if (refusedEndpoint) throw new AppError('invalid-input', `node ${registration.nodeId}: ${refusedEndpoint}`);
  const now = context.now();
  const keys = await toStoredKeys(
    registration.nodeId,
    registration.keys,
    registration.notBefore ?? now,
    registration.validDays,
  );
  await assertKidsFree(context, registration.nodeId, keys);
  // Re-registering a node (new endpoint...) keeps the languages and service level not given again.
  const existing = await findDirectoryNode(context.db, registration.nodeId);
  await context.db.transaction().execute(async (transaction) => {
    await upsertDirectoryNode(
      transaction,
      {
        nodeId: registration.nodeId,
        state: registration.state,
        authority: registration.authority,
        endpoint: registration.endpoint,
        acceptedLanguages: registration.acceptedLanguages ?? existing?.acceptedLanguages ?? [],
        serviceLevel: registration.serviceLevel ?? existing?.serviceLevel ?? {},
        accepts: registration.accepts ?? existing?.accepts ?? null,
      },
      now,
    );
    await insertMissingDirectoryKeys(transaction, keys);
  });
  return findRegisteredNode(context, registration.nodeId);
}

const AddKeysSchema = z
  .object({
    nodeId: NodeIdSchema,
    keys: z.array(PublicKeyEntrySchema).min(1).max(8),
    notBefore: z.date().optional(),
    validDays: z.number().int().min(1).max(3650).default(DEFAULT_KEY_VALIDITY_DAYS),
  })
  .strict();

/**
 * Step 2 of a rotation: adds a registered node's next keys. They verify from `notBefore` (default
 * now) while the current keys keep verifying until retired: the overlap. Returns the kids added.
 */
export async function addNodeKeys(
  context: AppContext,
  input: z.input<typeof AddKeysSchema>,
): Promise<readonly string[]> {
  assertSecretariatMode(context);
  const request = parseInput(AddKeysSchema, input);
  if (!(await findDirectoryNode(context.db, request.nodeId))) {
    throw new AppError('not-found', `node ${request.nodeId} is not registered (comity secretariat add-node)`);
  }
  const keys = await toStoredKeys(
    request.nodeId,
    request.keys,
    request.notBefore ?? context.now(),
    request.validDays,
  );
  await assertKidsFree(context, request.nodeId, keys);
  return insertMissingDirectoryKeys(context.db, keys);
}

/**
 * Step 4 of a rotation: the key stops verifying after a grace period (default 24 hours) for
 * messages signed before the switch that are still on their way. Never extends a key's validity.
 */
export async function retireKey(
  context: AppContext,
  input: Readonly<{ kid: string; graceHours?: number }>,
): Promise<DirectoryKey> {
  assertSecretariatMode(context);
  const graceHours = input.graceHours ?? DEFAULT_RETIREMENT_GRACE_HOURS;
  if (!Number.isFinite(graceHours) || graceHours < 0 || graceHours > 24 * 365) {
    throw new AppError('invalid-input', 'the grace period must be from 0 to 8760 hours');
  }
  const key = await findDirectoryKey(context.db, input.kid);
  if (!key) throw new AppError('not-found', `no registered key has kid ${input.kid}`);
  const notAfter = new Date(context.now().getTime() + graceHours * HOUR_MS);
  if (notAfter < key.notAfter) await updateDirectoryKeyNotAfter(context.db, key.kid, notAfter);
  const updated = await findDirectoryKey(context.db, key.kid);
  return toDirectoryKey(updated ?? key);
}

function toDirectoryKey(key: StoredDirectoryKey): DirectoryKey {
  return {
    kid: key.kid,
    use: key.use === 'enc' ? 'enc' : 'sig',
    jwk: key.jwk as JWK,
    notBefore: key.notBefore.toISOString(),
    notAfter: key.notAfter.toISOString(),
  };
}

function toRegisteredNode(node: StoredDirectoryNode, keys: readonly StoredDirectoryKey[]): RegisteredNode {
  return {
    nodeId: node.nodeId,
    state: node.state,
    authority: AuthorityKindSchema.parse(node.authority),
    endpoint: node.endpoint,
    keys: keys.filter((key) => key.nodeId === node.nodeId).map(toDirectoryKey),
    acceptedLanguages: z.array(z.string()).parse(node.acceptedLanguages),
    serviceLevel: z.object({ acknowledgeWithinHours: z.number().optional() }).parse(node.serviceLevel),
    ...(node.accepts === null ? {} : { accepts: NodeAcceptsSchema.parse(node.accepts) }),
  };
}

/** Every registered node with all its keys, by node id (`comity secretariat list`). */
export async function listRegisteredNodes(context: AppContext): Promise<RegisteredNode[]> {
  assertSecretariatMode(context);
  const [nodes, keys] = await Promise.all([listDirectoryNodes(context.db), listDirectoryKeys(context.db)]);
  return nodes.map((node) => toRegisteredNode(node, keys));
}

async function findRegisteredNode(context: AppContext, nodeId: string): Promise<RegisteredNode> {
  const node = await findDirectoryNode(context.db, nodeId);
  if (!node) throw new AppError('not-found', `node ${nodeId} is not registered`);
  const keys = (await listDirectoryKeys(context.db)).filter((key) => key.nodeId === nodeId);
  return toRegisteredNode(node, keys);
}

/** The secretariat's own identity: the one the runtime loaded, or the one on disk (CLI). */
async function secretariatIdentity(context: AppContext): Promise<NodeIdentity> {
  const identity = context.federation?.identity ?? (await loadNodeIdentity(context.config));
  if (!identity) {
    throw new AppError(
      'unavailable',
      'this secretariat has no identity to sign with: run comity init --secretariat',
    );
  }
  return identity;
}

async function storePublication(
  context: AppContext,
  identity: NodeIdentity,
  nodes: readonly DirectoryNode[],
): Promise<PublicationSummary> {
  const issuedAt = context.now();
  const latest = await findLatestPublication(context.db);
  const document: DirectoryDocument = {
    v: 1,
    serial: (latest?.serial ?? 0) + 1,
    issuedAt: issuedAt.toISOString(),
    expiresAt: new Date(
      issuedAt.getTime() + context.config.federation.directoryValiditySeconds * 1000,
    ).toISOString(),
    nodes,
  };
  const compact = await signDirectory(document, identity.keys.signing);
  try {
    await insertPublication(context.db, {
      serial: document.serial,
      document: compact,
      issuedAt,
      expiresAt: new Date(document.expiresAt),
    });
  } catch (error) {
    if ((await findLatestPublication(context.db))?.serial === document.serial) {
      throw new AppError(
        'conflict',
        'another publication took the same serial at the same moment; publish again',
      );
    }
    throw error;
  }
  return {
    serial: document.serial,
    issuedAt: document.issuedAt,
    expiresAt: document.expiresAt,
    nodeCount: nodes.length,
  };
}

/**
 * Signs and stores a new directory of every registered node with the keys still valid at the time
 * of issue (a retired key disappears once its validity has ended); nodes fetch it at
 * GET /federation/v1/directory.
 */
export async function publishDirectory(context: AppContext): Promise<PublicationSummary> {
  assertSecretariatMode(context);
  const identity = await secretariatIdentity(context);
  const now = context.now();
  const nodes: DirectoryNode[] = [];
  for (const node of await listRegisteredNodes(context)) {
    const keys = node.keys.filter((key) => Date.parse(key.notAfter) > now.getTime());
    const parsed = DirectoryNodeSchema.safeParse({ ...node, keys });
    if (!parsed.success) {
      throw new AppError(
        'invalid-state',
        `node ${node.nodeId} cannot be published (${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')})`,
      );
    }
    nodes.push(parsed.data);
  }
  return storePublication(context, identity, nodes);
}

/** The payload of a publication this secretariat signed (trusted: it comes from its own database). */
function payloadOf(publication: StoredPublication): DirectoryDocument {
  const payload = publication.document.split('.')[1] ?? '';
  return DirectoryDocumentSchema.parse(JSON.parse(new TextDecoder().decode(base64url.decode(payload))));
}

/**
 * Re-signs the latest publication with a new serial and validity once half its lifetime has
 * passed, so the nodes' directory never expires while the secretariat runs. Only the dates and
 * serial change: changes to the register wait for the operator's `comity secretariat publish`.
 * The lifetime is the shorter of the publication's own and COMITY_DIRECTORY_VALIDITY_SECONDS, so a
 * shortened validity applies from the next renewal rather than after the old, longer one.
 * Returns the new publication, or undefined when none was due (or nothing was ever published).
 */
export async function renewDirectoryIfDue(context: AppContext): Promise<PublicationSummary | undefined> {
  assertSecretariatMode(context);
  const latest = await findLatestPublication(context.db);
  if (!latest) return undefined;
  const lifetimeMs = Math.min(
    latest.expiresAt.getTime() - latest.issuedAt.getTime(),
    context.config.federation.directoryValiditySeconds * 1000,
  );
  const halfLife = lifetimeMs / 2;
  if (context.now().getTime() < latest.issuedAt.getTime() + halfLife) return undefined;
  const identity = await secretariatIdentity(context);
  return storePublication(context, identity, payloadOf(latest).nodes);
}

/** Serial and validity of the latest publication, or undefined before the first (`comity secretariat list`). */
export async function describeLatestPublication(
  context: AppContext,
): Promise<Readonly<{ serial: number; issuedAt: Date; expiresAt: Date }> | undefined> {
  assertSecretariatMode(context);
  const latest = await findLatestPublication(context.db);
  return latest
    ? { serial: latest.serial, issuedAt: latest.issuedAt, expiresAt: latest.expiresAt }
    : undefined;
}

/** The latest signed directory, as GET /federation/v1/directory serves it. */
export async function findCurrentPublication(
  context: AppContext,
): Promise<Readonly<{ serial: number; document: string }>> {
  if (context.config.federation.mode !== 'secretariat') {
    throw new AppError('not-found', 'this node is not a secretariat; it publishes no directory');
  }
  const latest = await findLatestPublication(context.db);
  if (!latest) {
    throw new AppError(
      'unavailable',
      'the secretariat has not published a directory yet (comity secretariat publish)',
    );
  }
  return { serial: latest.serial, document: latest.document };
}

/** Whether a registered node is in the latest publication as it is registered now. */
export type RegisterPublicationState = 'published' | 'changed' | 'not-published';

export type RegisterView = Readonly<{
  nodes: readonly (RegisteredNode & Readonly<{ publication: RegisterPublicationState }>)[];
  latestPublication: PublicationSummary | null;
}>;

/**
 * What a publication would say of a node: its place and the keys valid at `now` (a publication
 * leaves out expired keys), so a node registered as published compares equal.
 */
function publishedShape(node: DirectoryNode, now: number): string {
  return JSON.stringify({
    state: node.state,
    authority: node.authority,
    endpoint: node.endpoint,
    acceptedLanguages: [...node.acceptedLanguages].sort(),
    kids: node.keys
      .filter((key) => Date.parse(key.notAfter) > now)
      .map((key) => `${key.use}:${key.kid}:${key.notBefore}:${key.notAfter}`)
      .sort(),
  });
}

/**
 * The register as the secretariat's screen shows it: each registered node with whether the
 * latest publication carries it as registered now (a key added or a node registered since waits
 * for `comity secretariat publish`), and that publication. Not found on a State node.
 */
export async function describeRegister(context: AppContext): Promise<RegisterView> {
  if (context.config.federation.mode !== 'secretariat') {
    throw new AppError('not-found', 'this node is not a secretariat; it keeps no register of nodes');
  }
  const [nodes, latest] = await Promise.all([
    listRegisteredNodes(context),
    findLatestPublication(context.db),
  ]);
  const published = new Map(
    (latest ? payloadOf(latest).nodes : []).map((node) => [node.nodeId, node] as const),
  );
  const at = latest ? latest.issuedAt.getTime() : 0;
  return {
    nodes: nodes.map((node) => {
      const inPublication = published.get(node.nodeId);
      const publication: RegisterPublicationState = !inPublication
        ? 'not-published'
        : publishedShape(inPublication, at) === publishedShape(node, at)
          ? 'published'
          : 'changed';
      return { ...node, publication };
    }),
    latestPublication: latest
      ? {
          serial: latest.serial,
          issuedAt: latest.issuedAt.toISOString(),
          expiresAt: latest.expiresAt.toISOString(),
          nodeCount: published.size,
        }
      : null,
  };
}
