/**
 * Loads and checks the Convention catalogue (catalogue.json beside this file). The file is data a
 * lawyer can correct; this loader refuses a file that does not match the schema.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type Catalogue, CatalogueSchema } from '../../core/catalogue/catalogue.ts';

const CATALOGUE_FILE = path.join(import.meta.dirname, 'catalogue.json');

let cached: Catalogue | undefined;

export function loadCatalogue(): Catalogue {
  cached ??= CatalogueSchema.parse(JSON.parse(readFileSync(CATALOGUE_FILE, 'utf8')));
  return cached;
}
