import type { AppContext } from '../http/context.ts';

/** Inserts the seed signature and ratification records of src/data/treaty once. */
export async function seedTreatyRecords(_context: AppContext): Promise<void> {
  // TODO(treaty)
}
