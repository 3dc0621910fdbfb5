/**
 * The rules of incoming screening (src/core/screening/screening.ts) over the real catalogue: which
 * items apply to each request type, dual criminality never for preservation, no decision while
 * the checklist is incomplete, a refusal's grounds only from concerns, and the flags Comity raises
 * by itself.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Catalogue } from '../../src/core/catalogue/catalogue.ts';
import {
  dutiesOnRefusal,
  answerIssues,
  applicableItems,
  automaticClearances,
  automaticFlags,
  checkDecision,
  findingKeysOf,
  groundsSupported,
  isGatedDecision,
  missingItems,
  outdatedItems,
  type RequestingStateRecord,
  type ScreeningAnswer,
  uncoveredOffences,
} from '../../src/core/screening/screening.ts';
import { loadCatalogue } from '../../src/data/catalogue/index.ts';

const catalogue = loadCatalogue();
const MLA_TYPES = ['mla', 'stored-data', 'real-time-traffic', 'interception'];
const NO_RECORD: RequestingStateRecord = { state: 'FR', received: 0, refused: 0, groundCounts: {} };

function ids(type: string): string[] {
  return applicableItems(catalogue, type).map((item) => item.id);
}

function allAnswered(type: string, concerns: string[] = []): ScreeningAnswer[] {
  return ids(type).map((itemId) => ({
    itemId,
    answer: concerns.includes(itemId) ? 'concern' : 'no-concern',
    reasons: 'Checked.',
  }));
}

const REFUSAL = (grounds: string[]) => ({ grounds, reasons: 'Reasons.', consultation: {} });

describe('screening: which items apply', () => {
  it('gives the mutual-assistance types the Art. 40(21) grounds, non-discrimination, dual criminality, fiscal matters and data protection', () => {
    for (const type of MLA_TYPES) {
      const items = ids(type);
      for (const id of [
        'conformity',
        'essential-interests',
        'domestic-prohibition',
        'legal-system',
        'non-discrimination',
        'dual-criminality',
        'fiscal-matters',
        'data-protection',
        'outside-scope',
        'protected-expression',
        'security-research',
        'requesting-state-record',
      ]) {
        assert.ok(items.includes(id), `${type}: ${id}`);
      }
      assert.ok(!items.includes('extradition-assurances'), type);
    }
  });

  it('gives a preservation only its limited grounds (Art. 42(6)), the reservation of Art. 42(5), and never dual criminality (Art. 42(4))', () => {
    const items = ids('preservation');
    assert.deepEqual(
      items.filter((id) => catalogue.screeningItems.find((i) => i.id === id)?.kind !== 'flag'),
      ['essential-interests', 'domestic-prohibition', 'non-discrimination', 'preservation-dual-criminality'],
    );
    assert.ok(!items.includes('dual-criminality'));
    assert.ok(!items.includes('conformity'));
  });

  it('lets a refusal of a preservation rest on the dual criminality reservation (Art. 42(5)) once the reviewer has a concern about it', () => {
    const answer = (itemId: string, value: 'concern' | 'no-concern') => ({
      itemId,
      answer: value,
      reasons: 'Reasons.',
    });
    assert.deepEqual(
      groundsSupported(catalogue, 'preservation', [answer('preservation-dual-criminality', 'concern')]),
      ['preservation-dual-criminality-reservation'],
    );
    assert.deepEqual(
      groundsSupported(catalogue, 'preservation', [answer('preservation-dual-criminality', 'no-concern')]),
      [],
    );
    // It is the preservation's reservation only: no other request type asks it.
    assert.ok(!ids('mla').includes('preservation-dual-criminality'));
  });

  it('never applies dual criminality to a preservation, even if the data listed it', () => {
    const edited: Catalogue = {
      ...catalogue,
      screeningItems: catalogue.screeningItems.map((item) =>
        item.id === 'dual-criminality' ? { ...item, appliesTo: [...item.appliesTo, 'preservation'] } : item,
      ),
    };
    assert.ok(!applicableItems(edited, 'preservation').some((item) => item.id === 'dual-criminality'));
  });

  it('asks for assurances on the death penalty and a fair trial for extradition, with dual criminality, nationality, non-discrimination and fiscal matters', () => {
    const items = ids('extradition');
    for (const id of ['extradition-assurances', 'non-discrimination', 'fiscal-matters'])
      assert.ok(items.includes(id), id);
    // What the requested State's law may refuse on: dual criminality with the one-year penalty
    // (Art. 37(1)), and the person's nationality.
    for (const id of ['extradition-dual-criminality', 'extradition-nationality']) {
      assert.ok(items.includes(id), id);
      const item = catalogue.screeningItems.find((entry) => entry.id === id);
      assert.deepEqual(
        [item?.kind, item?.article, item?.groundIds],
        ['ground', 37, ['extradition-requested-state-law']],
      );
    }
    // Not cleared from the law map: whether a provision exists says nothing of its penalty.
    assert.equal(
      catalogue.screeningItems.find((entry) => entry.id === 'extradition-dual-criminality')?.automatic,
      undefined,
    );
    assert.ok(!items.includes('dual-criminality'));
    assert.ok(!items.includes('legal-system'));
  });

  it('flags conduct that looks like protected expression (Art. 6) and the scope (Art. 35) on every kind of cooperation', () => {
    // A police-cooperation request offered only data protection: human rights apply to it too.
    for (const type of ['police-cooperation', 'joint-investigation', 'confiscation'] as const) {
      const items = ids(type);
      for (const id of ['protected-expression', 'outside-scope', 'requesting-state-record'])
        assert.ok(items.includes(id), `${type}: ${id}`);
    }
  });

  it('rejects answers to unknown items, to items that do not apply, and the same item twice', () => {
    const issues = answerIssues(catalogue, 'preservation', [
      { itemId: 'no-such-item', answer: 'concern', reasons: 'x' },
      { itemId: 'dual-criminality', answer: 'concern', reasons: 'x' },
      { itemId: 'essential-interests', answer: 'no-concern', reasons: 'x' },
      { itemId: 'essential-interests', answer: 'concern', reasons: 'x' },
    ]);
    assert.deepEqual(
      issues.map((issue) => [issue.index, issue.itemId]),
      [
        [0, 'no-such-item'],
        [1, 'dual-criminality'],
        [3, 'essential-interests'],
      ],
    );
    assert.deepEqual(answerIssues(catalogue, 'mla', allAnswered('mla')), []);
  });
});

describe('screening: decisions tied to the checklist', () => {
  it('gates accept, conditions, postponement and refusal of a mutual-assistance request; other transitions pass', () => {
    for (const name of ['accept', 'propose-conditions', 'postpone', 'refuse'])
      assert.ok(isGatedDecision('mla', name), name);
    for (const name of ['acknowledge', 'begin-assessment', 'request-clarification', 'execute-fully', 'close'])
      assert.ok(!isGatedDecision('mla', name), name);
  });

  it('gates only the refusal of a preservation or a traffic-data disclosure', () => {
    for (const type of ['preservation', 'traffic-disclosure']) {
      assert.ok(isGatedDecision(type, 'refuse'), type);
      for (const name of ['accept', 'propose-conditions', 'postpone', 'record-preservation'])
        assert.ok(!isGatedDecision(type, name), `${type} ${name}`);
    }
  });

  it('refuses a decision while the checklist is incomplete, naming the items missing', () => {
    const answers = allAnswered('stored-data').filter((answer) => answer.itemId !== 'legal-system');
    assert.deepEqual(missingItems(catalogue, 'stored-data', answers), ['legal-system']);
    for (const transition of ['accept', 'propose-conditions', 'postpone', 'refuse']) {
      const check = checkDecision(catalogue, {
        requestType: 'stored-data',
        transition,
        payload: REFUSAL([]),
        answers,
      });
      assert.equal(check.ok, false, transition);
      assert.equal(!check.ok && check.reason, 'checklist-incomplete');
      assert.deepEqual(!check.ok && check.reason === 'checklist-incomplete' && check.missing, [
        'legal-system',
      ]);
    }
    const none = checkDecision(catalogue, {
      requestType: 'mla',
      transition: 'accept',
      payload: {},
      answers: [],
    });
    assert.equal(none.ok, false);
  });

  it('allows a decision once every item is answered, whatever the answers', () => {
    const answers = allAnswered('mla', ['essential-interests']).map((a) =>
      a.itemId === 'conformity' ? { ...a, answer: 'not-applicable' as const } : a,
    );
    for (const transition of ['accept', 'propose-conditions', 'postpone'])
      assert.ok(
        checkDecision(catalogue, { requestType: 'mla', transition, payload: {}, answers }).ok,
        transition,
      );
  });

  it("accepts a refusal's grounds only from items answered concern", () => {
    const answers = allAnswered('mla', ['dual-criminality', 'non-discrimination']);
    assert.deepEqual(groundsSupported(catalogue, 'mla', answers).sort(), [
      'extradition-non-discrimination',
      'mla-dual-criminality',
      'mla-non-discrimination',
      'preservation-limited-grounds',
    ]);
    const ok = checkDecision(catalogue, {
      requestType: 'mla',
      transition: 'refuse',
      payload: REFUSAL(['mla-dual-criminality', 'mla-non-discrimination']),
      answers,
    });
    assert.ok(ok.ok);
    const unsupported = checkDecision(catalogue, {
      requestType: 'mla',
      transition: 'refuse',
      payload: REFUSAL(['mla-dual-criminality', 'mla-essential-interests']),
      answers,
    });
    assert.equal(!unsupported.ok && unsupported.reason, 'ground-not-a-concern');
    assert.deepEqual(
      !unsupported.ok && unsupported.reason === 'ground-not-a-concern' && unsupported.grounds,
      ['mla-essential-interests'],
    );
  });

  it('never lets a concern on fiscal matters or on a flag support a refusal', () => {
    const answers = allAnswered('mla', ['fiscal-matters', 'protected-expression', 'requesting-state-record']);
    assert.deepEqual(groundsSupported(catalogue, 'mla', answers), []);
    const check = checkDecision(catalogue, {
      requestType: 'mla',
      transition: 'refuse',
      payload: REFUSAL(['mla-essential-interests']),
      answers,
    });
    assert.equal(check.ok, false);
  });

  it('supports refusing a preservation on its limited grounds from a concern on essential interests', () => {
    const answers = allAnswered('preservation', ['essential-interests']);
    assert.ok(
      checkDecision(catalogue, {
        requestType: 'preservation',
        transition: 'refuse',
        payload: REFUSAL(['preservation-limited-grounds']),
        answers,
      }).ok,
    );
    assert.ok(
      checkDecision(catalogue, {
        requestType: 'preservation',
        transition: 'accept',
        payload: {},
        answers: [],
      }).ok,
    );
  });

  it('reminds a refusal because the person sought is a national of the duty to extradite or prosecute', () => {
    const nationality = allAnswered('extradition', ['extradition-nationality']);
    assert.deepEqual(dutiesOnRefusal(catalogue, 'extradition', nationality), ['extradition-nationals']);
    assert.deepEqual(groundsSupported(catalogue, 'extradition', nationality), [
      'extradition-requested-state-law',
    ]);
    // Another concern brings no such duty, nor does the nationality item answered "no concern".
    assert.deepEqual(
      dutiesOnRefusal(catalogue, 'extradition', allAnswered('extradition', ['non-discrimination'])),
      [],
    );
    assert.deepEqual(dutiesOnRefusal(catalogue, 'extradition', allAnswered('extradition')), []);
  });
});

describe('screening: automatic flags', () => {
  const offences = [
    { conventionArticle: 7, maximumPenaltyYears: 3 },
    { conventionArticle: 10, maximumPenaltyYears: 5 },
    { conventionArticle: 7, maximumPenaltyYears: 2 },
  ];

  it('flags dual criminality for the Convention offences cited that the law map has no provision for', () => {
    const flags = automaticFlags(catalogue, {
      requestType: 'stored-data',
      offences,
      coverage: new Set(['art-10']),
      record: NO_RECORD,
    });
    assert.deepEqual(flags, [{ itemId: 'dual-criminality', kind: 'dual-criminality', articles: [7] }]);
    const covered = automaticFlags(catalogue, {
      requestType: 'stored-data',
      offences,
      coverage: new Set(['art-7', 'art-10']),
      record: NO_RECORD,
    });
    assert.deepEqual(covered, []);
  });

  it('never flags dual criminality on a preservation', () => {
    const flags = automaticFlags(catalogue, {
      requestType: 'preservation',
      offences,
      coverage: new Set(),
      record: NO_RECORD,
    });
    assert.deepEqual(
      flags.filter((flag) => flag.kind === 'dual-criminality'),
      [],
    );
  });

  it('flags an offence that is neither a Convention offence nor, as stated, a serious crime', () => {
    const flags = automaticFlags(catalogue, {
      requestType: 'mla',
      offences: [
        { domesticProvision: 'Minor offence s. 1', maximumPenaltyYears: 1 },
        { description: 'Penalty not stated' },
        { domesticProvision: 'Fraud s. 2', maximumPenaltyYears: 4 },
        { domesticProvision: 'Murder s. 3', isLifeImprisonment: true },
        { conventionArticle: 12 },
      ],
      coverage: new Set(['art-12']),
      record: NO_RECORD,
    });
    assert.deepEqual(flags, [
      {
        itemId: 'outside-scope',
        kind: 'outside-scope',
        offences: ['Minor offence s. 1', 'Penalty not stated'],
      },
    ]);
  });

  it("flags the requesting State's record only when this node refused earlier requests from it", () => {
    const record = { state: 'FR', received: 4, refused: 2, groundCounts: { 'mla-dual-criminality': 2 } };
    assert.deepEqual(
      automaticFlags(catalogue, { requestType: 'mla', offences: [], coverage: new Set(), record }),
      [{ itemId: 'requesting-state-record', kind: 'requesting-state-record', record }],
    );
    assert.deepEqual(
      automaticFlags(catalogue, { requestType: 'mla', offences: [], coverage: new Set(), record: NO_RECORD }),
      [],
    );
  });

  it('lists the Convention offences the law map does not implement', () => {
    assert.deepEqual(
      uncoveredOffences(
        catalogue,
        new Set(['art-7', 'art-8', 'art-9', 'art-10', 'art-11', 'art-12', 'art-13']),
      ),
      ['art-14', 'art-15', 'art-16', 'art-17'],
    );
  });
});

describe("screening: what Comity's own checks propose where they raise no flag", () => {
  const convention = [{ conventionArticle: 7 }, { conventionArticle: 10 }, { conventionArticle: 7 }];

  it('proposes no concern on dual criminality when every offence is a Convention offence the law map covers', () => {
    const clearances = automaticClearances(catalogue, {
      requestType: 'stored-data',
      offences: convention,
      coverage: new Set(['art-7', 'art-10']),
      record: NO_RECORD,
    });
    assert.deepEqual(
      clearances.find((clearance) => clearance.kind === 'dual-criminality'),
      { itemId: 'dual-criminality', kind: 'dual-criminality', articles: [7, 10] },
    );
  });

  it('proposes nothing on dual criminality when an offence is not covered, or not a Convention offence', () => {
    const uncovered = automaticClearances(catalogue, {
      requestType: 'stored-data',
      offences: convention,
      coverage: new Set(['art-10']),
      record: NO_RECORD,
    });
    assert.equal(
      uncovered.some((clearance) => clearance.kind === 'dual-criminality'),
      false,
      'art. 7 has no provision: a flag, not a proposal',
    );
    const domestic = automaticClearances(catalogue, {
      requestType: 'stored-data',
      offences: [{ conventionArticle: 10 }, { domesticProvision: 'Fraud s. 2', maximumPenaltyYears: 5 }],
      coverage: new Set(['art-10']),
      record: NO_RECORD,
    });
    assert.equal(
      domestic.some((clearance) => clearance.kind === 'dual-criminality'),
      false,
      'the law map cannot answer for a domestic offence',
    );
  });

  it('proposes no concern on scope when every offence is a Convention offence or, as stated, a serious crime', () => {
    const clearances = automaticClearances(catalogue, {
      requestType: 'mla',
      offences: [{ conventionArticle: 12 }, { domesticProvision: 'Fraud s. 2', maximumPenaltyYears: 4 }],
      coverage: new Set(['art-12']),
      record: NO_RECORD,
    });
    assert.deepEqual(
      clearances.find((clearance) => clearance.kind === 'outside-scope'),
      { itemId: 'outside-scope', kind: 'outside-scope', articles: [12], seriousCrimes: ['Fraud s. 2'] },
    );
    const minor = automaticClearances(catalogue, {
      requestType: 'mla',
      offences: [{ domesticProvision: 'Minor offence s. 1', maximumPenaltyYears: 1 }],
      coverage: new Set(),
      record: NO_RECORD,
    });
    assert.equal(
      minor.some((clearance) => clearance.kind === 'outside-scope'),
      false,
      'flagged instead',
    );
  });

  it('proposes nothing about offences a request does not give', () => {
    const clearances = automaticClearances(catalogue, {
      requestType: 'mla',
      offences: [],
      coverage: new Set(['art-7']),
      record: NO_RECORD,
    });
    assert.deepEqual(
      clearances.map((clearance) => clearance.kind),
      ['requesting-state-record'],
    );
  });

  it("proposes no concern on the requesting State's record only when nothing from it was refused here", () => {
    const clean = automaticClearances(catalogue, {
      requestType: 'preservation',
      offences: convention,
      coverage: new Set(),
      record: { state: 'FR', received: 3, refused: 0, groundCounts: {} },
    });
    assert.deepEqual(
      clean.find((clearance) => clearance.kind === 'requesting-state-record'),
      { itemId: 'requesting-state-record', kind: 'requesting-state-record', state: 'FR', received: 3 },
    );
    assert.equal(
      clean.some((clearance) => clearance.kind === 'dual-criminality'),
      false,
      'no dual criminality item on a preservation',
    );
    const refused = automaticClearances(catalogue, {
      requestType: 'preservation',
      offences: convention,
      coverage: new Set(),
      record: { state: 'FR', received: 3, refused: 1, groundCounts: { 'essential-interests': 1 } },
    });
    assert.equal(
      refused.some((clearance) => clearance.kind === 'requesting-state-record'),
      false,
    );
    const unknownState = automaticClearances(catalogue, {
      requestType: 'preservation',
      offences: convention,
      coverage: new Set(),
      record: { state: null, received: 0, refused: 0, groundCounts: {} },
    });
    assert.equal(
      unknownState.some((clearance) => clearance.kind === 'requesting-state-record'),
      false,
    );
  });
});

describe('screening: an answer given before what Comity found changed', () => {
  const art7 = [
    { conventionArticle: 7, domesticProvision: 'Code pénal, art. 323-1', maximumPenaltyYears: 3 },
  ];
  const keysWith = (record: RequestingStateRecord, coverage: string[] = ['art-7']) =>
    findingKeysOf(
      catalogue,
      'stored-data',
      automaticFlags(catalogue, {
        requestType: 'stored-data',
        offences: art7,
        coverage: new Set(coverage),
        record,
      }),
    );

  it('keys each automatic item by its finding, leaving out how many requests the State sent', () => {
    const clear = keysWith(NO_RECORD);
    assert.deepEqual(Object.keys(clear).sort(), [
      'dual-criminality',
      'outside-scope',
      'requesting-state-record',
    ]);
    assert.equal(clear['requesting-state-record'], 'clear');
    assert.deepEqual(
      keysWith({ ...NO_RECORD, received: 12 }),
      clear,
      'more requests received change nothing',
    );
    const refusedOnce = keysWith({
      ...NO_RECORD,
      received: 3,
      refused: 1,
      groundCounts: { 'mla-dual-criminality': 1 },
    });
    assert.notEqual(refusedOnce['requesting-state-record'], clear['requesting-state-record']);
    assert.equal(refusedOnce['dual-criminality'], clear['dual-criminality']);
    const uncovered = keysWith(NO_RECORD, []);
    assert.notEqual(uncovered['dual-criminality'], clear['dual-criminality'], 'the law map changed');
  });

  it('finds outdated the answered items whose key changed, none for a checklist saved before keys were kept', () => {
    const answers = allAnswered('stored-data');
    const before = keysWith(NO_RECORD);
    const now = keysWith({ ...NO_RECORD, refused: 1, groundCounts: { 'mla-dual-criminality': 1 } });
    assert.deepEqual(outdatedItems(answers, before, before), []);
    assert.deepEqual(outdatedItems(answers, before, now), ['requesting-state-record']);
    assert.deepEqual(outdatedItems(answers, null, now), []);
    assert.deepEqual(outdatedItems(answers, 'not an object', now), []);
    // An item not answered is missing, not outdated.
    const partial = answers.filter((answer) => answer.itemId !== 'requesting-state-record');
    assert.deepEqual(outdatedItems(partial, before, now), []);
  });

  it('refuses a gated decision while an answer is outdated, naming the item; a complete checklist comes first', () => {
    const answers = allAnswered('stored-data');
    const outdated = checkDecision(catalogue, {
      requestType: 'stored-data',
      transition: 'accept',
      payload: {},
      answers,
      outdated: ['requesting-state-record'],
    });
    assert.equal(outdated.ok, false);
    assert.equal(outdated.ok ? undefined : outdated.reason, 'checklist-outdated');
    const incomplete = checkDecision(catalogue, {
      requestType: 'stored-data',
      transition: 'accept',
      payload: {},
      answers: [],
      outdated: ['requesting-state-record'],
    });
    assert.equal(incomplete.ok ? undefined : incomplete.reason, 'checklist-incomplete');
    // A transition the checklist does not gate passes.
    assert.ok(
      checkDecision(catalogue, {
        requestType: 'stored-data',
        transition: 'acknowledge',
        payload: {},
        answers,
        outdated: ['requesting-state-record'],
      }).ok,
    );
  });
});
