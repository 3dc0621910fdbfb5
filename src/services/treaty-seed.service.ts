/**
 * Puts the treaty-status records of src/data/treaty into the node's database at every start
 * (origin 'seed'). A seed record is inserted once: records already present (same participant,
 * action, date, source, evidence) are left alone, so restarting never duplicates them and a
 * corrected seed adds only what is new. Records whose participant is not in the directory yet
 * are skipped and inserted at a later start, once the directory has them.
 */
import type { AppContext } from '../app-context.ts';
import { loadSeedTreatyRecords } from '../data/treaty/index.ts';
import {
  insertTreatyRecords,
  listDirectoryParticipants,
  listTreatyRecords,
  type TreatyRecordInsert,
  lockTreatyRecords,
} from '../storage/treaty.repository.ts';

export type TreatySeedReport = Readonly<{
  inserted: number;
  /** Participant codes of seed records that wait for the directory. */
  skippedCodes: readonly string[];
}>;

function seedKey(record: {
  stateCode: string;
  action: string;
  date: string | null;
  dateNote: string | null;
  source: string;
  evidence: string;
}): string {
  return JSON.stringify([
    record.stateCode,
    record.action,
    record.date,
    record.dateNote,
    record.source,
    record.evidence,
  ]);
}

/** Inserts the seed signature and ratification records of src/data/treaty once. */
export async function seedTreatyRecords(context: AppContext): Promise<TreatySeedReport> {
  const seeds = loadSeedTreatyRecords();
  return context.db.transaction().execute(async (trx) => {
    await lockTreatyRecords(trx);
    const known = new Set((await listDirectoryParticipants(trx)).map((participant) => participant.code));
    const present = new Set(
      (await listTreatyRecords(trx)).filter((record) => record.origin === 'seed').map(seedKey),
    );
    const inserts: TreatyRecordInsert[] = [];
    const skipped = new Set<string>();
    for (const seed of seeds) {
      if (present.has(seedKey(seed))) continue;
      if (!known.has(seed.stateCode)) {
        skipped.add(seed.stateCode);
        continue;
      }
      inserts.push({
        stateCode: seed.stateCode,
        action: seed.action,
        date: seed.date,
        dateNote: seed.dateNote,
        source: seed.source,
        evidence: seed.evidence,
        note: seed.note,
        origin: 'seed',
        createdBy: null,
      });
    }
    const inserted = await insertTreatyRecords(trx, inserts);
    return { inserted: inserted.length, skippedCodes: [...skipped].sort() };
  });
}
