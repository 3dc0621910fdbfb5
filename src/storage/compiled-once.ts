/**
 * Statements built and compiled once, run with new values. Kysely builds a tree of operation nodes
 * for every query, freezes it, and compiles it to SQL at every call; for the statements the node
 * runs on every request and every message (the token lookup, the request read before a send), that
 * was about a tenth of the sending node's CPU at saturation, more than the statements' own time in
 * node-postgres (docs/benchmarks.md, "Statements compiled once"). The SQL text is then the same
 * string every time, which the statement namer (statement-names.ts) finds at once.
 *
 * `compiledOnce(build)` calls `build` once, with a `value(name)` that stands for each value the
 * statement takes, compiles it, and keeps which parameter is which value. Each later call runs the
 * same SQL with the values given. Only a statement whose shape never depends on its values fits:
 * a value must reach the statement as one parameter (a scalar or a JSON document, not a list to
 * expand), and no condition may be added or left out according to a value. The first compilation
 * checks that every value became a parameter, and throws if one did not.
 */
import { type Compilable, CompiledQuery, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** What `build` is given: a stand-in for the value `name`, typed as the value. */
export type ValueOf<Values> = <Name extends keyof Values & string>(name: Name) => Values[Name];

/** A stand-in value, recognised among the compiled parameters. */
class Placeholder {
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
}

type Compiled = Readonly<{
  sql: string;
  /** Each parameter: the name of a value, or a constant of the statement. */
  parameters: ReadonlyArray<Readonly<{ name: string } | { constant: unknown }>>;
}>;

function compile<Values>(
  build: (db: Kysely<Database>, value: ValueOf<Values>) => Compilable<unknown>,
  db: Kysely<Database>,
): Compiled {
  const asked = new Set<string>();
  const value = ((name: string) => {
    asked.add(name);
    return new Placeholder(name);
  }) as ValueOf<Values>;
  const query = build(db, value).compile();
  const parameters = query.parameters.map((parameter) =>
    parameter instanceof Placeholder ? { name: parameter.name } : { constant: parameter },
  );
  const bound = new Set(parameters.flatMap((parameter) => ('name' in parameter ? [parameter.name] : [])));
  const unbound = [...asked].filter((name) => !bound.has(name));
  if (unbound.length > 0) {
    throw new Error(`compiledOnce: ${unbound.join(', ')} did not become a parameter of: ${query.sql}`);
  }
  return { sql: query.sql, parameters };
}

/** A statement compiled once (see compiledOnce), runnable as Kysely would run it too. */
export type CompiledStatement<Values, Row> = ((db: Kysely<Database>, values: Values) => Promise<Row[]>) &
  Readonly<{
    /** The same statement built and compiled by Kysely at this call, as without compiledOnce (the benchmark's baseline). */
    builtEachCall: (db: Kysely<Database>, values: Values) => Promise<Row[]>;
  }>;

/**
 * A statement compiled at its first call; each call runs it with `values` and returns its rows.
 * The SQL is the same on both databases (both use Kysely's PostgreSQL dialect).
 */
export function compiledOnce<Values extends object, Row>(
  build: (db: Kysely<Database>, value: ValueOf<Values>) => Compilable<Row>,
): CompiledStatement<Values, Row> {
  let compiled: Compiled | undefined;
  const run = async (db: Kysely<Database>, values: Values) => {
    compiled ??= compile(build, db);
    const parameters = compiled.parameters.map((parameter) =>
      'name' in parameter ? (values as Record<string, unknown>)[parameter.name] : parameter.constant,
    );
    const result = await db.executeQuery<Row>(CompiledQuery.raw(compiled.sql, parameters));
    return result.rows;
  };
  const builtEachCall = async (db: Kysely<Database>, values: Values) => {
    const value = ((name: string) => (values as Record<string, unknown>)[name]) as ValueOf<Values>;
    return (await db.executeQuery(build(db, value))).rows;
  };
  return Object.assign(run, { builtEachCall });
}
