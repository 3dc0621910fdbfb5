import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addDays, isCalendarDate } from '../../src/core/treaty/calendar-date.ts';
import {
  computeTreatyStatus,
  type EntryIntoForceRule,
  evidenceLevelOf,
  type OrganizationMembership,
  type TreatyAction,
  type TreatyRecord,
} from '../../src/core/treaty/treaty-status.ts';
import { loadEntryIntoForceRule } from '../../src/data/treaty/index.ts';

const RULE: EntryIntoForceRule = loadEntryIntoForceRule();
const EU: OrganizationMembership = { organization: 'EU', members: ['AT', 'BE', 'FR'] };

/** n distinct two-letter codes that are not EU members in the fixture: XA, XB, ... YA, ... */
function codes(n: number): string[] {
  return Array.from(
    { length: n },
    (_, i) => `${String.fromCharCode(88 + Math.floor(i / 26))}${String.fromCharCode(65 + (i % 26))}`,
  );
}

function record(
  stateCode: string,
  action: TreatyAction,
  date: string | null,
  extra: Partial<TreatyRecord> = {},
): TreatyRecord {
  return { stateCode, kind: 'state', action, date, evidence: 'primary (depositary)', ...extra };
}

/** n ratifications deposited one a day from 2026-01-01 (all before 2027-03-01). */
function ratifications(n: number): TreatyRecord[] {
  return codes(n).map((code, i) => record(code, 'ratification', addDays('2026-01-01', i)));
}

function statusOf(records: readonly TreatyRecord[], asOf = '2030-01-01') {
  return computeTreatyStatus({ records, asOf, memberships: [EU], rule: RULE });
}

describe('entry into force (Art. 65(1))', () => {
  it('uses the rule data: 40 instruments, 90 days, 30 days for later Parties', () => {
    assert.deepEqual(RULE, { threshold: 40, generalDelayDays: 90, laterPartyDelayDays: 30 });
  });

  it('with 39 counted instruments the Convention is not in force and 1 more is needed', () => {
    const status = statusOf(ratifications(39));
    assert.equal(status.countedInstruments, 39);
    assert.equal(status.stillNeeded, 1);
    assert.equal(status.entryIntoForce, null);
    assert.ok(status.instruments.items.every((instrument) => instrument.entryIntoForce === null));
  });

  it('40th instrument deposited 2027-03-01 -> in force on 2027-05-30 (90th day after: 30 days to 31 Mar, +30 to 30 Apr, +30 to 30 May)', () => {
    const records = [...ratifications(39), record('ZZ', 'accession', '2027-03-01')];
    const status = statusOf(records, '2027-05-30');
    assert.equal(status.countedInstruments, 40);
    assert.equal(status.stillNeeded, 0);
    assert.deepEqual(status.entryIntoForce, {
      date: '2027-05-30',
      thresholdInstrumentDate: '2027-03-01',
      isInForce: true,
    });
    const fortieth = status.instruments.items.find((instrument) => instrument.stateCode === 'ZZ');
    assert.equal(fortieth?.countPosition, 40);
    // For the first 40 Parties the general date applies.
    assert.ok(status.instruments.items.every((instrument) => instrument.entryIntoForce === '2027-05-30'));
  });

  it('is determinable but not yet in force the day before the 90th day (2027-05-29)', () => {
    const records = [...ratifications(39), record('ZZ', 'accession', '2027-03-01')];
    const status = statusOf(records, '2027-05-29');
    assert.equal(status.entryIntoForce?.date, '2027-05-30');
    assert.equal(status.entryIntoForce?.isInForce, false);
  });

  it('counts acceptance, approval and accession like ratification', () => {
    const actions: TreatyAction[] = ['ratification', 'acceptance', 'approval', 'accession'];
    const records = codes(40).map((code, i) =>
      record(code, actions[i % 4] as TreatyAction, addDays('2026-06-01', i)),
    );
    assert.equal(statusOf(records).countedInstruments, 40);
  });

  it('takes the 40th instrument by date of deposit, not by order of the records', () => {
    const records = [record('ZZ', 'ratification', '2027-03-01'), ...ratifications(39).reverse()];
    assert.equal(statusOf(records).entryIntoForce?.thresholdInstrumentDate, '2027-03-01');
  });

  it('counts a State once even when two instruments are recorded for it (the earliest date)', () => {
    const records = [...ratifications(39), record('XA', 'ratification', '2026-12-01')];
    const status = statusOf(records);
    assert.equal(status.countedInstruments, 39);
    assert.equal(
      status.instruments.items.find((instrument) => instrument.stateCode === 'XA')?.date,
      '2026-01-01',
    );
  });
});

