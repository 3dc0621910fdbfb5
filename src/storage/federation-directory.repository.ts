/**
 * All SQL about the federation directory: the secretariat's register of nodes and keys, its
 * signed publications, and the cached copy of the verified directory that every node keeps so it
 * can go on working while the secretariat is unreachable.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** A registered node as stored; the service checks the jsonb columns' shapes. */
export type StoredDirectoryNode = Readonly<{
  nodeId: string;
  state: string;
  authority: string;
  endpoint: string;
  acceptedLanguages: unknown;
  serviceLevel: unknown;
  /** What the node announced it accepts; null when it did not. */
  accepts: unknown;
  updatedAt: Date;
}>;

export type StoredDirectoryKey = Readonly<{
  kid: string;
  nodeId: string;
  use: string;
  jwk: unknown;
  notBefore: Date;
  notAfter: Date;
}>;

export type StoredPublication = Readonly<{
  serial: number;
  document: string;
  issuedAt: Date;
  expiresAt: Date;
}>;

export type StoredDirectoryCache = Readonly<{ document: string; serial: number; fetchedAt: Date }>;

/** pg and PGlite both parse jsonb; a driver configured otherwise would hand back text. */
function parseJson(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value;
}

/** Creates the node or replaces its State, authority, endpoint, languages, service level and what it accepts. */
export async function upsertDirectoryNode(
  db: Kysely<Database>,
  node: Omit<StoredDirectoryNode, 'updatedAt'>,
  now: Date,
): Promise<void> {
  const values = {
    state: node.state,
    authority: node.authority,
    endpoint: node.endpoint,
    accepted_languages: JSON.stringify(node.acceptedLanguages),
    service_level: JSON.stringify(node.serviceLevel),
    accepts: node.accepts === null ? null : JSON.stringify(node.accepts),
    updated_at: now,
  };
  await db
    .insertInto('directory_nodes')
    .values({ node_id: node.nodeId, ...values })
    .onConflict((conflict) => conflict.column('node_id').doUpdateSet(values))
    .execute();
}

export async function findDirectoryNode(
  db: Kysely<Database>,
  nodeId: string,
): Promise<StoredDirectoryNode | undefined> {
  const row = await db
    .selectFrom('directory_nodes')
    .selectAll()
    .where('node_id', '=', nodeId)
    .executeTakeFirst();
  return row ? toStoredNode(row) : undefined;
}

/** Every registered node, by node id. */
export async function listDirectoryNodes(db: Kysely<Database>): Promise<StoredDirectoryNode[]> {
  const rows = await db.selectFrom('directory_nodes').selectAll().orderBy('node_id').execute();
  return rows.map(toStoredNode);
}

function toStoredNode(row: {
  node_id: string;
  state: string;
  authority: string;
  endpoint: string;
  accepted_languages: unknown;
  service_level: unknown;
  accepts: unknown;
  updated_at: Date;
}): StoredDirectoryNode {
  return {
    nodeId: row.node_id,
    state: row.state,
    authority: row.authority,
    endpoint: row.endpoint,
    acceptedLanguages: parseJson(row.accepted_languages),
    serviceLevel: parseJson(row.service_level),
    accepts: row.accepts === null ? null : parseJson(row.accepts),
    updatedAt: new Date(row.updated_at),
  };
}

/** Adds the keys whose kid is not registered yet; returns the kids it added. */
export async function insertMissingDirectoryKeys(
  db: Kysely<Database>,
  keys: readonly StoredDirectoryKey[],
): Promise<string[]> {
  if (keys.length === 0) return [];
  const inserted = await db
    .insertInto('directory_keys')
    .values(
      keys.map((key) => ({
        kid: key.kid,
        node_id: key.nodeId,
        use: key.use,
        jwk: JSON.stringify(key.jwk),
        not_before: key.notBefore,
        not_after: key.notAfter,
      })),
    )
    .onConflict((conflict) => conflict.column('kid').doNothing())
    .returning('kid')
    .execute();
  return inserted.map((row) => row.kid);
}

export async function findDirectoryKey(
  db: Kysely<Database>,
  kid: string,
): Promise<StoredDirectoryKey | undefined> {
  const row = await db.selectFrom('directory_keys').selectAll().where('kid', '=', kid).executeTakeFirst();
  return row ? toStoredKey(row) : undefined;
}

