/**
 * PGlite as node-postgres's socket: node-postgres writes the frontend messages of the PostgreSQL
 * protocol with its own serializer and parses the backend's answers with its own parser, as over
 * TCP, and this stream carries the bytes to PGlite and back instead of a server.
 *
 * Messages are held until one the backend answers (Sync, Flush, a simple Query, the end of a
 * COPY's data) and passed to PGlite in one call, as they would travel in one write over a socket:
 * a prepared statement's Bind, Describe, Execute and Sync are one call, which PGlite runs message
 * after message, errors included (after an error the backend skips to the Sync, as a server does).
 * The startup message goes alone, first; PGlite answers it as a server that trusts its one local
 * user. Terminate, written alone and answered by nothing, is held and never passed on: the
 * session ends when the node closes PGlite.
 *
 * PGlite has one session, whatever the number of sockets: a connection that replaces a broken
 * one would meet the prepared statements (and any transaction) of the one before, which its new
 * node-postgres client knows nothing of, and every named statement would fail as already
 * prepared. So before a socket's startup, the session is rolled back and its prepared statements
 * deallocated, as a new server session would have none.
 *
 * PGlite's own adapter for node-postgres (`@electric-sql/pglite/node-postgres`) replaced
 * node-postgres's protocol code with PGlite's: each message serialized and passed on its own, each
 * answer parsed in PGlite with a copy of every field, then handed over as events. Here PGlite only
 * runs the bytes (`execProtocolRawStream`, which does not parse them), and a statement costs the
 * node less (docs/benchmarks.md, "PGlite as node-postgres's socket").
 */
import { Duplex } from 'node:stream';
import type { PGlite } from '@electric-sql/pglite';

/** The first byte of the frontend messages after which the backend answers. */
const ANSWERED_AFTER = new Set(['S', 'H', 'Q', 'c', 'f'].map((letter) => letter.charCodeAt(0)));

/** A simple Query message (its answer is not wanted). */
function simpleQuery(text: string): Buffer {
  const body = Buffer.from(`${text}\0`, 'utf8');
  const message = Buffer.alloc(5 + body.length);
  message.write('Q', 0, 'ascii');
  message.writeInt32BE(4 + body.length, 1);
  body.copy(message, 5);
  return message;
}

/** What a new session would be: no transaction open, no statement prepared (see above). */
const SESSION_RESET = [simpleQuery('rollback'), simpleQuery('deallocate all')];

/** What the stream uses of PGlite (tests wrap it to watch the calls). */
export type PgliteProtocol = Pick<PGlite, 'execProtocolRawStream'>;

/** Whether `chunk` (whole frontend messages, each a type byte and a length) holds one the backend answers. */
function isAnswered(chunk: Uint8Array): boolean {
  const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  for (let offset = 0; offset + 5 <= chunk.length; ) {
    if (ANSWERED_AFTER.has(chunk[offset] as number)) return true;
    const length = view.getInt32(offset + 1);
    if (length < 4) return false;
    offset += 1 + length;
  }
  return false;
}

/** One exchange with PGlite: the answer's bytes, copied out of its memory as they come. */
async function exchange(pglite: PgliteProtocol, bytes: Uint8Array): Promise<Buffer[]> {
  const answer: Buffer[] = [];
  await pglite.execProtocolRawStream(bytes, {
    onRawData: (data) => {
      answer.push(Buffer.from(data));
    },
  });
  return answer;
}

class PgliteSocket extends Duplex {
  readonly #pglite: PgliteProtocol;
  #held: Buffer[] = [];
  #isStarted = false;
  /** Settles when the answers of every exchange sent so far are pushed, in the order sent. */
  #answered: Promise<void> = Promise.resolve();

  constructor(pglite: PgliteProtocol) {
    super();
    this.#pglite = pglite;
  }

  // What node-postgres calls on a net.Socket; nothing to do here.
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }

  connect(): this {
    process.nextTick(() => this.emit('connect'));
    return this;
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!this.#isStarted) {
      // The startup message: a length and a protocol version, no type byte.
      this.#isStarted = true;
      for (const reset of SESSION_RESET) this.#send(reset, { isAnswerWanted: false });
      this.#send(chunk);
      callback();
      return;
    }
    this.#held.push(chunk);
    if (isAnswered(chunk)) {
      const held = this.#held;
      this.#held = [];
      this.#send(held.length === 1 ? (held[0] as Buffer) : Buffer.concat(held));
    }
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    void this.#answered.then(() => {
      if (!this.destroyed) this.push(null);
      callback();
    });
  }

  /**
   * Passes `bytes` to PGlite once the exchanges before it are answered (one exchange at a time,
   * in the order written, as the old adapter did), then pushes its answer. A failed exchange, or a
   * failure while node-postgres reads the answer (its parser and listeners run inside push),
   * destroys the stream, which node-postgres reports as a connection error; nothing after it
   * reaches PGlite, and nothing is left waiting.
   */
  #send(bytes: Uint8Array, options: Readonly<{ isAnswerWanted: boolean }> = { isAnswerWanted: true }): void {
    // Never rejects: each exchange is dealt with in turn.
    this.#answered = this.#answered.then(async () => {
      if (this.destroyed) return;
      try {
        const chunks = await exchange(this.#pglite, bytes);
        if (this.destroyed || !options.isAnswerWanted) return;
        for (const chunk of chunks) this.push(chunk);
      } catch (error) {
        this.destroy(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }
}

/**
 * node-postgres's connection settings for PGlite over this socket: PGlite's one user and database,
 * whatever the process's user is, and no TLS, whatever PGSSLMODE says (node-postgres would ask
 * PGlite for TLS first, which it does not speak).
 */
export function pgliteConnectionConfig(pglite: PgliteProtocol) {
  return {
    stream: () => new PgliteSocket(pglite),
    user: 'postgres',
    database: 'postgres',
    ssl: false,
  } as const;
}
