/**
 * A logical copy of the node's database, the same on PGlite and on a PostgreSQL server: every table
 * of the public schema as JSON rows (row_to_json), read in ONE repeatable-read transaction, so the
 * copy is one consistent snapshot while the node keeps working. Restoring writes the rows back
 * with json_populate_recordset, table by table in the order their foreign keys need, into a
 * database migrated by the same release, then moves every sequence past the largest value restored,
 * and marks the node restored (restoration.repository.ts).
 *
 * Chosen over PGlite's dumpDataDir (a tarball of PGlite's own files, PGlite only, and only from the
 * process holding the database) and pg_dump (a server binary of the right major version): one format
 * for both databases, restorable into either.
 */
import { type Kysely, sql } from 'kysely';
import { markRestored } from './restoration.repository.ts';
import type { Database } from './schema.ts';

/** The migration bookkeeping tables: the target's own migrations write them, they are not copied. */
const MIGRATION_TABLES = new Set(['kysely_migration', 'kysely_migration_lock']);

export type DatabaseDump = Readonly<{
  /** The migrations applied to the copied database, in name order. */
  migrations: readonly string[];
  /** Table name -> its rows as one JSON array text (row_to_json of each row). */
  tables: Readonly<Record<string, string>>;
}>;

/** Quotes an identifier read from the catalogue (table names are ours, but quote anyway). */
function identifier(name: string) {
  return sql.id(name);
}

/** The tables of the public schema, parents before children (foreign keys), migration tables excluded. */
async function tablesInDependencyOrder(db: Kysely<Database>): Promise<string[]> {
  const { rows: tables } = await sql<{ name: string }>`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind = 'r' order by c.relname`.execute(db);
  const { rows: references } = await sql<{ child: string; parent: string }>`
    select c.relname as child, p.relname as parent
      from pg_constraint k
      join pg_class c on c.oid = k.conrelid
      join pg_class p on p.oid = k.confrelid
      join pg_namespace n on n.oid = c.relnamespace
     where k.contype = 'f' and n.nspname = 'public' and c.relname <> p.relname`.execute(db);
  const names = tables.map((row) => row.name).filter((name) => !MIGRATION_TABLES.has(name));
  const ordered: string[] = [];
  const placed = new Set<string>();
  while (ordered.length < names.length) {
    const ready = names.filter(
      (name) =>
        !placed.has(name) &&
        references.every((reference) => reference.child !== name || placed.has(reference.parent)),
    );
    if (ready.length === 0) throw new Error('the tables reference each other in a cycle');
    for (const name of ready) {
      ordered.push(name);
      placed.add(name);
    }
  }
  return ordered;
}

async function appliedMigrations(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return rows.map((row) => row.name);
}

/** Every table's rows, read in one repeatable-read (snapshot) transaction. */
export async function dumpDatabase(db: Kysely<Database>): Promise<DatabaseDump> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => {
      const tables: Record<string, string> = {};
      for (const name of await tablesInDependencyOrder(trx)) {
        const { rows } = await sql<{ rows: string }>`
          select coalesce(json_agg(comity_row), '[]')::text as rows
            from ${identifier(name)} as comity_row`.execute(trx);
        tables[name] = rows[0]?.rows ?? '[]';
      }
      return { migrations: await appliedMigrations(trx), tables };
    });
}

/** Whether the database holds no table of the node (a fresh PostgreSQL database, a new directory). */
export async function isDatabaseBlank(db: Kysely<Database>): Promise<boolean> {
  const { rows } = await sql<{ count: number }>`
    select count(*)::int as count from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind = 'r'`.execute(db);
  return Number(rows[0]?.count ?? 0) === 0;
}

/**
 * Writes a dump into a database that the same migrations have just created (the caller checks that
 * the migrations match): rows the migrations seeded are replaced, every table is filled, every
 * sequence continues after the restored values. One transaction: all or nothing.
 */
export async function restoreDatabase(
  db: Kysely<Database>,
  dump: DatabaseDump,
  restoration: Readonly<{ restoredAt: Date; backupCreatedAt: string }>,
): Promise<void> {
  const applied = await appliedMigrations(db);
  if (applied.join('\n') !== dump.migrations.join('\n')) {
    throw new Error('the database and the backup were made by different releases (their migrations differ)');
  }
  await db.transaction().execute(async (trx) => {
    const order = await tablesInDependencyOrder(trx);
    for (const name of [...order].reverse()) await sql`delete from ${identifier(name)}`.execute(trx);
    for (const name of order) {
      const rows = dump.tables[name];
      if (rows === undefined || rows === '[]') continue;
      await sql`
        insert into ${identifier(name)} overriding system value
        select * from json_populate_recordset(null::${identifier(name)}, ${rows}::json)`.execute(trx);
    }
    const { rows: sequences } = await sql<{ table_name: string; column_name: string }>`
      select c.relname as table_name, a.attname as column_name
        from pg_class s
        join pg_depend d on d.objid = s.oid and d.deptype in ('a', 'i')
        join pg_class c on c.oid = d.refobjid
        join pg_attribute a on a.attrelid = c.oid and a.attnum = d.refobjsubid
        join pg_namespace n on n.oid = c.relnamespace
       where s.relkind = 'S' and n.nspname = 'public'`.execute(trx);
    for (const sequence of sequences) {
      await sql`
        select setval(pg_get_serial_sequence(${sequence.table_name}, ${sequence.column_name}),
                      coalesce((select max(${identifier(sequence.column_name)}) from ${identifier(sequence.table_name)}), 0) + 1,
                      false)`.execute(trx);
    }
    // The node asks its peers for what it received after the backup at its next start.
    await markRestored(trx, restoration.restoredAt, restoration.backupCreatedAt);
  });
}
