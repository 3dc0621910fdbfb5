/**
 * The case section names what the other State may do next (web/src/pages/draft/other-side-next.ts):
 * not a refusal or a withdrawal alone while the case waits for this side.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { otherSideNextSteps } from '../../web/src/pages/draft/other-side-next.ts';

describe('what the other State may do next', () => {
  it('leaves out a refusal while this side has a question to answer', () => {
    assert.deepEqual(otherSideNextSteps(['refuse'], ['answer-clarification', 'withdraw']), []);
  });

  it('names a refusal among its steps when the case waits for it', () => {
    assert.deepEqual(otherSideNextSteps(['accept', 'refuse'], ['withdraw']), ['accept', 'refuse']);
    assert.deepEqual(otherSideNextSteps(['refuse'], []), ['refuse']);
  });

  it('keeps the steps that move the case, whoever is to act', () => {
    assert.deepEqual(otherSideNextSteps(['extend', 'refuse'], ['answer-clarification']), ['extend']);
  });
});
