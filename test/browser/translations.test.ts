/**
 * The web UI's translations (web/src/i18n/*.json) are complete: the six languages have the same
 * keys and placeholders, the non-Latin ones are written in their script, every key the code uses
 * exists, and every value of the domain's closed lists (request types, elements, roles, case
 * statuses and transitions...) has a label. Runs without a browser; it sits beside the browser
 * suite because it guards the same UI.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { CASE_STATUSES } from '../../src/core/case/case-model.ts';
import { DEADLINE_KINDS } from '../../src/core/case/deadlines.ts';
import { TRANSITIONS } from '../../src/core/case/transitions.ts';
import { CUSTODY_EVENT_KINDS } from '../../src/evidence/custody-chain.ts';
import { LOCALES } from '../../src/core/i18n.ts';
import { ROLES } from '../../src/core/roles.ts';
import { APP_ERROR_CODES } from '../../src/core/errors.ts';
import {
  DATA_CATEGORIES,
  IDENTIFIER_KINDS,
  PERSON_ROLES,
  REQUEST_TYPE_IDS,
  URGENCY_LEVELS,
} from '../../src/core/request/draft.ts';
import { ELEMENT_IDS } from '../../src/core/request/elements.ts';
import { loadCatalogue } from '../../src/data/catalogue/index.ts';
import { elementLabelsByLocale } from '../../src/core/catalogue/element-labels.ts';
import { TREATY_ACTIONS } from '../../src/core/treaty/treaty-status.ts';
import type { CircuitStatus } from '../../src/federation/delivery/circuit-breaker.ts';
import type { PeerHealth } from '../../src/services/peers.service.ts';
import { OUTBOX_STATUSES } from '../../src/storage/outbox.repository.ts';
import { ALERT_KINDS } from '../../src/services/alerts.service.ts';

/** The values GET /api/v1/peers may answer; `satisfies` keeps these lists in step with the types. */
const PEER_HEALTHS = [
  'healthy',
  'failing',
  'unreachable',
  'unknown',
] as const satisfies readonly PeerHealth[];
const CIRCUIT_STATUSES = ['closed', 'open', 'half-open'] as const satisfies readonly CircuitStatus[];

const webSource = path.resolve(import.meta.dirname, '..', '..', 'web', 'src');

type Flat = Map<string, string>;

function flatten(value: unknown, prefix = '', into: Flat = new Map()): Flat {
  if (typeof value === 'string') {
    into.set(prefix, value);
    return into;
  }
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    flatten(child, prefix ? `${prefix}.${key}` : key, into);
  }
  return into;
}

const i18nDirectory = path.join(webSource, 'i18n');

/** A language's file, as written (web/src/i18n/<locale>.json). */
function readLanguageFile(locale: (typeof LOCALES)[number]): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(i18nDirectory, `${locale}.json`), 'utf8'));
}

/**
 * A language's whole catalogue, as the UI builds it (web/src/i18n/i18n.ts): its main file, under
 * their own keys its section files, and under `element` the elements' names from the catalogue.
 */
function readCatalogue(locale: (typeof LOCALES)[number]): Record<string, unknown> {
  const catalogue = readLanguageFile(locale);
  catalogue.element = elementLabelsByLocale(loadCatalogue().elements)[locale];
  const sectionsDirectory = path.join(i18nDirectory, 'sections');
  for (const section of existsSync(sectionsDirectory) ? readdirSync(sectionsDirectory) : []) {
    assert.ok(!(section in catalogue), `section ${section} repeats a key of ${locale}.json`);
    const file = path.join(sectionsDirectory, section, `${locale}.json`);
    catalogue[section] = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
  }
  return catalogue;
}

const catalogues = Object.fromEntries(
  LOCALES.map((locale) => [locale, flatten(readCatalogue(locale))]),
) as Record<(typeof LOCALES)[number], Flat>;
const english = catalogues.en;

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{(\w+)\}\}/g)].map((match) => match[1] ?? '').sort();
}

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const full = path.join(directory, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(name) ? [full] : [];
  });
}

/** Text with nothing to translate: codes, numbers, placeholders and punctuation. */
const UNTRANSLATABLE = /^[A-Z0-9\s().,:：/+\-–{}]*$/;

const SCRIPTS: Partial<Record<(typeof LOCALES)[number], RegExp>> = {
  ar: /\p{Script=Arabic}/u,
  zh: /\p{Script=Han}/u,
  ru: /\p{Script=Cyrillic}/u,
};