describe('regional economic integration organizations (Art. 65(1))', () => {
  it('does not count the EU instrument: 39 States + the EU leave 1 needed', () => {
    const records = [...ratifications(39), record('EU', 'approval', '2026-03-01', { kind: 'organization' })];
    const status = statusOf(records);
    assert.equal(status.countedInstruments, 39);
    assert.equal(status.stillNeeded, 1);
    assert.equal(status.instruments.count, 40);
    const eu = status.instruments.items.find((instrument) => instrument.stateCode === 'EU');
    assert.equal(eu?.isCounted, false);
    assert.equal(eu?.countPosition, null);
  });

  it('explains the rule and counts the member States individually', () => {
    const records = [
      record('FR', 'ratification', '2026-02-01'),
      record('AT', 'ratification', '2026-02-02'),
      record('EU', 'approval', '2026-03-01', { kind: 'organization' }),
    ];
    const status = statusOf(records);
    assert.equal(status.countedInstruments, 2);
    const [eu] = status.organizations;
    assert.equal(eu?.code, 'EU');
    assert.deepEqual(eu?.membersDeposited, ['AT', 'FR']);
    assert.equal(eu?.depositDate, '2026-03-01');
    assert.equal(eu?.isCounted, false);
    assert.match(eu?.explanation ?? '', /Art\. 65\(1\).*never counted.*2 of 3/);
  });

  it('does not let the EU instrument move the threshold date', () => {
    const records = [
      ...ratifications(39),
      record('EU', 'approval', '2026-12-01', { kind: 'organization' }),
      record('ZZ', 'ratification', '2027-03-01'),
    ];
    assert.equal(statusOf(records).entryIntoForce?.thresholdInstrumentDate, '2027-03-01');
  });
});

describe('Parties joining after the 40th instrument (Art. 65(2))', () => {
  const forty = [...ratifications(39), record('ZZ', 'ratification', '2027-03-01')];

  it('a deposit whose 30th day falls before the general date takes the general date', () => {
    const status = statusOf([...forty, record('ZY', 'ratification', '2027-04-15')]);
    // 2027-04-15 + 30 days = 2027-05-15 < 2027-05-30.
    const later = status.instruments.items.find((instrument) => instrument.stateCode === 'ZY');
    assert.equal(later?.entryIntoForce, '2027-05-30');
    assert.equal(later?.countPosition, 41);
  });

  it('a deposit after the general date enters into force on its own 30th day (2027-06-10 -> 2027-07-10)', () => {
    const status = statusOf([...forty, record('ZY', 'accession', '2027-06-10')]);
    assert.equal(status.instruments.items.find((i) => i.stateCode === 'ZY')?.entryIntoForce, '2027-07-10');
  });

  it('the boundary: a deposit on 2027-04-30 gives 2027-05-30 either way, on 2027-05-01 gives 2027-05-31', () => {
    const status = statusOf([
      ...forty,
      record('ZY', 'ratification', '2027-04-30'),
      record('ZX', 'ratification', '2027-05-01'),
    ]);
    assert.equal(status.instruments.items.find((i) => i.stateCode === 'ZY')?.entryIntoForce, '2027-05-30');
    assert.equal(status.instruments.items.find((i) => i.stateCode === 'ZX')?.entryIntoForce, '2027-05-31');
  });

  it('applies to the EU as well, although its instrument is not counted', () => {
    const status = statusOf([...forty, record('EU', 'approval', '2027-08-01', { kind: 'organization' })]);
    const eu = status.instruments.items.find((i) => i.stateCode === 'EU');
    assert.equal(eu?.entryIntoForce, '2027-08-31');
    assert.equal(status.countedInstruments, 40);
  });
});

describe('the asOf date', () => {
  it('excludes a deposit dated after asOf', () => {
    const records = [...ratifications(39), record('ZZ', 'ratification', '2027-03-01')];
    const status = statusOf(records, '2027-02-28');
    assert.equal(status.countedInstruments, 39);
    assert.equal(status.stillNeeded, 1);
    assert.equal(status.entryIntoForce, null);
    assert.equal(statusOf(records, '2027-03-01').countedInstruments, 40);
  });

  it('excludes a signature dated after asOf', () => {
    const records = [record('FR', 'signature', '2025-10-25'), record('CA', 'signature', '2026-07-15')];
    assert.equal(statusOf(records, '2026-07-14').signatories.count, 1);
    assert.equal(statusOf(records, '2026-07-15').signatories.count, 2);
  });

  it('counts an undated signature once its window has closed, and an undated one without window always', () => {
    const records = [
      record('RU', 'signature', null, { dateWindow: { from: '2025-10-25', to: '2025-10-26' } }),
      record('QA', 'signature', null),
    ];
    assert.deepEqual(
      statusOf(records, '2025-10-25').signatories.items.map((s) => s.stateCode),
      ['QA'],
    );
    assert.equal(statusOf(records, '2025-10-26').signatories.count, 2);
  });
});

