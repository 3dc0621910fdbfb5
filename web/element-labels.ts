/**
 * The elements' names for the UI's translations, from the catalogue (src/data/catalogue), put in
 * the bundle at build time as the module `virtual:element-labels`: the labels alone (a few
 * kilobytes), not the catalogue, which the UI fetches from the node when a screen needs it. The
 * form names its fields before that fetch, so its names travel in the bundle; being the
 * catalogue's own, they are the names the checklist and the document give (src/core/catalogue/
 * element-labels.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'vite';
import { elementLabelsByLocale } from '../src/core/catalogue/element-labels.ts';

const ELEMENT_LABELS_MODULE = 'virtual:element-labels';
const RESOLVED = `\0${ELEMENT_LABELS_MODULE}`;
const CATALOGUE_FILE = path.resolve(import.meta.dirname, '..', 'src', 'data', 'catalogue', 'catalogue.json');

export function elementLabels(): Plugin {
  return {
    name: 'comity-element-labels',
    resolveId: (source) => (source === ELEMENT_LABELS_MODULE ? RESOLVED : undefined),
    load(id) {
      if (id !== RESOLVED) return undefined;
      this.addWatchFile(CATALOGUE_FILE);
      const { elements } = JSON.parse(readFileSync(CATALOGUE_FILE, 'utf8'));
      return `export default ${JSON.stringify(elementLabelsByLocale(elements))};`;
    },
  };
}
