/**
 * Which requests evidence is sent on (src/core/evidence/disclosure.ts): none on a preservation
 * (Art. 42), which keeps the data; every other type, whose answer may carry data.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REQUEST_TYPE_IDS } from '../../src/core/request/draft.ts';
import { noDisclosureReason } from '../../src/core/evidence/disclosure.ts';

describe('evidence: which requests it is sent on', () => {
  it('sends none on a preservation, and says where the data goes instead', () => {
    assert.match(noDisclosureReason('preservation') ?? '', /Art\. 42.*Art\. 43.*Art\. 44/);
  });

  it('sends it on every other type of request', () => {
    for (const type of REQUEST_TYPE_IDS.filter((id) => id !== 'preservation')) {
      assert.equal(noDisclosureReason(type), undefined, type);
    }
  });
});
