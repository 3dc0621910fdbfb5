/**
 * Message batches (docs/federation.md section 6.4): a sending node under load posts several
 * messages in one HTTP exchange. Each message is the same compact JWS it would post alone and is
 * answered as it would be alone; only the transport is shared. A node that does not serve the
 * batch route (an older release answers 404) is sent its messages one by one.
 */

/** Where a node takes one message: {endpoint}/federation/v1/messages (docs/federation.md 6.1). */
export const MESSAGES_PATH = '/federation/v1/messages';

/** Where a node takes batches: {endpoint}/federation/v1/message-batches. */
export const MESSAGE_BATCHES_PATH = '/federation/v1/message-batches';

/** Most messages in one batch. */
export const MESSAGE_BATCH_MAX_MESSAGES = 32;

/**
 * Largest batch body, in bytes, that every node accepts (whatever its own largest message): a
 * sender puts a message that would not fit with others in no batch, and posts it alone.
 */
export const MESSAGE_BATCH_MAX_BYTES = 1024 * 1024;

/**
 * Splits messages into batches of at most MESSAGE_BATCH_MAX_MESSAGES and MESSAGE_BATCH_MAX_BYTES
 * of body (`{"messages":["…",…]}`), in order; a message too large for any batch comes back in
 * `alone`.
 */
export function splitIntoBatches<T>(
  items: readonly T[],
  messageOf: (item: T) => string,
): { batches: T[][]; alone: T[] } {
  const envelopeBytes = '{"messages":[]}'.length;
  const batches: T[][] = [];
  const alone: T[] = [];
  let current: T[] = [];
  let currentBytes = envelopeBytes;
  for (const item of items) {
    // A compact JWS is ASCII: its length is its size, plus its quotes (and a comma after the first).
    const quoted = messageOf(item).length + 2;
    if (envelopeBytes + quoted > MESSAGE_BATCH_MAX_BYTES) {
      alone.push(item);
      continue;
    }
    if (
      current.length === MESSAGE_BATCH_MAX_MESSAGES ||
      currentBytes + quoted + 1 > MESSAGE_BATCH_MAX_BYTES
    ) {
      if (current.length > 0) batches.push(current);
      current = [];
      currentBytes = envelopeBytes;
    }
    currentBytes += current.length === 0 ? quoted : quoted + 1;
    current.push(item);
  }
  if (current.length > 0) batches.push(current);
  return { batches, alone };
}
