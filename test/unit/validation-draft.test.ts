import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Catalogue } from '../../src/core/catalogue/catalogue.ts';
import { LOCALES } from '../../src/core/i18n.ts';
import type { RequestContent } from '../../src/core/request/draft.ts';
import { VALIDATION_RULE_IDS } from '../../src/core/validation/rule-ids.ts';
import { isReady, validateDraft } from '../../src/core/validation/validate-draft.ts';
import {
  completePreservationDraft,
  fixtureCatalogue,
  fixtureCatalogueWithout,
  fixtureDirectory,
  validateWithFixture,
} from '../helpers/catalogue-fixture.ts';

/** A draft that trips many rules at once. */
function messyDraft(): RequestContent {
  return {
    ...completePreservationDraft(),
    custodian: undefined,
    confidentiality: { isRequired: true },
    preservationDays: 30,
    language: 'es',
    identifiers: [{ kind: 'ip-address', value: '203.0.113.7', observedAt: '2026-11-02T09:15:00Z' }],
    offences: [{ domesticProvision: 'Penal Code s. 5', maximumPenaltyYears: 2 }],
    suggestedDeadline: { date: '2027-01-01' },
  };
}

function withRuleParameter(
  catalogue: Catalogue,
  ruleId: string,
  parameters: Record<string, number>,
): Catalogue {
  return {
    ...catalogue,
    rules: catalogue.rules.map((rule) => (rule.id === ruleId ? { ...rule, parameters } : rule)),
  };
}

describe('validateDraft', () => {
  it("lists blocking findings first, then follows the order of the type's elements", () => {
    const findings = validateWithFixture(messyDraft());
    assert.deepEqual(
      findings.map((finding) => [finding.severity, finding.element, finding.rule]),
      [
        ['blocking', 'offences[0]', 'offence-out-of-scope'],
        ['blocking', 'custodian', 'required-element-missing'],
        ['blocking', 'preservationDays', 'preservation-period-too-short'],
        ['blocking', 'language', 'language-not-accepted'],
        ['warning', 'offences[0].conventionArticle', 'offence-article-untagged'],
        ['warning', 'identifiers[0].port', 'ip-address-without-port'],
        ['warning', 'confidentiality.until', 'confidentiality-without-end'],
        ['warning', 'suggestedDeadline.reasons', 'deadline-without-reasons'],
      ],
    );
  });

  it('gives the same findings for the same draft and leaves the draft untouched', () => {
    const draft = messyDraft();
    const copy = structuredClone(draft);
    assert.deepEqual(validateWithFixture(draft), validateWithFixture(draft));
    assert.deepEqual(draft, copy);
  });

  it('writes messages in the requested language', () => {
    const english = validateWithFixture(messyDraft(), 'en');
    for (const locale of LOCALES.filter((candidate) => candidate !== 'en')) {
      const translated = validateWithFixture(messyDraft(), locale);
      assert.equal(translated.length, english.length);
      translated.forEach((finding, index) => {
        assert.notEqual(finding.message, english[index]?.message);
        assert.ok(finding.message.startsWith(`[${locale}]`));
        assert.equal(finding.article, english[index]?.article);
      });
    }
  });

  it('skips a rule the catalogue lacks instead of failing', () => {
    const catalogue = fixtureCatalogueWithout('preservation-period-too-short', 'required-element-missing');
    const findings = validateDraft(messyDraft(), catalogue, fixtureDirectory(), 'en');
    assert.ok(findings.length > 0);
    assert.ok(findings.every((finding) => finding.rule !== 'preservation-period-too-short'));
    assert.ok(findings.every((finding) => finding.rule !== 'required-element-missing'));
  });

  it('applies no rule with an empty catalogue', () => {
    const empty = { ...fixtureCatalogue(), rules: [], requestTypes: [] };
    assert.deepEqual(validateDraft(messyDraft(), empty, fixtureDirectory(), 'en'), []);
  });

  it('takes severity and numbers from the catalogue', () => {
    const longer = withRuleParameter(fixtureCatalogue(), 'preservation-period-too-short', {
      minimumDays: 90,
    });
    const draft = { ...completePreservationDraft(), preservationDays: 89 };
    assert.equal(
      validateDraft(draft, longer, fixtureDirectory(), 'en')[0]?.message,
      'Preservation for 89 days is less than 90.',
    );

    const softened = {
      ...fixtureCatalogue(),
      rules: fixtureCatalogue().rules.map((rule) =>
        rule.id === 'preservation-period-too-short' ? { ...rule, severity: 'warning' as const } : rule,
      ),
    };
    const findings = validateDraft({ ...draft, preservationDays: 10 }, softened, fixtureDirectory(), 'en');
    assert.equal(findings[0]?.severity, 'warning');
    assert.equal(isReady(findings), true);
  });

  it('reads the serious-crime threshold from the definition of serious crime', () => {
    const catalogue = fixtureCatalogue();
    const lowered = {
      ...catalogue,
      definitions: catalogue.definitions.map((entry) =>
        entry.id === 'serious-crime' ? { ...entry, parameters: { minimumMaximumPenaltyYears: 3 } } : entry,
      ),
    };
    const draft = {
      ...completePreservationDraft(),
      offences: [{ domesticProvision: 's. 5', maximumPenaltyYears: 3 }],
    };
    assert.deepEqual(
      validateDraft(draft, catalogue, fixtureDirectory(), 'en').map((finding) => finding.rule),
      ['offence-out-of-scope', 'offence-article-untagged'],
    );
    assert.deepEqual(validateDraft(draft, lowered, fixtureDirectory(), 'en'), []);
  });

  it('knows every rule id the fixture catalogue describes', () => {
    assert.deepEqual(
      fixtureCatalogue()
        .rules.map((rule) => rule.id)
        .sort(),
      [...VALIDATION_RULE_IDS].sort(),
    );
  });
});

describe('isReady', () => {
  it('is false while a finding blocks and true with warnings only', () => {
    assert.equal(isReady(validateWithFixture({ type: 'preservation' })), false);
    assert.equal(
      isReady(validateWithFixture({ ...completePreservationDraft(), confidentiality: undefined })),
      true,
    );
    assert.equal(isReady([]), true);
  });
});
