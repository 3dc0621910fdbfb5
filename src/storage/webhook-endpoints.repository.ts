/**
 * The webhook endpoints alerts are sent to (migration 2026-12-05T11-00-00_alert-channels). The
 * secret leaves this module only for signing (alert-deliveries.repository.ts) and once, on creation.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

export type StoredWebhookEndpoint = Readonly<{
  id: string;
  url: string;
  description: string;
  createdAt: Date;
}>;

export async function insertWebhookEndpoint(
  db: Kysely<Database>,
  endpoint: { url: string; description: string; secret: string; createdAt: Date },
): Promise<StoredWebhookEndpoint> {
  const row = await db
    .insertInto('webhook_endpoints')
    .values({
      url: endpoint.url,
      description: endpoint.description,
      secret: endpoint.secret,
      created_at: endpoint.createdAt,
    })
    .returning(['id', 'url', 'description', 'created_at'])
    .executeTakeFirstOrThrow();
  return { id: row.id, url: row.url, description: row.description, createdAt: new Date(row.created_at) };
}

export async function listWebhookEndpoints(db: Kysely<Database>): Promise<StoredWebhookEndpoint[]> {
  const rows = await db
    .selectFrom('webhook_endpoints')
    .select(['id', 'url', 'description', 'created_at'])
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    url: row.url,
    description: row.description,
    createdAt: new Date(row.created_at),
  }));
}

/** Removes an endpoint; false when there was none with that id. */
export async function deleteWebhookEndpoint(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db.deleteFrom('webhook_endpoints').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