describe('what never counts', () => {
  it('reported ratifications and domestic approvals are listed as reported, not deposited', () => {
    const records = [
      ...ratifications(39),
      record('QA', 'reported-ratification', null, { evidence: 'weak (secondary-of-secondary)' }),
      record('VN', 'reported-ratification', '2026-05-01', { evidence: 'weak (secondary-of-secondary)' }),
      record('AZ', 'domestic-approval', '2026-02-10', { evidence: 'secondary (news)' }),
    ];
    const status = statusOf(records);
    assert.equal(status.countedInstruments, 39);
    assert.equal(status.stillNeeded, 1);
    assert.equal(status.entryIntoForce, null);
    assert.deepEqual(
      status.reportedNotDeposited.map((r) => [r.stateCode, r.action, r.evidenceLevel]),
      [
        ['AZ', 'domestic-approval', 'secondary'],
        ['VN', 'reported-ratification', 'weak'],
        ['QA', 'reported-ratification', 'weak'],
      ],
    );
    assert.match(status.reportedNotDeposited[0]?.reason ?? '', /not the deposit/);
  });

  it('a deposit recorded without a date is not counted and is listed as reported', () => {
    const status = statusOf([record('AZ', 'ratification', null)]);
    assert.equal(status.countedInstruments, 0);
    assert.equal(status.reportedNotDeposited[0]?.reason, 'recorded without a date of deposit');
  });

  it('drops a report once the State has deposited its instrument', () => {
    const status = statusOf([
      record('AZ', 'domestic-approval', '2026-02-10'),
      record('AZ', 'ratification', '2026-09-01'),
    ]);
    assert.equal(status.reportedNotDeposited.length, 0);
    assert.equal(status.countedInstruments, 1);
    // ... but not before the deposit date.
    assert.equal(
      statusOf(
        [record('AZ', 'domestic-approval', '2026-02-10'), record('AZ', 'ratification', '2026-09-01')],
        '2026-08-31',
      ).reportedNotDeposited.length,
      1,
    );
  });

  it('signature-only States are signatories, not Parties', () => {
    const status = statusOf([
      record('FR', 'signature', '2025-10-25'),
      record('BR', 'signature', '2025-10-25'),
      record('BR', 'ratification', '2026-10-01'),
    ]);
    assert.equal(status.signatories.count, 2);
    assert.deepEqual(
      status.instruments.items.map((i) => i.stateCode),
      ['BR'],
    );
    assert.equal(status.countedInstruments, 1);
  });

  it('an accession without a signature makes a Party that is not a signatory', () => {
    const status = statusOf([record('CA', 'accession', '2027-02-01')]);
    assert.equal(status.signatories.count, 0);
    assert.equal(status.countedInstruments, 1);
  });
});

describe('calendar dates and evidence levels', () => {
  it('adds days across month ends and leap years', () => {
    assert.equal(addDays('2027-03-01', 90), '2027-05-30');
    assert.equal(addDays('2028-02-28', 1), '2028-02-29');
    assert.equal(addDays('2027-02-28', 1), '2027-03-01');
    assert.equal(addDays('2027-12-15', 30), '2028-01-14');
  });

  it('gives the same answer whatever the machine time zone', () => {
    const original = process.env.TZ;
    try {
      for (const zone of ['Pacific/Kiritimati', 'America/Adak', 'UTC']) {
        process.env.TZ = zone;
        assert.equal(addDays('2027-03-01', 90), '2027-05-30', zone);
        assert.equal(addDays('2027-03-27', 2), '2027-03-29', zone);
      }
    } finally {
      if (original === undefined) delete process.env.TZ;
      else process.env.TZ = original;
    }
  });

  it('accepts only real calendar dates', () => {
    assert.equal(isCalendarDate('2027-02-29'), false);
    assert.equal(isCalendarDate('2028-02-29'), true);
    assert.equal(isCalendarDate('2027-13-01'), false);
    assert.equal(isCalendarDate('27-03-01'), false);
    assert.throws(() => addDays('2027-02-30', 1), RangeError);
  });

  it('reads the evidence level from the start of the evidence text', () => {
    assert.equal(evidenceLevelOf('primary (depositary), truncated'), 'primary');
    assert.equal(evidenceLevelOf('secondary (news citing UNODC list)'), 'secondary');
    assert.equal(evidenceLevelOf('weak (secondary-of-secondary)'), 'weak');
    assert.equal(evidenceLevelOf('rumour'), undefined);
  });
});
