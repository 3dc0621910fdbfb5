/**
 * Puts the reference directory (src/data/states) into the node's database at every start. Only
 * codes that are missing are inserted: a profile the administrator has edited is never
 * overwritten, and a newer seed reaches existing nodes only for States they did not have.
 */
import { loadStateSeeds } from '../data/states/index.ts';
import type { AppContext } from '../app-context.ts';
import { insertMissingStates } from '../storage/states.repository.ts';

/** Inserts the States and organizations of src/data/states that are not in the database yet; returns how many. */
export async function seedDirectory(context: AppContext): Promise<number> {
  const seeds = loadStateSeeds().map((seed) => ({
    code: seed.code,
    iso3: seed.iso3,
    numericCode: seed.numericCode,
    kind: seed.kind,
    names: seed.names,
    profile: seed.profile,
  }));
  return insertMissingStates(context.db, seeds, context.now());
}
