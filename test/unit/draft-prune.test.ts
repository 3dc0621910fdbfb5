/**
 * What the form sends the node (web/src/pages/draft/draft.model.ts, pruneContent): what is not
 * filled in is left out, so that it reads as missing, and what is left is a request the node's
 * model accepts, even while a row is half filled in: the live check never fails on it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RequestContentSchema, type RequestContent } from '../../src/core/request/draft.ts';
import { pruneContent } from '../../web/src/pages/draft/draft.model.ts';

describe('draft: what the form sends the node', () => {
  it('leaves out empty texts, rows and groups', () => {
    const content = {
      type: 'preservation',
      caseReference: '  ',
      offences: [{}],
      custodian: { name: '' },
      summaryOfFacts: 'Ransomware on 1 March 2026.',
    } as RequestContent;
    assert.deepEqual(pruneContent(content), {
      type: 'preservation',
      summaryOfFacts: 'Ransomware on 1 March 2026.',
    });
  });

  it('keeps a new identifier row with an empty value, which the node accepts and reports as missing', () => {
    const content = {
      type: 'preservation',
      identifiers: [
        { kind: 'ip-address', value: '' },
        { kind: 'email', value: 'billing@example.fr', note: '' },
      ],
    } as RequestContent;
    const pruned = pruneContent(content);
    assert.deepEqual(pruned.identifiers, [
      { kind: 'ip-address', value: '' },
      { kind: 'email', value: 'billing@example.fr' },
    ]);
    assert.equal(RequestContentSchema.safeParse(pruned).success, true);
  });
});
