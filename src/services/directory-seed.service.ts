import type { AppContext } from '../http/context.ts';

/** Inserts the States and organizations of src/data/states that are not in the database yet. */
export async function seedDirectory(_context: AppContext): Promise<void> {
  // TODO(directory)
}
