/**
 * Validation against the real catalogue data (src/data/catalogue/catalogue.json), so a change
 * of the data that breaks validation of the documented example drafts is caught.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { formatCitation } from '../../src/core/catalogue/catalogue.ts';
import { directoryViewOf } from '../../src/core/directory/directory-view.ts';
import { LOCALES } from '../../src/core/i18n.ts';
import { type RequestContent, RequestContentSchema } from '../../src/core/request/draft.ts';
import { isReady, validateDraft } from '../../src/core/validation/validate-draft.ts';
import { loadCatalogue } from '../../src/data/catalogue/index.ts';
import { localized } from '../helpers/catalogue-fixture.ts';

const examples = path.join(import.meta.dirname, '..', '..', 'docs', 'examples');

function readExample(name: string): RequestContent {
  return RequestContentSchema.parse(JSON.parse(readFileSync(path.join(examples, name), 'utf8')));
}

/** The requested State of the examples, with the languages it accepts. */
const directory = directoryViewOf([
  {
    code: 'FR',
    kind: 'state',
    names: localized('France'),
    acceptedLanguages: ['fr', 'en'],
    timeZone: 'Europe/Paris',
  },
  {
    code: 'GB',
    kind: 'state',
    names: localized('United Kingdom'),
    acceptedLanguages: ['en'],
    timeZone: 'Europe/London',
  },
]);

describe('validation with the real catalogue', () => {
  const catalogue = loadCatalogue();
  const preservation = catalogue.requestTypes.find((entry) => entry.id === 'preservation');

  it('describes the preservation request type', () => {
    assert.ok(preservation, 'catalogue.json has no preservation request type');
  });

  it('reports each required element of a bare preservation draft as blocking, citing its article', () => {
    const findings = validateDraft({ type: 'preservation' }, catalogue, directory, 'en');
    const required = (preservation?.elements ?? []).filter((entry) => entry.requirement === 'required');
    assert.ok(required.length > 0);
    for (const entry of required) {
      const finding = findings.find((candidate) => candidate.element === entry.element);
      assert.ok(finding, `no finding for the missing ${entry.element}`);
      assert.equal(finding.rule, 'required-element-missing');
      assert.equal(finding.severity, 'blocking');
      assert.equal(finding.article, formatCitation(entry));
      assert.ok(finding.message.length > 0 && !finding.message.includes('{'), finding.message);
    }
    assert.equal(isReady(findings), false);
  });

  it('finds nothing blocking in the complete example preservation draft', () => {
    const findings = validateDraft(readExample('preservation-draft.json'), catalogue, directory, 'en');
    assert.deepEqual(
      findings.filter((finding) => finding.severity === 'blocking'),
      [],
    );
  });

  it('blocks the incomplete example draft on its period, offence and IP address', () => {
    const rules = validateDraft(readExample('preservation-incomplete.json'), catalogue, directory, 'en').map(
      (finding) => finding.rule,
    );
    for (const rule of ['preservation-period-too-short', 'offence-out-of-scope', 'ip-address-without-time']) {
      assert.ok(rules.includes(rule), `${rule} did not fire`);
    }
  });

  it('writes findings in each of the six languages', () => {
    const draft = readExample('preservation-incomplete.json');
    const english = validateDraft(draft, catalogue, directory, 'en');
    assert.ok(english.length > 0);
    for (const locale of LOCALES.filter((candidate) => candidate !== 'en')) {
      const translated = validateDraft(draft, catalogue, directory, locale);
      assert.deepEqual(
        translated.map((finding) => finding.rule),
        english.map((finding) => finding.rule),
      );
      translated.forEach((finding, index) => {
        assert.notEqual(
          finding.message,
          english[index]?.message,
          `${locale}: ${finding.rule} is not translated`,
        );
        assert.ok(
          !/\{\w+\}/.test(finding.message),
          `${locale}: ${finding.message} has an unfilled placeholder`,
        );
      });
    }
  });
});
