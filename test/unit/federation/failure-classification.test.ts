import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type AttemptOutcome,
  classifyBatchAnswer,
  classifyFailure,
  federationReasonOf,
} from '../../../src/federation/delivery/failure-classification.ts';
import { REJECTION_REASONS } from '../../../src/federation/protocol/types.ts';

function answer(status: number, reason?: string, hasValidReceipt = false): AttemptOutcome {
  return {
    kind: 'response',
    status,
    ...(reason ? { problemType: `urn:comity:problem:federation-${reason}` } : {}),
    hasValidReceipt,
  };
}

describe('failure classification', () => {
  it('no answer at all (refused, reset, timeout) is transient', () => {
    assert.equal(classifyFailure({ kind: 'no-response' }), 'transient');
  });

  it('server errors, 408, 425 and 429 are transient', () => {
    for (const status of [408, 425, 429, 500, 502, 503, 504, 599]) {
      assert.equal(classifyFailure(answer(status)), 'transient', String(status));
    }
  });

  it('a 503 unavailable from a node without identity yet is transient', () => {
    assert.equal(
      classifyFailure({
        kind: 'response',
        status: 503,
        problemType: 'urn:comity:problem:unavailable',
        hasValidReceipt: false,
      }),
      'transient',
    );
  });

  it('a 200 whose receipt does not verify is transient (posting again is harmless)', () => {
    assert.equal(classifyFailure(answer(200)), 'transient');
  });

  it('a replayed-message answer with a valid receipt counts as delivered', () => {
    assert.equal(classifyFailure(answer(409, 'replayed-message', true)), 'duplicate-delivered');
  });

  it('a replayed-message answer without a valid receipt is permanent', () => {
    assert.equal(classifyFailure(answer(409, 'replayed-message', false)), 'permanent');
  });

  it('every refusal of the message itself is permanent, except a stale timestamp', () => {
    const statusOf: Record<string, number> = {
      'malformed-message': 400,
      'unsupported-algorithm': 400,
      'unknown-sender': 403,
      'bad-signature': 403,
      'expired-key': 403,
      'wrong-addressee': 421,
      'stale-message': 400,
      'schema-invalid': 422,
      'message-too-large': 413,
      undecryptable: 400,
      'directory-expired': 503,
      'unknown-sender-key': 503,
    };
    const transient = new Set(['stale-message', 'directory-expired', 'unknown-sender-key']);
    for (const reason of REJECTION_REASONS) {
      if (reason === 'replayed-message') continue;
      const expected = transient.has(reason) ? 'transient' : 'permanent';
      assert.equal(classifyFailure(answer(statusOf[reason] ?? 400, reason)), expected, reason);
    }
  });

  it('the problem type wins over the status (a federation reason on a 5xx is still permanent)', () => {
    assert.equal(classifyFailure(answer(500, 'bad-signature')), 'permanent');
  });

  it("a receiver whose directory expired, or that does not know a listed node's new key yet, is retried", () => {
    assert.equal(classifyFailure(answer(503, 'directory-expired')), 'transient');
    assert.equal(classifyFailure(answer(503, 'unknown-sender-key')), 'transient');
    assert.equal(classifyFailure(answer(403, 'unknown-sender')), 'permanent');
  });

  it("a reason this version does not know (a newer peer's) is judged by its status", () => {
    assert.equal(classifyFailure(answer(503, 'some-future-reason')), 'transient');
    assert.equal(classifyFailure(answer(422, 'some-future-reason')), 'permanent');
  });

  it('other 4xx and redirects from something that is not a Comity node are permanent', () => {
    for (const status of [301, 302, 307, 400, 401, 403, 404, 405, 410, 413, 415, 422]) {
      assert.equal(classifyFailure(answer(status)), 'permanent', String(status));
    }
  });

  it('reads the federation reason from a problem type', () => {
    assert.equal(federationReasonOf('urn:comity:problem:federation-bad-signature'), 'bad-signature');
    assert.equal(federationReasonOf('urn:comity:problem:unavailable'), undefined);
    assert.equal(federationReasonOf(undefined), undefined);
  });
});

describe('what the answer to a whole batch means', () => {
  it('200: each message has its own answer in it', () => {
    assert.equal(classifyBatchAnswer(200), 'answered');
  });

  it('"not now" statuses hold for every message of the batch', () => {
    for (const status of [408, 425, 429, 500, 502, 503, 504])
      assert.equal(classifyBatchAnswer(status), 'transient');
  });

  it('404, 405 and 415: the peer serves no batches (an older release)', () => {
    for (const status of [404, 405, 415]) assert.equal(classifyBatchAnswer(status), 'not-served');
  });

  it('another refusal of the batch itself (413, 400...) sends its messages one by one, none failed for it', () => {
    for (const status of [400, 401, 403, 413, 422, 301]) assert.equal(classifyBatchAnswer(status), 'refused');
  });
});
