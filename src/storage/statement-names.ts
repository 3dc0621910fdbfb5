/**
 * Which statements a PostgreSQL connection prepares once and runs by name. node-postgres sends a
 * statement unnamed unless told a name, and then the server parses, analyses and plans it on
 * every call: on the message path that was more than half of the database's time (the census in
 * docs/benchmarks.md). A named statement is parsed once per connection, and after five calls
 * PostgreSQL may keep a generic plan for it. So the node names the statements it runs again and
 * again: a data statement (select, insert, update, delete, with) seen `minUses` times gets a
 * name, the same for the process's life. Statements run once (migrations, a restore) stay unnamed,
 * and so does every statement past `maxNames`, so that no connection holds an unbounded number of
 * prepared statements.
 *
 * Statements that look for a rare status among many rows write that status as a literal
 * (outbox.repository.ts), so that a generic plan still uses the partial index made for it.
 */

export type StatementNamer = (text: string) => string | undefined;

export type StatementNamerOptions = Readonly<{
  /** Calls before a statement is named. */
  minUses: number;
  /** Most statements named (each connection prepares at most this many). */
  maxNames: number;
  /** Most statements counted while waiting for a name; when full, the counts start afresh. */
  maxCounted: number;
  /** Longer texts are never named (a batch with many rows of values is seldom run twice alike). */
  maxLength: number;
}>;

export const STATEMENT_NAMER_DEFAULTS: StatementNamerOptions = {
  minUses: 3,
  maxNames: 400,
  maxCounted: 4000,
  maxLength: 20_000,
};

const DATA_STATEMENT = /^\s*(select|insert|update|delete|with)\b/i;

/** A namer for one process: the same text always gets the same name. */
export function createStatementNamer(
  options: StatementNamerOptions = STATEMENT_NAMER_DEFAULTS,
): StatementNamer {
  const names = new Map<string, string>();
  const uses = new Map<string, number>();
  return (text) => {
    const name = names.get(text);
    if (name !== undefined) return name;
    if (names.size >= options.maxNames || text.length > options.maxLength || !DATA_STATEMENT.test(text)) {
      return undefined;
    }
    const count = (uses.get(text) ?? 0) + 1;
    if (count < options.minUses) {
      // Texts seen once or twice and never again (lists of values of every length) do not keep
      // the statements run all the time from being counted.
      if (!uses.has(text) && uses.size >= options.maxCounted) uses.clear();
      uses.set(text, count);
      return undefined;
    }
    uses.delete(text);
    const assigned = `comity_${names.size + 1}`;
    names.set(text, assigned);
    return assigned;
  };
}
