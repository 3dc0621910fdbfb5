/**
 * Treaty records that cannot be right (Art. 64): a signature before the Convention opened for
 * signature, an instrument other than accession by a State that never signed, an organization's
 * step before any member State's; and the status of a past day, which counts only what existed then.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkRecordDates, checkRecordSteps, type RecordStep } from '../../src/core/treaty/treaty-record.ts';
import { buildTreatyStatusReport, seedStatusRecords } from '../../src/services/treaty.service.ts';

const TODAY = '2026-12-11';
const EU = [{ organization: 'EU', members: ['AT', 'FR', 'DE'] }];
const SIGNED: readonly RecordStep[] = [
  { stateCode: 'FR', action: 'signature', date: '2025-10-25' },
  { stateCode: 'SE', action: 'signature', date: null },
];

function record(
  stateCode: string,
  action: 'signature' | 'ratification' | 'approval' | 'accession',
  date: string,
) {
  return { stateCode, action, date, source: 'UNTC', evidence: 'primary (depositary)' };
}

describe('treaty records that cannot be right', () => {
  it('refuses a signature dated before the Convention opened for signature on 25 October 2025', () => {
    const [problem, ...others] = checkRecordDates(record('FR', 'signature', '2025-10-24'), TODAY);
    assert.equal(others.length, 0);
    assert.match(
      problem?.message ?? '',
      /before the Convention opened for signature on 2025-10-25 \(Art\. 64\(1\)\)/,
    );
    assert.deepEqual(checkRecordDates(record('FR', 'signature', '2025-10-25'), TODAY), []);
  });

  it('refuses a ratification by a State that never signed, but not its accession', () => {
    const [problem] = checkRecordSteps(record('IN', 'ratification', '2026-09-01'), 'state', SIGNED, EU);
    assert.match(
      problem?.message ?? '',
      /IN has no signature recorded by 2026-09-01.*accession \(Art\. 64\(4\)\)/,
    );
    assert.deepEqual(checkRecordSteps(record('IN', 'accession', '2026-09-01'), 'state', SIGNED, EU), []);
    assert.deepEqual(checkRecordSteps(record('FR', 'ratification', '2026-09-01'), 'state', SIGNED, EU), []);
    // A signature known only by its window counts as before any later instrument.
    assert.deepEqual(checkRecordSteps(record('SE', 'ratification', '2026-09-01'), 'state', SIGNED, EU), []);
    // A ratification dated before the State's own signature has nothing before it.
    assert.equal(checkRecordSteps(record('FR', 'ratification', '2025-10-24'), 'state', SIGNED, EU).length, 1);
  });

  it('refuses an organization’s signature or instrument before any member State’s', () => {
    assert.deepEqual(
      checkRecordSteps(record('EU', 'signature', '2025-10-25'), 'organization', SIGNED, EU),
      [],
    );
    const [unsigned] = checkRecordSteps(record('EU', 'signature', '2025-10-25'), 'organization', [], EU);
    assert.match(unsigned?.message ?? '', /no member State of EU has signed by 2025-10-25.*Art\. 64\(2\)/);
    const withSignature = [...SIGNED, { stateCode: 'EU', action: 'signature', date: '2025-10-25' }];
    const [early] = checkRecordSteps(
      record('EU', 'approval', '2026-05-01'),
      'organization',
      withSignature,
      EU,
    );
    assert.match(early?.message ?? '', /no member State of EU has deposited an instrument by 2026-05-01/);
    const deposited = [...withSignature, { stateCode: 'FR', action: 'ratification', date: '2026-04-01' }];
    assert.deepEqual(
      checkRecordSteps(record('EU', 'approval', '2026-05-01'), 'organization', deposited, EU),
      [],
    );
  });
});

describe('the status of a past day', () => {
  it('shows no signatory, and no depositary count, the day before the signing ceremony', () => {
    const status = buildTreatyStatusReport(seedStatusRecords(), '2025-10-24');
    assert.equal(status.signatories.count, 0);
    assert.equal(status.signatories.depositaryCount, null);
    const afterCeremony = buildTreatyStatusReport(seedStatusRecords(), '2025-10-26');
    assert.equal(afterCeremony.signatories.count, 61);
    assert.equal(afterCeremony.signatories.depositaryCount, 72);
  });
});
