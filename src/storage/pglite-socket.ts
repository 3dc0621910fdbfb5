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
 * user. Terminate is not passed on: the session ends when the node closes PGlite.
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
const TERMINATE = 'X'.charCodeAt(0);

/** What the stream uses of PGlite (tests wrap it to watch the calls). */
export type PgliteProtocol = Pick<PGlite, 'execProtocolRawStream'>;

/** The kinds of the frontend messages in `chunk` (whole messages, each a type byte and a length). */
function kindsOf(chunk: Uint8Array): Readonly<{ isAnswered: boolean; isTerminate: boolean }> {
  let isAnswered = false;
  let isTerminate = false;
  const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  for (let offset = 0; offset + 5 <= chunk.length; ) {
    const type = chunk[offset] as number;
    isAnswered ||= ANSWERED_AFTER.has(type);
    isTerminate ||= type === TERMINATE;
    const length = view.getInt32(offset + 1);
    if (length < 4) break;
    offset += 1 + length;
  }
  return { isAnswered, isTerminate };
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

export class PgliteSocket extends Duplex {
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
      this.#send(chunk);
      callback();
      return;
    }
    const { isAnswered, isTerminate } = kindsOf(chunk);
    if (isTerminate) {
      callback();
      return;
    }
    this.#held.push(chunk);
    if (isAnswered) {
      const held = this.#held;
      this.#held = [];
      this.#send(held.length === 1 ? (held[0] as Buffer) : Buffer.concat(held));
    }
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#answered.then(
      () => {
        this.push(null);
        callback();
      },
      (error: Error) => callback(error),
    );
  }

  /**
   * Passes `bytes` to PGlite now, so that exchanges reach it in the order they were written, and
   * pushes the answer after those of the exchanges before it. A failed exchange destroys the
   * stream, which node-postgres reports as a connection error.
   */
  #send(bytes: Uint8Array): void {
    const answer = exchange(this.#pglite, bytes);
    this.#answered = this.#answered.then(() =>
      answer.then(
        (chunks) => {
          if (this.destroyed) return;
          for (const chunk of chunks) this.push(chunk);
        },
        (error: unknown) => {
          const failure = error instanceof Error ? error : new Error(String(error));
          this.destroy(failure);
          throw failure;
        },
      ),
    );
    this.#answered.catch(() => undefined);
  }
}
