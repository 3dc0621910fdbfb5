/**
 * The Convention catalogue data (src/data/catalogue/catalogue.json) against its schema and against
 * the contracts other code relies on: every request type and element described, every validation
 * rule present with its placeholders in six languages, and honest `verified` flags.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { type Catalogue, CatalogueSchema, formatCitation } from '../../src/core/catalogue/catalogue.ts';
import {
  elementLabel,
  findDefinition,
  findRequestType,
  findRule,
  getRequestType,
  isRuleApplicable,
} from '../../src/core/catalogue/catalogue-lookup.ts';
import { isAppError } from '../../src/core/errors.ts';
import { LOCALES } from '../../src/core/i18n.ts';
import { ELEMENT_IDS } from '../../src/core/request/elements.ts';
import { REQUEST_TYPE_IDS } from '../../src/core/request/draft.ts';
import { loadCatalogue } from '../../src/data/catalogue/index.ts';

const CATALOGUE_FILE = path.join(import.meta.dirname, '../../src/data/catalogue/catalogue.json');
const raw: unknown = JSON.parse(readFileSync(CATALOGUE_FILE, 'utf8'));
const catalogue: Catalogue = CatalogueSchema.parse(raw);

/** The validation rules contract: id -> placeholders its message must carry (and citation). */
const RULE_CONTRACT: Record<string, { placeholders: string[]; article: number; paragraph?: string }> = {
  'required-element-missing': { placeholders: ['element', 'article'], article: 40, paragraph: '15' },
  'element-missing-where-possible': { placeholders: ['element', 'article'], article: 40, paragraph: '15(e)' },
  'element-not-given-where-possible': {
    placeholders: ['element', 'article'],
    article: 40,
    paragraph: '15(e)',
  },
  'offence-out-of-scope': { placeholders: ['offence'], article: 35, paragraph: '1' },
  'offence-penalty-missing': { placeholders: ['offence'], article: 2, paragraph: 'h' },
  'emergency-justification-missing': { placeholders: [], article: 2, paragraph: 'o' },
  'preservation-period-too-short': { placeholders: ['days', 'minimum'], article: 42, paragraph: '8' },
  'ip-address-without-time': { placeholders: ['value'], article: 42, paragraph: '3(c)' },
  'ip-address-without-port': { placeholders: ['value'], article: 42, paragraph: '3(c)' },
  // Not {kind}: the kind would be its id (`ip-address`); the finding sits beside the identifier's kind.
  'identifier-malformed': { placeholders: ['value'], article: 42, paragraph: '3(c)' },
  'identifier-value-missing': { placeholders: [], article: 42, paragraph: '3(c)' },
  'identifier-time-invalid': { placeholders: ['value', 'time'], article: 42, paragraph: '3(c)' },
  'requested-state-unknown': { placeholders: ['state'], article: 40, paragraph: '13' },
  'language-not-accepted': { placeholders: ['language', 'state', 'accepted'], article: 40, paragraph: '14' },
  'language-acceptance-unknown': { placeholders: ['state'], article: 40, paragraph: '14' },
  'language-not-read-by-node': {
    placeholders: ['state', 'language', 'accepted'],
    article: 40,
    paragraph: '14',
  },
  'language-sent-not-read-by-node': {
    placeholders: ['state', 'language', 'accepted'],
    article: 40,
    paragraph: '14',
  },
  // Not {field}: the field would be its path (`identifiers[0].observedAt`); the finding names its element.
  'date-invalid': { placeholders: ['value'], article: 40, paragraph: '15(f)' },
  'period-reversed': { placeholders: ['from', 'to'], article: 40, paragraph: '15(f)' },
  'collection-period-too-long': { placeholders: ['days', 'maximum'], article: 24, paragraph: '2' },
  'extradition-penalty-below-threshold': {
    placeholders: ['offence', 'minimum'],
    article: 37,
    paragraph: '1',
  },
  'confidentiality-without-end': { placeholders: [], article: 40, paragraph: '20' },
  'deadline-without-reasons': { placeholders: [], article: 40, paragraph: '25' },
  'enforcement-needs-final-order': { placeholders: [], article: 50 },
  'provisional-arrest-not-urgent': { placeholders: [], article: 37 },
  'custodian-outside-requested-state': {
    placeholders: ['custodianState', 'requestedState'],
    article: 42,
    paragraph: '1',
  },
  'preservation-period-too-long': { placeholders: ['days', 'maximum'], article: 42, paragraph: '8' },
  'preservation-period-invalid': { placeholders: ['days'], article: 42, paragraph: '8' },
  'offence-not-a-convention-offence': {
    placeholders: ['article', 'firstArticle', 'lastArticle'],
    article: 35,
    paragraph: '1',
  },
  'offence-article-untagged': {
    placeholders: ['offence', 'firstArticle', 'lastArticle'],
    article: 35,
    paragraph: '1',
  },
  'observation-time-in-future': { placeholders: ['value'], article: 42, paragraph: '3(c)' },
  'deadline-already-past': { placeholders: ['value', 'today'], article: 40, paragraph: '25' },
  'past-date-in-future': { placeholders: ['value'], article: 37 },
  'contact-detail-malformed': { placeholders: ['value'], article: 40, paragraph: '15(a)' },
};