describe('web UI translations', () => {
  for (const locale of LOCALES) {
    test(`${locale} has exactly the keys and placeholders of English`, () => {
      const catalogue = catalogues[locale];
      assert.deepEqual([...catalogue.keys()].sort(), [...english.keys()].sort());
      for (const [key, text] of english) {
        assert.deepEqual(placeholders(catalogue.get(key) ?? ''), placeholders(text), `${locale}: ${key}`);
        assert.ok((catalogue.get(key) ?? '').trim().length > 0, `${locale}: ${key} is empty`);
      }
    });
  }

  for (const [locale, script] of Object.entries(SCRIPTS)) {
    test(`${locale} is written in its own script`, () => {
      const catalogue = catalogues[locale as keyof typeof catalogues];
      const untranslated = [...catalogue].filter(
        ([, text]) => !UNTRANSLATABLE.test(text) && !script.test(text),
      );
      assert.deepEqual(untranslated, []);
    });
  }

  for (const locale of ['fr', 'es'] as const) {
    test(`${locale} is translated, not copied from English`, () => {
      const same = [...catalogues[locale]].filter(
        ([key, text]) => text === english.get(key) && !UNTRANSLATABLE.test(text),
      );
      // Some words are spelt the same (Extradition, Catalogue, Date, Source): a few, not many (under 10%).
      assert.ok(
        same.length < english.size * 0.1,
        `${same.length} values equal English: ${same.map(([k]) => k).join(', ')}`,
      );
    });
  }

  test("the form names each element with the catalogue's label: no language file names them again", () => {
    // The form's fields, the checklist, the findings and the request's document give one name for
    // each element: the catalogue's (src/core/catalogue/element-labels.ts, web/element-labels.ts).
    const naming = LOCALES.filter((locale) => 'element' in readLanguageFile(locale));
    assert.deepEqual(naming, []);
  });

  test('no value writes a plural as "(s)": it names the count, and the noun stays whole', () => {
    const bracketed = Object.entries(catalogues).flatMap(([locale, entries]) =>
      [...entries].filter(([, text]) => /\p{L}\(s\)/u.test(text)).map(([key]) => `${locale}: ${key}`),
    );
    assert.deepEqual(bracketed, []);
  });

  test('every key the UI code names exists', () => {
    const used = new Set<string>();
    for (const file of sourceFiles(webSource)) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/\bt\(\s*'([a-zA-Z][\w.-]*)'/g)) used.add(match[1] ?? '');
    }
    assert.ok(used.size > 100, `found ${used.size} keys in the code`);
    assert.deepEqual(
      [...used].filter((key) => !english.has(key)),
      [],
    );
  });

  test('no two entries of the menu share a label, in any language', () => {
    const shell = readFileSync(path.join(webSource, 'app', 'Shell.tsx'), 'utf8');
    const keys = [...shell.matchAll(/label: t\('([\w.-]+)'\)/g)].map((match) => match[1] ?? '');
    assert.ok(keys.length > 10, `found ${keys.length} menu entries`);
    for (const locale of LOCALES) {
      const labels = keys.map((key) => catalogues[locale].get(key) ?? key);
      const repeated = labels.filter((label, index) => labels.indexOf(label) !== index);
      assert.deepEqual(repeated, [], `${locale}: menu entries with the same label`);
    }
  });

  test('every value of the closed lists has a label', () => {
    const families: ReadonlyArray<readonly [string, readonly string[]]> = [
      ['requestType', REQUEST_TYPE_IDS],
      ['element', ELEMENT_IDS],
      ['personRole', PERSON_ROLES],
      ['identifierKind', IDENTIFIER_KINDS],
      ['dataCategory', DATA_CATEGORIES],
      ['urgencyLevel', URGENCY_LEVELS],
      ['roles', ROLES],
      ['treatyAction', TREATY_ACTIONS],
      ['problem', APP_ERROR_CODES],
      ['deliveryState', OUTBOX_STATUSES],
      ['peerHealth', PEER_HEALTHS],
      ['circuit', CIRCUIT_STATUSES],
      ['direction', ['outgoing', 'incoming']],
      ['caseStatus', CASE_STATUSES],
      ['caseAction', TRANSITIONS.map((transition) => transition.name)],
      ['caseEvent', TRANSITIONS.map((transition) => transition.name)],
      ['alerts.kinds', ALERT_KINDS],
      ['alerts.channels', ['email', 'webhook']],
      ['desk.deadlineKind', DEADLINE_KINDS],
      ['desk.deadlineState', ['on-time', 'at-risk', 'missed']],
      ['evidence.items.kind', CUSTODY_EVENT_KINDS],
      ['evidence.items.status', ['uploading', 'stored', 'deleted']],
    ];
    const missing = families.flatMap(([family, values]) =>
      values.map((value) => `${family}.${value}`).filter((key) => !english.has(key)),
    );
    assert.deepEqual(missing, []);
  });
});
