import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dateWindowOf } from '../../src/core/treaty/treaty-record.ts';
import { computeTreatyStatus } from '../../src/core/treaty/treaty-status.ts';
import {
  loadEntryIntoForceRule,
  loadEuMembership,
  loadMemberships,
  loadSeedTreatyRecords,
  loadTreatyGaps,
} from '../../src/data/treaty/index.ts';

describe('treaty seed data (src/data/treaty)', () => {
  const records = loadSeedTreatyRecords();

  it('maps every row of both CSV files to a participant code', () => {
    assert.equal(records.length, 65);
    assert.ok(records.every((record) => /^[A-Z]{2}$/.test(record.stateCode)));
    assert.deepEqual(
      records.filter((record) => record.kind === 'organization').map((record) => record.stateCode),
      ['EU'],
    );
  });

  it('identifies 61 signatories by name, fewer than the depositary 72, and says so in gaps.json', () => {
    const gaps = loadTreatyGaps();
    const signatories = new Set(records.filter((r) => r.action === 'signature').map((r) => r.stateCode));
    assert.equal(signatories.size, 61);
    assert.equal(gaps.depositarySignatoryCount, 72);
    assert.ok(gaps.gaps.some((gap) => gap.statement.includes('72') && gap.statement.includes('61')));
    const sourceIds = new Set(gaps.sources.map((source) => source.id));
    for (const gap of gaps.gaps)
      for (const id of gap.sources) assert.ok(sourceIds.has(id), `${gap.id} cites ${id}`);
  });

  it('holds no deposit: Azerbaijan approved domestically, Qatar and Viet Nam are weak reports', () => {
    const reports = records.filter((record) => record.action !== 'signature');
    assert.deepEqual(
      reports.map((record) => [record.stateCode, record.action]),
      [
        ['AZ', 'domestic-approval'],
        ['AZ', 'domestic-approval'],
        ['QA', 'reported-ratification'],
        ['VN', 'reported-ratification'],
      ],
    );
  });

  it('keeps the undated signatures window so that they count once it has closed', () => {
    const russia = records.find((record) => record.stateCode === 'RU');
    assert.equal(russia?.date, null);
    assert.deepEqual(dateWindowOf(russia?.dateNote), { from: '2025-10-25', to: '2025-10-26' });
  });

  it('computes: 61 signatories, 0 counted instruments, 40 still needed, 4 reports not deposited', () => {
    const status = computeTreatyStatus({
      records: records.map((record) => ({ ...record, dateWindow: dateWindowOf(record.dateNote) })),
      asOf: '2026-11-28',
      memberships: loadMemberships(),
      rule: loadEntryIntoForceRule(),
    });
    assert.equal(status.signatories.count, 61);
    assert.equal(status.countedInstruments, 0);
    assert.equal(status.stillNeeded, 40);
    assert.equal(status.reportedNotDeposited.length, 4);
  });

  it('lists the 27 EU member States with a source', () => {
    const membership = loadEuMembership();
    assert.equal(membership.members.length, 27);
    assert.equal(new Set(membership.members).size, 27);
    assert.match(membership.source.url, /^https:\/\/european-union\.europa\.eu\//);
  });
});
