/**
 * How a refused decision is answered (src/services/federation-send.service.ts,
 * approvalRefusalError): a missing decision reference or return reason names its field by JSON
 * pointer with a stable code, so that the approval panel marks that field in the reader's language.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { approvalRefusalError } from '../../../src/services/federation-send.service.ts';

describe('a refused decision as the API answers it', () => {
  it('names the missing decision reference and return reason by pointer, as required', () => {
    for (const [reason, pointer] of [
      ['decision-reference-missing', '/decisionReference'],
      ['reasons-missing', '/reasons'],
    ] as const) {
      const error = approvalRefusalError(reason, 'missing');
      assert.equal(error.code, 'invalid-input');
      assert.deepEqual(
        error.details.map((detail) => [detail.pointer, detail.code]),
        [[pointer, 'required']],
        reason,
      );
    }
  });

  it('answers the other refusals without a field: a state, a conflict, a permission', () => {
    assert.equal(approvalRefusalError('already-decided', 'x').code, 'invalid-state');
    assert.equal(approvalRefusalError('subject-changed', 'x').code, 'conflict');
    assert.equal(approvalRefusalError('designated-role-missing', 'x').code, 'forbidden');
  });
});
