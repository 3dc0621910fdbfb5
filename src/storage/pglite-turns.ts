/**
 * The embedded database's one connection, handed out in turns.
 *
 * PGlite runs each statement synchronously on the main thread and answers through a promise. When
 * a lock for its single connection (Kysely's for PGlite, or a node-postgres pool of one) lets the
 * next waiter in, its statement starts in the same microtask run as the previous one's answer:
 * under load, the statements of every request in flight run back to back without the event loop
 * turning, and a request whose bytes wait in a socket is not read until the load eases
 * (docs/benchmarks.md, "Every request its turn").
 *
 * Here a waiting caller gets the connection in the order it asked (first come, first served), and
 * is given it from a `setImmediate`: between two turns the event loop polls its sockets, so what
 * arrived meanwhile joins the queue behind those already in it. A caller that finds the connection
 * free, with no one waiting, gets it at once.
 */
import type { DatabaseConnection, Dialect, Driver } from 'kysely';

/** First come, first served; a waiting caller is let in from the check phase of the event loop. */
export type Turns = Readonly<{
  /** Resolves when it is the caller's turn. */
  take: () => Promise<void>;
  /** Ends the current turn; the next caller in line is let in after the event loop polls. */
  end: () => void;
}>;

export function createTurns(): Turns {
  const waiting: Array<() => void> = [];
  let isTaken = false;
  const letNextIn = () => {
    const next = waiting.shift();
    if (next === undefined) {
      isTaken = false;
      return;
    }
    next();
  };
  return {
    take: () => {
      if (!isTaken) {
        isTaken = true;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    end: () => {
      if (waiting.length === 0) {
        isTaken = false;
        return;
      }
      // Still taken until the next caller runs: one who asks meanwhile queues behind it.
      setImmediate(letNextIn);
    },
  };
}

/** A driver whose connections are taken in turns (createTurns), one at a time. */
class DriverInTurns implements Driver {
  readonly #driver: Driver;
  readonly #turns = createTurns();

  constructor(driver: Driver) {
    this.#driver = driver;
  }

  init(...args: Parameters<Driver['init']>): Promise<void> {
    return this.#driver.init(...args);
  }

  async acquireConnection(...args: Parameters<Driver['acquireConnection']>): Promise<DatabaseConnection> {
    await this.#turns.take();
    try {
      return await this.#driver.acquireConnection(...args);
    } catch (error) {
      this.#turns.end();
      throw error;
    }
  }

  async releaseConnection(...args: Parameters<Driver['releaseConnection']>): Promise<void> {
    try {
      await this.#driver.releaseConnection(...args);
    } finally {
      this.#turns.end();
    }
  }

  beginTransaction(...args: Parameters<Driver['beginTransaction']>): Promise<void> {
    return this.#driver.beginTransaction(...args);
  }

  commitTransaction(...args: Parameters<Driver['commitTransaction']>): Promise<void> {
    return this.#driver.commitTransaction(...args);
  }

  rollbackTransaction(...args: Parameters<Driver['rollbackTransaction']>): Promise<void> {
    return this.#driver.rollbackTransaction(...args);
  }

  savepoint(...args: Parameters<NonNullable<Driver['savepoint']>>): Promise<void> {
    return this.#inner('savepoint')(...args);
  }

  rollbackToSavepoint(...args: Parameters<NonNullable<Driver['rollbackToSavepoint']>>): Promise<void> {
    return this.#inner('rollbackToSavepoint')(...args);
  }

  releaseSavepoint(...args: Parameters<NonNullable<Driver['releaseSavepoint']>>): Promise<void> {
    return this.#inner('releaseSavepoint')(...args);
  }

  destroy(...args: Parameters<Driver['destroy']>): Promise<void> {
    return this.#driver.destroy(...args);
  }

  /** The inner driver's savepoint method; as Kysely itself does, an error where it has none. */
  #inner<Name extends 'savepoint' | 'rollbackToSavepoint' | 'releaseSavepoint'>(
    name: Name,
  ): NonNullable<Driver[Name]> {
    const method = this.#driver[name];
    if (method === undefined) throw new Error(`the database driver does not support ${name}`);
    return method.bind(this.#driver) as NonNullable<Driver[Name]>;
  }
}

/**
 * `dialect` with its connections handed out in turns (see the head of this file): for PGlite's
 * one connection, reached through node-postgres (database.ts), whose pool of one would otherwise
 * hand it on within the same microtask run.
 */
export function dialectInTurns(dialect: Dialect): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createDriver: () => new DriverInTurns(dialect.createDriver()),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
  };
}
