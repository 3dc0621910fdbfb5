/**
 * The checks a lawyer reads against the treaty, run on the real catalogue (each rule's severity,
 * citation and words are data): where preservation is asked (Art. 42(1)), what counts as an answer
 * (Art. 42(3)(d) and (f)), the preservation period (Art. 42(8)), what is an offence (Arts. 7 to 17),
 * dates that cannot be right, what a request for the service of documents needs, and that a
 * preservation finding cites Art. 42.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { directoryViewOf } from '../../src/core/directory/directory-view.ts';
import { type RequestContent, RequestContentSchema } from '../../src/core/request/draft.ts';
import type { Finding } from '../../src/core/validation/finding.ts';
import {
  isReady,
  type ValidateDraftOptions,
  validateDraft,
} from '../../src/core/validation/validate-draft.ts';
import { loadCatalogue } from '../../src/data/catalogue/index.ts';
import { localized } from '../helpers/catalogue-fixture.ts';

const catalogue = loadCatalogue();

const directory = directoryViewOf(
  (
    [
      ['FR', 'France', ['fr', 'en']],
      ['GB', 'United Kingdom', ['en']],
      ['DE', 'Germany', ['de', 'en']],
    ] as const
  ).map(([code, name, acceptedLanguages]) => ({
    code,
    kind: 'state' as const,
    names: localized(name),
    acceptedLanguages,
    timeZone: undefined,
  })),
);

/** The documented complete preservation request: GB asks France. */
function preservationDraft(): RequestContent {
  const file = path.join(import.meta.dirname, '..', '..', 'docs', 'examples', 'preservation-draft.json');
  return RequestContentSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

/** A request for mutual assistance complete but for what the tests vary. */
function mlaDraft(changes: Partial<RequestContent> = {}): RequestContent {
  const preservation = preservationDraft();
  return {
    type: 'mla',
    requestingAuthority: preservation.requestingAuthority,
    requestedAuthority: { state: 'FR', name: 'Ministry of Justice' },
    subjectMatter: 'Fraud investigation.',
    conductingAuthority: { name: 'National Crime Agency' },
    offences: preservation.offences,
    summaryOfFacts: 'Invoices were forged.',
    persons: [{ role: 'witness', name: 'A. Witness' }],
    assistanceSought: 'Serve a summons on a witness.',
    purpose: 'To hear the witness at trial.',
    language: 'en',
    ...changes,
  };
}

const NOW = '2026-12-11T10:00:00Z';
const TODAY = '2026-12-11';

function validate(
  draft: RequestContent,
  options: ValidateDraftOptions = { today: TODAY, now: NOW },
): Finding[] {
  return validateDraft(draft, catalogue, directory, 'en', options);
}

function findingsOf(findings: readonly Finding[], rule: string): Finding[] {
  return findings.filter((finding) => finding.rule === rule);
}

describe('the complete example preservation request', () => {
  it('is ready, with no finding at all', () => {
    assert.deepEqual(validate(preservationDraft()), []);
  });
});

describe('preservation: the data or its custodian in the requested State (Art. 42(1))', () => {
  it('reports a request to France for data held by a provider in Germany', () => {
    const draft = preservationDraft();
    draft.custodian = { ...draft.custodian, state: 'DE' };
    const [finding, ...others] = findingsOf(validate(draft), 'custodian-outside-requested-state');
    assert.equal(others.length, 0);
    assert.equal(finding?.severity, 'warning');
    assert.equal(finding?.article, 'Art. 42(1)');
    assert.equal(finding?.element, 'custodian.state');
    assert.match(finding?.message ?? '', /DE.*FR/);
  });

  it('says nothing when the custodian is in the requested State, or is not known', () => {
    const draft = preservationDraft();
    draft.custodian = { ...draft.custodian, state: 'fr' };
    assert.deepEqual(findingsOf(validate(draft), 'custodian-outside-requested-state'), []);
    draft.custodian = { state: 'DE', isUnknown: true };
    assert.deepEqual(findingsOf(validate(draft), 'custodian-outside-requested-state'), []);
  });
});

describe('preservation: answers that are not missing elements (Art. 42(3)(d), (f))', () => {
  it('takes "custodian not known" as the information available', () => {
    const draft = preservationDraft();
    draft.custodian = { isUnknown: true };
    assert.deepEqual(validate(draft), []);
    draft.custodian = {};
    const missing = validate(draft).filter((finding) => finding.element === 'custodian');
    assert.deepEqual(
      missing.map((finding) => [finding.rule, finding.article]),
      [['required-element-missing', 'Art. 42(3)(d)']],
    );
  });

  it('takes "no intent to follow up" as an answer, and asks only when nothing is said', () => {
    const draft = preservationDraft();
    draft.intendsFollowUpRequest = false;
    assert.deepEqual(validate(draft), []);
    delete draft.intendsFollowUpRequest;
    assert.deepEqual(
      validate(draft).map((finding) => [finding.rule, finding.element, finding.article]),
      [['required-element-missing', 'intent-to-request-assistance', 'Art. 42(3)(f)']],
    );
  });
});

describe('preservation period (Art. 42(8))', () => {
  const withDays = (days: number) => validate({ ...preservationDraft(), preservationDays: days });

  it('warns, without blocking, about fewer than 60 days: the minimum binds the requested State', () => {
    const findings = withDays(30);
    assert.deepEqual(
      findings.map((finding) => [finding.rule, finding.severity, finding.article]),
      [['preservation-period-too-short', 'warning', 'Art. 42(8)']],
    );
    assert.match(findings[0]?.message ?? '', /30 days.*60 days/);
    assert.equal(isReady(findings), true);
  });

  it('warns about an implausibly long period', () => {
    assert.deepEqual(withDays(365), []);
    assert.deepEqual(
      withDays(3650).map((finding) => [finding.rule, finding.severity]),
      [['preservation-period-too-long', 'warning']],
    );
  });

  it('blocks zero and negative periods as invalid', () => {
    for (const days of [0, -10]) {
      const findings = withDays(days);
      assert.deepEqual(
        findings.map((finding) => [finding.rule, finding.severity, finding.article]),
        [['preservation-period-invalid', 'blocking', 'Art. 42(8)']],
        `${days} days`,
      );
      assert.equal(isReady(findings), false);
    }
    assert.deepEqual(withDays(60), []);
  });
});

describe('offences: only Arts. 7 to 17 establish offences', () => {
  it('blocks another article cited as an offence, saying so', () => {
    const draft = preservationDraft();
    draft.offences = [
      { conventionArticle: 42, domesticProvision: 'Fraud Act 2006, s. 2', maximumPenaltyYears: 10 },
    ];
    const [finding, ...others] = findingsOf(validate(draft), 'offence-not-a-convention-offence');
    assert.equal(others.length, 0);
    assert.equal(finding?.severity, 'blocking');
    assert.equal(finding?.element, 'offences[0].conventionArticle');
    assert.match(finding?.message ?? '', /Art\. 42 establishes no offence.*Arts\. 7 to 17/);
  });

  it('hints that an untagged offence may be a Convention offence when nothing else brings it in scope', () => {
    const draft = preservationDraft();
    draft.offences = [{ domesticProvision: 'Computer Misuse Act 1990, s. 1', maximumPenaltyYears: 2 }];
    const hints = findingsOf(validate(draft), 'offence-article-untagged');
    assert.deepEqual(
      hints.map((finding) => [finding.severity, finding.element]),
      [['warning', 'offences[0].conventionArticle']],
    );
    assert.match(hints[0]?.message ?? '', /Computer Misuse Act 1990, s\. 1.*Arts\. 7 to 17/);
    draft.offences = [{ conventionArticle: 7, domesticProvision: 'Computer Misuse Act 1990, s. 1' }];
    assert.deepEqual(validate(draft), []);
  });
});

describe('dates that cannot be right (the clock is passed in)', () => {
  it('blocks an identifier observed after now, in any notation, and only with a clock', () => {
    const draft = preservationDraft();
    const ip = draft.identifiers?.[1];
    assert.ok(ip);
    ip.observedAt = '2026-12-11T12:00:00+01:00';
    const [finding] = findingsOf(validate(draft), 'observation-time-in-future');
    assert.equal(finding?.severity, 'blocking');
    assert.equal(finding?.element, 'identifiers[1].observedAt');
    ip.observedAt = '2026-12-11T10:30:00+01:00';
    assert.deepEqual(findingsOf(validate(draft), 'observation-time-in-future'), []);
    ip.observedAt = '2026-12-13T09:00';
    ip.timeZone = 'Europe/Paris';
    assert.equal(findingsOf(validate(draft), 'observation-time-in-future').length, 1);
    assert.deepEqual(findingsOf(validate(draft, {}), 'observation-time-in-future'), []);
  });

  it('warns about a suggested deadline already past', () => {
    const draft = mlaDraft({ suggestedDeadline: { date: '2026-12-10', reasons: 'Trial date.' } });
    const [finding] = findingsOf(validate(draft), 'deadline-already-past');
    assert.equal(finding?.severity, 'warning');
    // Its dates written as the form shows them to its reader, not as stored.
    assert.match(finding?.message ?? '', /10 Dec 2026.*11 Dec 2026/);
    const [french] = findingsOf(
      validateDraft(draft, catalogue, directory, 'fr', { today: TODAY, now: NOW }),
      'deadline-already-past',
    );
    assert.match(french?.message ?? '', /10 déc\. 2026/);
    draft.suggestedDeadline = { date: TODAY, reasons: 'Trial date.' };
    assert.deepEqual(findingsOf(validate(draft), 'deadline-already-past'), []);
  });

  it('blocks a date of something already done that lies ahead, citing its element for the type', () => {
    const extradition: RequestContent = {
      type: 'extradition',
      language: 'en',
      persons: [
        { role: 'person-sought', name: 'J. Doe', dateOfBirth: '2031-03-12' },
        { role: 'witness', name: 'A. Witness', dateOfBirth: '1980-01-01' },
      ],
      extradition: { warrant: { kind: 'arrest-warrant', date: '2030-01-01' } },
    };
    const found = findingsOf(validate(extradition), 'past-date-in-future');
    assert.deepEqual(
      found.map((finding) => [finding.element, finding.severity, finding.article]),
      [
        ['persons[0].dateOfBirth', 'blocking', 'Art. 37'],
        ['extradition.warrant.date', 'blocking', 'Art. 37'],
      ],
    );
    assert.match(found[0]?.message ?? '', /^The date 12 Mar 2031 is in the future/);
    // Today is not ahead, nor is tomorrow (today in a zone east of UTC), the day after is; without a
    // clock nothing is checked.
    const warrantOn = (date: string) =>
      findingsOf(
        validate({ ...extradition, extradition: { warrant: { date } }, persons: [] }),
        'past-date-in-future',
      );
    assert.deepEqual(warrantOn(TODAY), []);
    assert.deepEqual(warrantOn('2026-12-12'), []);
    assert.equal(warrantOn('2026-12-13').length, 1);
    assert.deepEqual(findingsOf(validate(extradition, {}), 'past-date-in-future'), []);
    // A validating authority's decision, cited as a preservation cites that element (Art. 42).
    const preservation = preservationDraft();
    preservation.validatingAuthority = { name: 'Juge des libertés', decisionDate: '2027-01-05' };
    const [decision] = findingsOf(validate(preservation), 'past-date-in-future');
    assert.deepEqual([decision?.element, decision?.article], ['validatingAuthority.decisionDate', 'Art. 42']);
    // A field of an element the type does not list cites the type's article, not extradition's.
    const police: RequestContent = {
      type: 'police-cooperation',
      language: 'en',
      persons: [{ role: 'suspect', name: 'R. Doe', dateOfBirth: '2031-01-01' }],
    };
    assert.deepEqual(
      findingsOf(validate(police), 'past-date-in-future').map((finding) => finding.article),
      ['Art. 47'],
    );
  });
});

describe('a period that ends before it starts', () => {
  it('is blocked at its end, cited as the period is for the type', () => {
    const reversed = { from: '2026-11-02', to: '2026-11-01' };
    const cases: Array<readonly [RequestContent, string, string]> = [
      [mlaDraft({ dataSought: { period: reversed } }), 'dataSought.period.to', 'Art. 40(15)(f)'],
      [{ type: 'interception', collectionPeriod: reversed }, 'collectionPeriod.to', 'Art. 46'],
      [{ type: 'real-time-traffic', collectionPeriod: reversed }, 'collectionPeriod.to', 'Art. 45'],
      [
        { type: 'joint-investigation', jointInvestigation: { period: reversed } },
        'jointInvestigation.period.to',
        'Art. 48',
      ],
      [{ ...preservationDraft(), dataSought: { period: reversed } }, 'dataSought.period.to', 'Art. 42'],
    ];
    for (const [draft, element, article] of cases) {
      const found = findingsOf(validate(draft), 'period-reversed');
      assert.deepEqual(
        found.map((finding) => [finding.element, finding.severity, finding.article]),
        [[element, 'blocking', article]],
        draft.type,
      );
      assert.equal(
        found[0]?.message,
        'The period ends on 1 Nov 2026, before it starts on 2 Nov 2026: correct one of the two dates.',
      );
      assert.deepEqual(findingsOf(validate(draft), 'date-invalid'), [], draft.type);
    }
  });
});

describe('extradition: provisional arrest is for urgent cases (Art. 37)', () => {
  const sought = (urgency: RequestContent['urgency']): RequestContent => ({
    type: 'extradition',
    language: 'en',
    persons: [{ role: 'person-sought', name: 'J. Doe' }],
    extradition: { isProvisionalArrestSought: true },
    ...(urgency ? { urgency } : {}),
  });
  const provisional = (draft: RequestContent) =>
    findingsOf(validate(draft), 'provisional-arrest-not-urgent').map((finding) => [
      finding.element,
      finding.severity,
      finding.article,
    ]);

  it('warns at the urgency level when the request is routine or says nothing of urgency', () => {
    for (const urgency of [undefined, { level: 'routine' as const, justification: 'Flight risk.' }]) {
      assert.deepEqual(provisional(sought(urgency)), [['urgency.level', 'warning', 'Art. 37']]);
    }
    const [finding] = findingsOf(validate(sought(undefined)), 'provisional-arrest-not-urgent');
    assert.match(
      finding?.message ?? '',
      /^Provisional arrest is sought, but the request does not say it is urgent/,
    );
  });

  it('warns at the reason when the request is urgent but does not say why', () => {
    assert.deepEqual(provisional(sought({ level: 'urgent', justification: '  ' })), [
      ['urgency.justification', 'warning', 'Art. 37'],
    ]);
  });

  it('leaves an emergency without its reason to the finding that already blocks it', () => {
    const emergency = validate(sought({ level: 'emergency' }));
    assert.deepEqual(findingsOf(emergency, 'provisional-arrest-not-urgent'), []);
    assert.equal(findingsOf(emergency, 'emergency-justification-missing').length, 1);
  });

  it('is satisfied by an urgent request with its reason, and silent when no provisional arrest is sought', () => {
    assert.deepEqual(
      provisional(sought({ level: 'urgent', justification: 'The person leaves on Friday.' })),
      [],
    );
    assert.deepEqual(
      provisional({ ...sought(undefined), extradition: { isProvisionalArrestSought: false } }),
      [],
    );
    assert.deepEqual(provisional({ ...sought(undefined), type: 'mla' }), []);
  });
});

describe('mutual assistance: what a request needs depends on what it asks (Art. 40(15))', () => {
  it('does not ask a request for the service of documents for a summary of facts', () => {
    const served = mlaDraft({ assistanceKinds: ['service-of-documents'] });
    delete served.summaryOfFacts;
    assert.deepEqual(validate(served), []);
    const evidence = { ...served, assistanceKinds: ['service-of-documents', 'evidence'] as const };
    assert.deepEqual(
      validate({ ...evidence, assistanceKinds: [...evidence.assistanceKinds] }).map(
        (finding) => finding.element,
      ),
      ['summary-of-facts'],
    );
  });

  it('asks for a data period only where data is sought', () => {
    assert.deepEqual(validate(mlaDraft()), []);
    assert.deepEqual(
      validate(mlaDraft({ assistanceKinds: ['data'] })).map((finding) => [finding.element, finding.severity]),
      [['data-period', 'warning']],
    );
  });
});

describe('a preservation finding cites Art. 42', () => {
  it('cites Art. 42, never the mutual-assistance paragraphs of Art. 40', () => {
    const draft: RequestContent = {
      type: 'preservation',
      requestedAuthority: { state: 'XX' },
      language: 'xx',
      dataSought: { period: { from: '2026-02-30', to: '2026-03-01' } },
      confidentiality: { isRequired: true },
      suggestedDeadline: { date: '2026-01-01' },
    };
    const findings = validate(draft);
    const citations = new Map(findings.map((finding) => [finding.rule, finding.article]));
    assert.equal(citations.get('requested-state-unknown'), 'Art. 42(1)');
    assert.equal(citations.get('date-invalid'), 'Art. 42(3)(c)');
    assert.equal(citations.get('confidentiality-without-end'), 'Art. 42(3)(g)');
    assert.equal(citations.get('deadline-without-reasons'), 'Art. 42');
    assert.equal(citations.get('deadline-already-past'), 'Art. 42');
    const language = validate({ ...preservationDraft(), language: 'es' }).find(
      (finding) => finding.rule === 'language-not-accepted',
    );
    assert.equal(language?.article, 'Art. 42');
    for (const finding of [...findings, ...validate({ type: 'preservation' })]) {
      assert.doesNotMatch(finding.article, /^Art\. 40\b/, `${finding.rule} cites ${finding.article}`);
    }
  });
});

describe('rule provenance', () => {
  it('says of every rule whether it is treaty text or Comity practice, and verifies only checked text', () => {
    for (const rule of catalogue.rules) {
      assert.ok(['treaty', 'practice'].includes(rule.provenance.basis), rule.id);
      if (rule.provenance.verified) {
        assert.equal(rule.provenance.basis, 'treaty', `${rule.id}: practice cannot be verified treaty text`);
        assert.ok(rule.provenance.sources.includes('S3'), `${rule.id}: verified without the authentic text`);
        assert.ok(rule.article <= 15, `${rule.id}: only Arts. 1-15 were checked against an authentic text`);
      }
    }
    const practice = [
      'preservation-period-too-long',
      'preservation-period-invalid',
      'offence-article-untagged',
      'observation-time-in-future',
      'deadline-already-past',
      'past-date-in-future',
    ];
    for (const id of practice) {
      const rule = catalogue.rules.find((entry) => entry.id === id);
      assert.equal(rule?.provenance.basis, 'practice', id);
      assert.match(rule?.explanation.en ?? '', /Comity’s practice|a positive number/, id);
    }
  });
});
