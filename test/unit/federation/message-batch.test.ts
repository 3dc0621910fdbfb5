import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MESSAGE_BATCH_MAX_BYTES,
  MESSAGE_BATCH_MAX_MESSAGES,
  splitIntoBatches,
} from '../../../src/federation/protocol/message-batch.ts';

const bodyBytes = (batch: readonly string[]) => JSON.stringify({ messages: batch }).length;

describe('splitting messages into batches', () => {
  it('keeps the order and puts at most MESSAGE_BATCH_MAX_MESSAGES in a batch', () => {
    const messages = Array.from({ length: MESSAGE_BATCH_MAX_MESSAGES * 2 + 3 }, (_, index) => `m${index}`);
    const { batches, alone } = splitIntoBatches(messages, (message) => message);
    assert.deepEqual(
      batches.map((batch) => batch.length),
      [MESSAGE_BATCH_MAX_MESSAGES, MESSAGE_BATCH_MAX_MESSAGES, 3],
    );
    assert.deepEqual(batches.flat(), messages);
    assert.deepEqual(alone, []);
  });

  it('keeps every batch body within MESSAGE_BATCH_MAX_BYTES', () => {
    const large = (tag: string) => tag + 'x'.repeat(300 * 1024);
    const messages = ['a', 'b', 'c', 'd', 'e'].map(large);
    const { batches, alone } = splitIntoBatches(messages, (message) => message);
    assert.deepEqual(
      batches.map((batch) => batch.length),
      [3, 2],
    );
    for (const batch of batches) assert.ok(bodyBytes(batch) <= MESSAGE_BATCH_MAX_BYTES);
    assert.deepEqual(alone, []);
  });

  it('gives back a message too large for any batch, to be posted alone', () => {
    const huge = 'h'.repeat(MESSAGE_BATCH_MAX_BYTES);
    const fits = 'f'.repeat(MESSAGE_BATCH_MAX_BYTES - bodyBytes(['']));
    const { batches, alone } = splitIntoBatches(['a', huge, fits, 'b'], (message) => message);
    // Compared by their first letter and length: a failure then prints short lines.
    const shape = (messages: readonly string[]) =>
      messages.map((message) => `${message[0]}${message.length}`);
    assert.deepEqual(shape(alone), shape([huge]));
    assert.deepEqual(batches.map(shape), [shape(['a']), shape([fits]), shape(['b'])]);
    for (const batch of batches) assert.ok(bodyBytes(batch) <= MESSAGE_BATCH_MAX_BYTES);
  });

  it('makes no batch of nothing', () => {
    assert.deepEqual(
      splitIntoBatches([], (message: string) => message),
      { batches: [], alone: [] },
    );
  });
});
