/**
 * PGlite as node-postgres's connection sees it, with the messages of one extended-query exchange
 * handed to PGlite together.
 *
 * node-postgres sends a prepared statement's run as four frontend messages (Bind, Describe,
 * Execute, Sync; Parse first when the statement is new), and PGlite's adapter for node-postgres
 * (`@electric-sql/pglite/node-postgres`) passes each one to PGlite on its own: one call into its
 * WebAssembly, one copy of the answer and one round of promises each. Over a socket the four
 * would travel as one write; here they are held until the message that asks for the answers (Sync
 * or Flush, the end of a COPY's data; a simple Query stands alone) and passed to PGlite as one buffer, which PGlite runs
 * message after message as a server reads its socket, errors included (the server skips to the
 * Sync after an error, as over a socket). The answers come back in the same order, on the last
 * call; the calls before it answer nothing.
 */
import type { PGlite } from '@electric-sql/pglite';

/**
 * The first byte of the frontend messages after which the backend answers: Sync, Flush, Query,
 * and the end of a COPY's data (CopyDone, CopyFail; its CopyData is held until then).
 */
const ANSWERED_AFTER = new Set(['S', 'H', 'Q', 'c', 'f'].map((letter) => letter.charCodeAt(0)));

/** What PGlite's node-postgres adapter uses of PGlite. */
type AdapterView = Pick<PGlite, 'waitReady' | 'execProtocolStream'>;

/** `pglite` as the adapter's connection reaches it, one exchange per call into PGlite. */
export function pgliteByExchange(pglite: PGlite): PGlite {
  let held: Uint8Array[] = [];
  const view: AdapterView = {
    waitReady: pglite.waitReady,
    execProtocolStream: (message, options) => {
      if (message.length > 0 && !ANSWERED_AFTER.has(message[0] as number)) {
        held.push(message);
        return Promise.resolve([]);
      }
      if (held.length === 0) return pglite.execProtocolStream(message, options);
      held.push(message);
      const exchange = Buffer.concat(held);
      held = [];
      return pglite.execProtocolStream(exchange, options);
    },
  };
  // The adapter reads these two members only (it duck-types PGlite by execProtocolStream).
  return view as PGlite;
}
