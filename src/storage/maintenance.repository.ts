/**
 * Routine maintenance of the database: the VACUUM and ANALYZE that PostgreSQL's autovacuum runs on
 * a server, which PGlite never runs (it runs PostgreSQL in single-user mode: `autovacuum` reads
 * `on`, but no launcher is there). Without them an embedded node's planner has no statistics
 * (`reltuples` stays -1), the space of dead row versions and their index entries is never made
 * reusable, and no row is ever frozen: a node that has used up about two billion transaction IDs
 * would stop accepting writes (PostgreSQL's wraparound protection). The node runs this work itself
 * at quiet moments (services/database-maintenance.service.ts; docs/operations.md, "Routine
 * maintenance of the embedded database").
 *
 * Which tables are due follows autovacuum's own rules and settings, read from the database:
 * dead rows over autovacuum_vacuum_threshold + autovacuum_vacuum_scale_factor × rows, rows inserted
 * since the last vacuum over the insert threshold and scale factor, rows changed since the last
 * analyze over autovacuum_analyze_threshold + autovacuum_analyze_scale_factor × rows, and a
 * transaction ID age over autovacuum_freeze_max_age (for every table, the system catalogues
 * included: the database's oldest unfrozen ID is theirs too).
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.ts';

/** One table's due work: VACUUM, ANALYZE, or both (run as one VACUUM (ANALYZE)). */
export type TableMaintenance = Readonly<{
  schema: string;
  table: string;
  vacuum: boolean;
  analyze: boolean;
}>;

export type MaintenanceDueOptions = Readonly<{
  /**
   * The first look since the database was opened. PostgreSQL's activity counters (dead rows,
   * rows inserted or changed) start from zero at each start of PGlite, so what a node did before
   * a restart is not counted there: on the first look, a table whose size on disk differs from the
   * one its last VACUUM or ANALYZE recorded has changed since, and is due for both.
   */
  isFirstSinceStart?: boolean;
  /** Transaction ID age above which a table is vacuumed to freeze its rows; default autovacuum_freeze_max_age. */
  freezeMaxAge?: number;
}>;

type DueRow = Readonly<{ schema: string; table: string; needs_vacuum: boolean; needs_analyze: boolean }>;

/**
 * The tables due for maintenance (see the header), the node's own first, those with the most
 * dead or changed rows first. Catalogue tables appear only when their transaction ID age is due.
 */
export async function listMaintenanceDue(
  db: Kysely<Database>,
  options: MaintenanceDueOptions = {},
): Promise<TableMaintenance[]> {
  const isFirst = options.isFirstSinceStart === true;
  const freezeMaxAge =
    options.freezeMaxAge === undefined
      ? sql<number>`current_setting('autovacuum_freeze_max_age')::float8`
      : sql<number>`${options.freezeMaxAge}::float8`;
  const rows = await sql<DueRow>`
    with settings as (
      select current_setting('autovacuum_vacuum_threshold')::float8 as vacuum_base,
        current_setting('autovacuum_vacuum_scale_factor')::float8 as vacuum_scale,
        current_setting('autovacuum_vacuum_insert_threshold')::float8 as insert_base,
        current_setting('autovacuum_vacuum_insert_scale_factor')::float8 as insert_scale,
        current_setting('autovacuum_analyze_threshold')::float8 as analyze_base,
        current_setting('autovacuum_analyze_scale_factor')::float8 as analyze_scale,
        ${freezeMaxAge} as freeze_max_age,
        current_setting('block_size')::float8 as block_size
    ),
    tables as (
      select n.nspname as schema, c.relname as table, n.nspname = current_schema() as is_own,
        greatest(c.reltuples, 0) as counted_rows,
        -- Never counted, and not empty (VACUUM leaves an empty table at -1, on purpose).
        c.reltuples < 0 and pg_relation_size(c.oid) > 0 as is_uncounted,
        ${isFirst}::boolean and pg_relation_size(c.oid) / settings.block_size <> c.relpages as has_changed_size,
        age(c.relfrozenxid) > settings.freeze_max_age as is_freeze_due,
        -- The activity counts of pg_stat_all_tables, read for these three alone (the view reads
        -- some twenty for every table, catalogues included: several times slower).
        pg_stat_get_dead_tuples(c.oid) as dead_rows,
        pg_stat_get_ins_since_vacuum(c.oid) as inserted_rows,
        pg_stat_get_mod_since_analyze(c.oid) as changed_rows,
        settings.*
      from pg_class c
        join pg_namespace n on n.oid = c.relnamespace
        cross join settings
      where c.relkind in ('r', 'm') and c.relpersistence = 'p'
    ),
    due as (
      select schema, "table", is_own, dead_rows + changed_rows as activity,
        is_freeze_due or (is_own and (is_uncounted or has_changed_size
          or dead_rows > vacuum_base + vacuum_scale * counted_rows
          or (insert_base >= 0 and inserted_rows > insert_base + insert_scale * counted_rows))) as needs_vacuum,
        is_own and (is_uncounted or has_changed_size
          or changed_rows > analyze_base + analyze_scale * counted_rows) as needs_analyze
      from tables
    )
    select schema, "table", needs_vacuum, needs_analyze from due
    where needs_vacuum or needs_analyze
    order by is_own desc, activity desc, "table"
  `.execute(db);
  return rows.rows.map((row) => ({
    schema: row.schema,
    table: row.table,
    vacuum: row.needs_vacuum,
    analyze: row.needs_analyze,
  }));
}

/**
 * Runs one table's due work. VACUUM cannot run inside a transaction: this is a statement of its
 * own, and on PGlite it holds the one connection while it runs (tens of milliseconds for a table
 * of a few MiB, docs/benchmarks.md).
 */
export async function maintainTable(db: Kysely<Database>, work: TableMaintenance): Promise<void> {
  const table = sql.id(work.schema, work.table);
  if (work.vacuum && work.analyze) await sql`vacuum (analyze) ${table}`.execute(db);
  else if (work.vacuum) await sql`vacuum ${table}`.execute(db);
  else if (work.analyze) await sql`analyze ${table}`.execute(db);
}

/**
 * The age, in transactions, of the database's oldest unfrozen transaction ID. PostgreSQL stops
 * accepting writes as it nears 2^31 (about 2.1 billion); a VACUUM of the oldest tables brings it
 * down (autovacuum on a server, the node's own maintenance on PGlite).
 */
export async function transactionIdAge(db: Kysely<Database>): Promise<number> {
  const result = await sql<{ age: number | string }>`
    select age(datfrozenxid) as age from pg_database where datname = current_database()
  `.execute(db);
  return Number(result.rows[0]?.age ?? 0);
}
