/**
 * Consent for a use of received evidence, pure rules and message modules: which use each condition
 * of use blocks (with its article), the confidentiality date's expiry, which recorded consent
 * covers which use; evidence.consent-requested and evidence.consent-answered store their effect
 * only for a case the receiving node holds with the sending node, and refuse otherwise.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  blockingConditions,
  type ConsentRecord,
  conditionsStillBlocking,
  consentCovers,
  isConfidential,
  utcDate,
} from '../../src/core/evidence/consent.ts';
import { evidenceConsentAnsweredMessage } from '../../src/federation/messages/evidence-consent-answered.message.ts';
import { evidenceConsentRequestedMessage } from '../../src/federation/messages/evidence-consent-requested.message.ts';
import type { CaseRecord } from '../../src/storage/case-events.repository.ts';

const ALL = {
  limitedToRequestPurpose: true,
  onwardTransferNeedsConsent: true,
  confidentialUntil: '2027-06-30',
};
const NONE = { limitedToRequestPurpose: false, onwardTransferNeedsConsent: false, confidentialUntil: null };
const TODAY = '2027-01-15';

const conditionsOf = (list: readonly { condition: string }[]) => list.map((b) => b.condition);

describe('which use needs which consent', () => {
  it('onward transfer: Art. 36(3), Art. 40(19) and confidentiality, each only when the package sets it', () => {
    const blocking = blockingConditions(ALL, { kind: 'onward-transfer', target: 'ES' }, TODAY);
    assert.deepEqual(conditionsOf(blocking), [
      'onwardTransferNeedsConsent',
      'limitedToRequestPurpose',
      'confidentialUntil',
    ]);
    assert.deepEqual(
      blocking.map((b) => b.citation),
      ['Art. 36(3)', 'Art. 40(19)', 'Art. 36(1)(b)'],
    );
    assert.ok(blocking.every((b) => b.verified === false));
    assert.deepEqual(
      conditionsOf(
        blockingConditions(
          { ...NONE, onwardTransferNeedsConsent: true },
          { kind: 'onward-transfer', target: 'ES' },
          TODAY,
        ),
      ),
      ['onwardTransferNeedsConsent'],
    );
    assert.deepEqual(blockingConditions(NONE, { kind: 'onward-transfer', target: 'ES' }, TODAY), []);
  });

  it('use in another case: Art. 40(19) only', () => {
    assert.deepEqual(conditionsOf(blockingConditions(ALL, { kind: 'other-case', target: 'X-1' }, TODAY)), [
      'limitedToRequestPurpose',
    ]);
    assert.deepEqual(
      blockingConditions(
        { ...ALL, limitedToRequestPurpose: false },
        { kind: 'other-case', target: 'X-1' },
        TODAY,
      ),
      [],
    );
  });

  it('disclosure: blocked before the confidentiality date, free on and after it', () => {
    const disclosure = { kind: 'disclosure', target: null } as const;
    assert.deepEqual(conditionsOf(blockingConditions(ALL, disclosure, '2027-06-29')), ['confidentialUntil']);
    assert.deepEqual(blockingConditions(ALL, disclosure, '2027-06-30'), []);
    assert.deepEqual(blockingConditions(ALL, disclosure, '2028-01-01'), []);
    assert.deepEqual(blockingConditions(NONE, disclosure, TODAY), []);
    assert.equal(isConfidential(ALL, '2027-06-29'), true);
    assert.equal(isConfidential(ALL, '2027-06-30'), false);
    assert.equal(isConfidential(NONE, TODAY), false);
    assert.equal(utcDate(new Date('2027-06-29T23:59:59.999Z')), '2027-06-29');
    // After the date, an onward transfer still needs the Art. 36(3) consent.
    assert.deepEqual(
      conditionsOf(blockingConditions(ALL, { kind: 'onward-transfer', target: 'ES' }, '2027-07-01')),
      ['onwardTransferNeedsConsent', 'limitedToRequestPurpose'],
    );
  });
});

describe('which consent covers which use', () => {
  const granted = (kind: ConsentRecord['use']['kind'], target: string | null): ConsentRecord => ({
    use: { kind, target },
    status: 'granted',
  });

  it('a granted consent for the same kind and target, whatever the case of letters and spaces', () => {
    assert.equal(
      consentCovers(granted('onward-transfer', 'ES'), { kind: 'onward-transfer', target: ' es ' }),
      true,
    );
    assert.equal(
      consentCovers(granted('onward-transfer', 'ES'), { kind: 'onward-transfer', target: 'IT' }),
      false,
    );
    assert.equal(
      consentCovers(granted('onward-transfer', 'ES'), { kind: 'other-case', target: 'ES' }),
      false,
    );
    assert.equal(
      consentCovers(granted('disclosure', 'press'), { kind: 'disclosure', target: 'court' }),
      true,
    );
  });

  it('neither a pending nor a refused ask covers anything', () => {
    const use = { kind: 'other-case', target: 'X-1' } as const;
    for (const status of ['pending', 'refused'] as const) {
      assert.equal(consentCovers({ use, status }, use), false);
      assert.equal(conditionsStillBlocking(ALL, use, TODAY, [{ use, status }]).length, 1);
    }
    assert.deepEqual(conditionsStillBlocking(ALL, use, TODAY, [granted('other-case', 'X-1')]), []);
  });
});

describe('consent message modules', () => {
  const tools = (record: CaseRecord | undefined) => ({
    federationUserId: async () => 'federation-user',
    findCase: async () => record,
    caseCatalogue: () => {
      throw new Error('not used');
    },
  });
  const caseOf = (direction: string, peerNodeId: string) =>
    ({ request: { id: 'local-1', direction, peerNodeId }, events: [] }) as unknown as CaseRecord;
  const ask = {
    consentId: '01970000-0000-7000-8000-0000000c0001',
    packageId: '01970000-0000-7000-8000-0000000e0001',
    requestId: 'remote-9',
    use: { kind: 'onward-transfer' as const, target: 'ES' },
    reasons: 'Same offence.',
    askedAt: '2026-11-29T08:59:59Z',
  };
  const received = <B>(body: B) => ({
    envelope: { from: 'fr-ca' } as never,
    body,
    receivedAt: new Date('2026-11-29T09:00:00Z'),
  });

  it('evidence.consent-requested: stored pending for the incoming request from that node, refused otherwise', async () => {
    assert.deepEqual(
      await evidenceConsentRequestedMessage.receive(received(ask), tools(caseOf('incoming', 'fr-ca'))),
      {
        kind: 'evidence-consent-requested',
        ask: {
          consentId: ask.consentId,
          packageId: ask.packageId,
          requestId: 'local-1',
          peerNodeId: 'fr-ca',
          use: ask.use,
          reasons: ask.reasons,
          askedAt: new Date(ask.askedAt),
        },
      },
    );
    for (const record of [undefined, caseOf('outgoing', 'fr-ca')]) {
      const refusal = await evidenceConsentRequestedMessage.receive(received(ask), tools(record));
      assert.equal(refusal?.kind, 'refused');
    }
    assert.equal(
      evidenceConsentRequestedMessage.bodySchema.safeParse({ ...ask, reasons: '' }).success,
      false,
    );
    assert.equal(
      evidenceConsentRequestedMessage.bodySchema.safeParse({ ...ask, use: { kind: 'sell', target: null } })
        .success,
      false,
    );
  });

  it('evidence.consent-answered: recorded for the outgoing request to that node, refused otherwise', async () => {
    const answer = {
      consentId: ask.consentId,
      requestId: 'local-1',
      decision: 'refused' as const,
      conditions: null,
      reasons: 'Not covered.',
      answeredAt: '2026-11-30T13:59:59Z',
    };
    assert.deepEqual(
      await evidenceConsentAnsweredMessage.receive(received(answer), tools(caseOf('outgoing', 'fr-ca'))),
      {
        kind: 'evidence-consent-answered',
        answer: {
          consentId: ask.consentId,
          peerNodeId: 'fr-ca',
          isGranted: false,
          conditions: null,
          reasons: 'Not covered.',
          answeredAt: new Date(answer.answeredAt),
        },
      },
    );
    for (const record of [undefined, caseOf('incoming', 'fr-ca'), caseOf('outgoing', 'it-ca')]) {
      const refusal = await evidenceConsentAnsweredMessage.receive(received(answer), tools(record));
      assert.equal(refusal?.kind, 'refused');
    }
  });
});