type LocalizedText = Record<(typeof LOCALES)[number], string>;

/** Every localized text of the catalogue, with a path for error messages. */
function allTexts(): Array<{ where: string; text: LocalizedText }> {
  const texts: Array<{ where: string; text: LocalizedText }> = [];
  for (const d of catalogue.definitions)
    texts.push(
      { where: `definition ${d.id}`, text: d.title },
      { where: `definition ${d.id}`, text: d.explanation },
    );
  for (const e of catalogue.elements)
    texts.push({ where: `element ${e.id}`, text: e.label }, { where: `element ${e.id}`, text: e.help });
  for (const t of catalogue.requestTypes)
    texts.push({ where: `type ${t.id}`, text: t.title }, { where: `type ${t.id}`, text: t.explanation });
  for (const o of catalogue.offences) {
    texts.push(
      { where: `offence ${o.id}`, text: o.title },
      { where: `offence ${o.id}`, text: o.explanation },
    );
    for (const element of o.elements) texts.push({ where: `offence ${o.id} element`, text: element });
  }
  for (const r of catalogue.rules)
    texts.push({ where: `rule ${r.id}`, text: r.explanation }, { where: `rule ${r.id}`, text: r.message });
  for (const g of catalogue.refusalGrounds)
    texts.push({ where: `ground ${g.id}`, text: g.title }, { where: `ground ${g.id}`, text: g.explanation });
  for (const i of catalogue.screeningItems)
    texts.push(
      { where: `screening ${i.id}`, text: i.title },
      { where: `screening ${i.id}`, text: i.explanation },
    );
  return texts;
}

