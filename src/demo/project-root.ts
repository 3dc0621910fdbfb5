import path from 'node:path';

/** The checkout this file belongs to (src/demo → root). */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..', '..');
