/**
 * SQL for the domestic law map: this node's domestic provisions and the Convention offences
 * (catalogue ids art-7 ... art-17) each implements.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

export type StoredProvision = Readonly<{
  id: string;
  citation: string;
  title: string;
  maximumPenalty: string;
  offences: string[];
  updatedAt: Date;
}>;

type ProvisionInput = Readonly<{
  citation: string;
  title: string;
  maximumPenalty: string;
  offences: readonly string[];
}>;

function toProvision(row: {
  id: string;
  citation: string;
  title: string;
  maximum_penalty: string;
  offences: unknown;
  updated_at: Date | string;
}): StoredProvision {
  return {
    id: row.id,
    citation: row.citation,
    title: row.title,
    maximumPenalty: row.maximum_penalty,
    offences: Array.isArray(row.offences) ? row.offences.map(String) : [],
    updatedAt: new Date(row.updated_at),
  };
}

export async function listProvisions(db: Kysely<Database>): Promise<StoredProvision[]> {
  const rows = await db.selectFrom('domestic_law_provisions').selectAll().orderBy('citation').execute();
  return rows.map(toProvision);
}

/** Adds a provision, or replaces the one with the same citation. */
export async function upsertProvision(
  db: Kysely<Database>,
  input: ProvisionInput,
  at: Date,
): Promise<StoredProvision> {
  const values = {
    citation: input.citation,
    title: input.title,
    maximum_penalty: input.maximumPenalty,
    offences: JSON.stringify([...input.offences]),
    updated_at: at,
  };
  const row = await db
    .insertInto('domestic_law_provisions')
    .values({ ...values, created_at: at })
    .onConflict((oc) =>
      oc.column('citation').doUpdateSet({
        title: values.title,
        maximum_penalty: values.maximum_penalty,
        offences: values.offences,
        updated_at: at,
      }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  return toProvision(row);
}

/** Removes the provision with this id or citation; answers whether there was one. */
export async function deleteProvision(
  db: Kysely<Database>,
  idOrCitation: string,
  isId: boolean,
): Promise<boolean> {
  const result = await db
    .deleteFrom('domestic_law_provisions')
    .where(isId ? 'id' : 'citation', '=', idOrCitation)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