describe('Convention catalogue data', () => {
  it('parses with the catalogue schema, and the loader returns the same data', () => {
    assert.equal(CatalogueSchema.safeParse(raw).success, true);
    assert.deepEqual(loadCatalogue(), catalogue);
  });

  it('was reviewed on a real day that has come: its reviewedOn is not in the future', () => {
    assert.match(catalogue.reviewedOn, /^\d{4}-\d{2}-\d{2}$/);
    assert.ok(
      Date.parse(`${catalogue.reviewedOn}T00:00:00Z`) <= Date.now(),
      `reviewedOn ${catalogue.reviewedOn} is a day that has not come yet`,
    );
  });

  it('describes every request type exactly once', () => {
    const ids = catalogue.requestTypes.map((entry) => entry.id).sort();
    assert.deepEqual(ids, [...REQUEST_TYPE_IDS].sort());
  });

  it('routes each request type to the right designated authority', () => {
    const channel = (id: string) => findRequestType(catalogue, id)?.channel;
    assert.equal(channel('preservation'), 'point-of-contact');
    assert.equal(channel('traffic-disclosure'), 'point-of-contact');
    assert.equal(channel('extradition'), 'extradition-authority');
    for (const id of [
      'stored-data',
      'real-time-traffic',
      'interception',
      'mla',
      'joint-investigation',
      'confiscation',
    ]) {
      assert.equal(channel(id), 'central-authority', id);
    }
  });

  it('describes every element id once, and every element a type uses exists', () => {
    assert.deepEqual(catalogue.elements.map((e) => e.id).sort(), [...ELEMENT_IDS].sort());
    const described = new Set(catalogue.elements.map((e) => e.id));
    for (const type of catalogue.requestTypes) {
      const used = type.elements.map((e) => e.element);
      assert.equal(new Set(used).size, used.length, `${type.id} lists an element twice`);
      for (const element of used) assert.ok(described.has(element), `${type.id} uses undescribed ${element}`);
    }
  });

  it('requires the requested authority and the language in every request type', () => {
    for (const type of catalogue.requestTypes) {
      for (const element of ['requested-authority', 'language']) {
        const entry = type.elements.find((e) => e.element === element);
        assert.equal(entry?.requirement, 'required', `${type.id}: ${element}`);
      }
    }
  });

  it('requires the Art. 42(3) contents and the Art. 42(8) period in a preservation request', () => {
    const preservation = getRequestType(catalogue, 'preservation');
    const cited = (element: string) => {
      const entry = preservation.elements.find((e) => e.element === element);
      return entry && `${formatCitation(entry)} ${entry.requirement}`;
    };
    assert.equal(cited('requesting-authority'), 'Art. 42(3)(a) required');
    assert.equal(cited('summary-of-facts'), 'Art. 42(3)(b) required');
    assert.equal(cited('data-relation-to-offence'), 'Art. 42(3)(c) required');
    assert.equal(cited('custodian'), 'Art. 42(3)(d) required');
    assert.equal(cited('necessity'), 'Art. 42(3)(e) required');
    assert.equal(cited('intent-to-request-assistance'), 'Art. 42(3)(f) required');
    assert.equal(cited('confidentiality'), 'Art. 42(3)(g) optional');
    assert.equal(cited('preservation-period'), 'Art. 42(8) required');
    assert.equal(cited('identifiers'), 'Art. 42(3)(c) where-possible');
  });

  it('requires the Art. 40(15) contents in a mutual legal assistance request', () => {
    const mla = getRequestType(catalogue, 'mla');
    const requirement = (element: string) => mla.elements.find((e) => e.element === element)?.requirement;
    for (const element of [
      'requesting-authority',
      'subject-matter',
      'conducting-authority',
      'summary-of-facts',
      'assistance-sought',
      'purpose',
    ]) {
      assert.equal(requirement(element), 'required', element);
    }
    assert.equal(requirement('procedure-wished'), 'optional');
    assert.equal(requirement('persons-concerned'), 'where-possible');
    assert.equal(requirement('data-period'), 'where-possible');
  });

  it('requires the collection period in real-time collection and interception requests', () => {
    for (const id of ['real-time-traffic', 'interception']) {
      const entry = getRequestType(catalogue, id).elements.find((e) => e.element === 'collection-period');
      assert.equal(entry?.requirement, 'required', id);
    }
  });

  it('holds exactly the validation rules of the contract, with their citations', () => {
    assert.deepEqual(catalogue.rules.map((r) => r.id).sort(), Object.keys(RULE_CONTRACT).sort());
    for (const [id, expected] of Object.entries(RULE_CONTRACT)) {
      const rule = findRule(catalogue, id)!;
      assert.equal(rule.article, expected.article, id);
      assert.equal(rule.paragraph, expected.paragraph, id);
    }
  });

  it('carries each rule’s placeholders, and no others, in all six message languages', () => {
    for (const [id, { placeholders }] of Object.entries(RULE_CONTRACT)) {
      const rule = findRule(catalogue, id)!;
      for (const locale of LOCALES) {
        const used = [...rule.message[locale].matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
        assert.deepEqual([...new Set(used)], [...placeholders].sort(), `${id} [${locale}]`);
      }
    }
  });

  it('references only existing rules from request types, and applies the type-specific ones', () => {
    const ruleIds = new Set(catalogue.rules.map((r) => r.id));
    for (const type of catalogue.requestTypes) {
      for (const rule of type.rules)
        assert.ok(ruleIds.has(rule), `${type.id} references unknown rule ${rule}`);
      assert.ok(type.rules.includes('required-element-missing'), type.id);
    }
    assert.equal(isRuleApplicable(catalogue, 'preservation', 'preservation-period-too-short'), true);
    assert.equal(isRuleApplicable(catalogue, 'mla', 'preservation-period-too-short'), false);
    assert.equal(isRuleApplicable(catalogue, 'interception', 'collection-period-too-long'), true);
    assert.equal(isRuleApplicable(catalogue, 'extradition', 'extradition-penalty-below-threshold'), true);
    assert.equal(isRuleApplicable(catalogue, 'confiscation', 'enforcement-needs-final-order'), true);
    assert.equal(isRuleApplicable(catalogue, 'stored-data', 'enforcement-needs-final-order'), false);
  });

  it('keeps the numbers the rules use: 60 days, 4 years, Arts. 7 to 17, 1 year, 90 days', () => {
    assert.equal(findRule(catalogue, 'preservation-period-too-short')?.parameters.minimumDays, 60);
    assert.equal(findDefinition(catalogue, 'serious-crime')?.parameters.minimumMaximumPenaltyYears, 4);
    assert.deepEqual(findRule(catalogue, 'offence-out-of-scope')?.parameters, {
      firstArticle: 7,
      lastArticle: 17,
    });
    assert.equal(findRule(catalogue, 'extradition-penalty-below-threshold')?.parameters.minimumYears, 1);
    assert.equal(findRule(catalogue, 'collection-period-too-long')?.parameters.maximumDays, 90);
  });

  it('lists exactly the offences of Arts. 7 to 17', () => {
    assert.deepEqual(
      catalogue.offences.map((o) => o.article),
      [7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17],
    );
    for (const offence of catalogue.offences) assert.equal(offence.id, `art-${offence.article}`);
  });

  it('has the five defined terms of Art. 2, verified against the Arabic text', () => {
    assert.deepEqual(catalogue.definitions.map((d) => `${d.id} ${formatCitation(d)}`).sort(), [
      'content-data Art. 2(d)',
      'emergency Art. 2(o)',
      'serious-crime Art. 2(h)',
      'subscriber-information Art. 2(f)',
      'traffic-data Art. 2(c)',
    ]);
    for (const d of catalogue.definitions)
      assert.deepEqual(d.provenance, { ...d.provenance, verified: true, confidence: 'high' });
  });

  it('never marks a provision after Art. 15 as verified (only Arts. 1-15 were checked)', () => {
    const entries = [
      ...catalogue.requestTypes.map((e) => ({
        id: `type ${e.id}`,
        article: e.article,
        provenance: e.provenance,
      })),
      ...catalogue.offences.map((e) => ({
        id: `offence ${e.id}`,
        article: e.article,
        provenance: e.provenance,
      })),
      ...catalogue.rules.map((e) => ({ id: `rule ${e.id}`, article: e.article, provenance: e.provenance })),
      ...catalogue.refusalGrounds.map((e) => ({
        id: `ground ${e.id}`,
        article: e.article,
        provenance: e.provenance,
      })),
      ...catalogue.screeningItems.map((e) => ({
        id: `screening ${e.id}`,
        article: e.article ?? 0,
        provenance: e.provenance,
      })),
    ];
    for (const entry of entries) {
      if (entry.article > 15) assert.equal(entry.provenance.verified, false, entry.id);
      if (entry.provenance.verified)
        assert.ok(entry.provenance.sources.includes('S3'), `${entry.id} verified without S3`);
    }
  });

  it('cites only sources it lists', () => {
    const sourceIds = new Set(catalogue.sources.map((s) => s.id));
    for (let n = 1; n <= 23; n += 1) assert.ok(sourceIds.has(`S${n}`), `S${n}`);
    const provenances = [
      ...catalogue.definitions,
      ...catalogue.requestTypes,
      ...catalogue.offences,
      ...catalogue.rules,
      ...catalogue.refusalGrounds,
      ...catalogue.screeningItems,
    ].map((entry) => entry.provenance);
    for (const provenance of provenances) {
      for (const source of provenance.sources) assert.ok(sourceIds.has(source), source);
    }
  });

  it('writes Arabic in Arabic script, Chinese in Han characters and Russian in Cyrillic', () => {
    for (const { where, text } of allTexts()) {
      assert.match(text.ar, /\p{Script=Arabic}/u, `${where} [ar]: ${text.ar}`);
      assert.match(text.zh, /\p{Script=Han}/u, `${where} [zh]: ${text.zh}`);
      assert.match(text.ru, /\p{Script=Cyrillic}/u, `${where} [ru]: ${text.ru}`);
      // A one-word title may be the same in French ("Extradition"); a sentence may not.
      if (text.en.length > 24) {
        assert.notEqual(text.fr, text.en, `${where} [fr] is a copy of English`);
        assert.notEqual(text.es, text.en, `${where} [es] is a copy of English`);
      }
    }
  });

  it('gives each refusal ground a kind and at least one request type it applies to', () => {
    const byId = new Map(catalogue.refusalGrounds.map((g) => [g.id, g]));
    assert.equal(byId.size, catalogue.refusalGrounds.length, 'duplicate refusal ground id');
    assert.equal(byId.get('mla-bank-secrecy')?.kind, 'not-a-ground');
    assert.equal(byId.get('mla-fiscal-matters')?.kind, 'not-a-ground');
    assert.equal(byId.get('mla-dual-criminality')?.kind, 'may-refuse');
    assert.equal(byId.get('extradition-nationals')?.kind, 'procedural-duty');
    assert.ok(byId.get('preservation-limited-grounds')?.appliesTo.includes('preservation'));
    assert.deepEqual(byId.get('human-rights')?.appliesTo.slice().sort(), [...REQUEST_TYPE_IDS].sort());
  });

  it('gives each screening item grounds that the catalogue lists as may-refuse for its request types', () => {
    const grounds = new Map(catalogue.refusalGrounds.map((g) => [g.id, g]));
    const ids = new Set(catalogue.screeningItems.map((item) => item.id));
    assert.equal(ids.size, catalogue.screeningItems.length, 'duplicate screening item id');
    for (const item of catalogue.screeningItems) {
      for (const groundId of item.groundIds) {
        const ground = grounds.get(groundId);
        assert.equal(ground?.kind, 'may-refuse', `${item.id}: ${groundId}`);
        assert.ok(
          ground.appliesTo.some((type) => item.appliesTo.includes(type)),
          `${item.id}: ${groundId} applies to none of its types`,
        );
      }
      // The duties a refusal on the item brings are procedural duties for its request types.
      for (const dutyId of item.dutyIds ?? []) {
        const duty = grounds.get(dutyId);
        assert.equal(duty?.kind, 'procedural-duty', `${item.id}: ${dutyId}`);
        assert.ok(
          duty.appliesTo.some((type) => item.appliesTo.includes(type)),
          `${item.id}: ${dutyId} applies to none of its types`,
        );
        assert.ok(item.groundIds.length > 0, `${item.id}: a duty on refusal, but no ground to refuse on`);
      }
      // Comity's own flags are practice, never treaty text, and support no refusal by themselves.
      if (item.kind === 'flag') {
        assert.equal(item.provenance.basis, 'practice', item.id);
        assert.deepEqual(item.groundIds, [], item.id);
        assert.match(item.explanation.en, /Comity’s practice, not treaty text/, item.id);
      }
      if (item.kind === 'not-a-ground') assert.deepEqual(item.groundIds, [], item.id);
    }
    const dual = catalogue.screeningItems.find((item) => item.id === 'dual-criminality');
    assert.equal(dual?.article, 40);
    assert.equal(dual?.paragraph, '9');
    assert.ok(
      !dual?.appliesTo.includes('preservation'),
      'dual criminality is never a condition of preservation',
    );
    assert.equal(catalogue.screeningItems.find((i) => i.id === 'fiscal-matters')?.kind, 'not-a-ground');
  });

  it('looks elements up by locale and treats an unknown request type as not found', () => {
    assert.equal(elementLabel(catalogue, 'custodian', 'en'), 'Custodian or location of the data');
    assert.match(elementLabel(catalogue, 'custodian', 'ar'), /\p{Script=Arabic}/u);
    assert.equal(elementLabel(catalogue, 'no-such-element', 'fr'), 'no-such-element');
    assert.equal(findRequestType(catalogue, 'no-such-type'), undefined);
    assert.throws(
      () => getRequestType(catalogue, 'no-such-type'),
      (error) => isAppError(error) && error.code === 'not-found',
    );
  });
});