/** Every registered key, by node, then oldest first. */
export async function listDirectoryKeys(db: Kysely<Database>): Promise<StoredDirectoryKey[]> {
  const rows = await db
    .selectFrom('directory_keys')
    .selectAll()
    .orderBy('node_id')
    .orderBy('not_before')
    .orderBy('kid')
    .execute();
  return rows.map(toStoredKey);
}

/** Moves a key's end of validity (retiring it); false when no key has the kid. */
export async function updateDirectoryKeyNotAfter(
  db: Kysely<Database>,
  kid: string,
  notAfter: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('directory_keys')
    .set({ not_after: notAfter })
    .where('kid', '=', kid)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

function toStoredKey(row: {
  kid: string;
  node_id: string;
  use: string;
  jwk: unknown;
  not_before: Date | string;
  not_after: Date | string;
}): StoredDirectoryKey {
  return {
    kid: row.kid,
    nodeId: row.node_id,
    use: row.use,
    jwk: parseJson(row.jwk),
    notBefore: new Date(row.not_before),
    notAfter: new Date(row.not_after),
  };
}

/** The publication with the highest serial, if the secretariat has published. */
export async function findLatestPublication(db: Kysely<Database>): Promise<StoredPublication | undefined> {
  const row = await db
    .selectFrom('directory_publications')
    .selectAll()
    .orderBy('serial', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row
    ? {
        serial: Number(row.serial),
        document: row.document,
        issuedAt: new Date(row.issued_at),
        expiresAt: new Date(row.expires_at),
      }
    : undefined;
}

/**
 * Stores a publication. The serial is the primary key, so two publications racing for the same
 * serial cannot both be stored: the second fails and publishes nothing.
 */
export async function insertPublication(db: Kysely<Database>, publication: StoredPublication): Promise<void> {
  await db
    .insertInto('directory_publications')
    .values({
      serial: publication.serial,
      document: publication.document,
      issued_at: publication.issuedAt,
      expires_at: publication.expiresAt,
    })
    .execute();
}

export async function readDirectoryCache(db: Kysely<Database>): Promise<StoredDirectoryCache | undefined> {
  const row = await db.selectFrom('directory_cache').selectAll().where('id', '=', 1).executeTakeFirst();
  return row
    ? { document: row.document, serial: Number(row.serial), fetchedAt: new Date(row.fetched_at) }
    : undefined;
}

/**
 * Keeps a verified directory. The database itself refuses to replace a cached directory by one
 * with a lower serial (rollback protection even when two processes share the database); returns
 * false when it refused.
 */
export async function writeDirectoryCache(
  db: Kysely<Database>,
  cache: StoredDirectoryCache,
): Promise<boolean> {
  const written = await db
    .insertInto('directory_cache')
    .values({ id: 1, document: cache.document, serial: cache.serial, fetched_at: cache.fetchedAt })
    .onConflict((conflict) =>
      conflict
        .column('id')
        .doUpdateSet((eb) => ({
          document: eb.ref('excluded.document'),
          serial: eb.ref('excluded.serial'),
          fetched_at: eb.ref('excluded.fetched_at'),
        }))
        .where('directory_cache.serial', '<=', (eb) => eb.ref('excluded.serial')),
    )
    .returning('id')
    .execute();
  return written.length > 0;
}

/** The latest directory refresh: when, and whether it worked (and why not). */
export type StoredDirectoryRefresh = Readonly<{
  attemptedAt: Date;
  isOk: boolean;
  reason: string | null;
  detail: string | null;
}>;

/** Replaces the outcome of the latest refresh. */
export async function writeDirectoryRefresh(
  db: Kysely<Database>,
  refresh: StoredDirectoryRefresh,
): Promise<void> {
  const values = {
    attempted_at: refresh.attemptedAt,
    is_ok: refresh.isOk,
    reason: refresh.reason,
    detail: refresh.detail,
  };
  await db
    .insertInto('directory_refresh_status')
    .values({ id: 1, ...values })
    .onConflict((conflict) => conflict.column('id').doUpdateSet(values))
    .execute();
}

export async function readDirectoryRefresh(
  db: Kysely<Database>,
): Promise<StoredDirectoryRefresh | undefined> {
  const row = await db
    .selectFrom('directory_refresh_status')
    .selectAll()
    .where('id', '=', 1)
    .executeTakeFirst();
  return row
    ? { attemptedAt: new Date(row.attempted_at), isOk: row.is_ok, reason: row.reason, detail: row.detail }
    : undefined;
}
