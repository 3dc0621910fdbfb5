import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { REQUEST_TYPE_IDS, type RequestContent, type RequestTypeId } from '../../src/core/request/draft.ts';
import { type ActingAs, asRole, bearerAs } from '../helpers/auth.ts';
import { json, startTestApp, type TestApp } from '../helpers/app.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';

type Finding = {
  severity: 'blocking' | 'warning';
  element: string;
  article: string;
  message: string;
  rule: string;
};
type RequestView = {
  id: string;
  type: RequestTypeId;
  status: string;
  revision: number;
  caseReference: string | null;
  requestedState: string | null;
  content: RequestContent;
  createdBy: { id: string; username: string };
  createdAt: string;
  updatedAt: string;
};
type Saved = { request: RequestView; findings: Finding[]; isReady: boolean };
type Problem = { type: string; status: number; errors?: { path?: string; message: string }[] };

/** What the list answers when the caller may read no request. */
const EMPTY_LIST = { items: [], nextCursor: null, openCount: 0 };

/** What every request type shares: authorities, offence, facts, language. */
const COMMON = {
  requestingAuthority: { state: 'FR', name: 'Parquet de Paris, section cyber', contact: 'cyber@example.org' },
  requestedAuthority: { state: 'DE', name: 'Bundesamt für Justiz' },
  caseReference: 'CYB-2026-0042',
  subjectMatter: 'Investigation into ransomware attacks on hospitals',
  conductingAuthority: { name: 'Juge d’instruction, pôle cyber', functions: 'investigating judge' },
  offences: [
    {
      conventionArticle: 7,
      domesticProvision: 'Code pénal, art. 323-1',
      maximumPenaltyYears: 5,
      description: 'Illegal access to hospital systems',
    },
  ],
  summaryOfFacts: 'Between March and May 2026 the hospitals were encrypted by ransomware.',
  persons: [{ role: 'suspect', name: 'Unknown operator', description: 'Operates the ransomware panel' }],
  identifiers: [{ kind: 'email', value: 'operator@example.net' }],
  language: 'de',
  urgency: { level: 'routine' },
} satisfies Partial<RequestContent>;

/** One plausible draft per request type, with the type's own elements. */
const SAMPLE_CONTENT: Readonly<Record<RequestTypeId, RequestContent>> = {
  preservation: {
    ...COMMON,
    type: 'preservation',
    dataSought: {
      categories: ['subscriber', 'traffic'],
      description: 'Subscriber and traffic data of the e-mail account',
      relationToOffence: 'The account received the ransom payments notices',
    },
    custodian: { name: 'Mail provider GmbH', kind: 'service-provider', state: 'DE' },
    necessity: 'The provider deletes logs after 30 days',
    intendsFollowUpRequest: true,
    preservationDays: 90,
  },
  'traffic-disclosure': {
    ...COMMON,
    type: 'traffic-disclosure',
    relatedRequest: { reference: 'PRES-2026-0007', type: 'preservation' },
    dataSought: {
      categories: ['traffic'],
      description: 'Traffic data showing the path of the communication',
    },
  },
  'stored-data': {
    ...COMMON,
    type: 'stored-data',
    assistanceSought: 'Production of the stored content of the account',
    purpose: 'To identify the operator',
    dataSought: {
      categories: ['content'],
      description: 'Stored e-mails',
      period: { from: '2026-03-01', to: '2026-05-31' },
    },
    custodian: { name: 'Mail provider GmbH', kind: 'service-provider', state: 'DE' },
  },
  'real-time-traffic': {
    ...COMMON,
    type: 'real-time-traffic',
    dataSought: { categories: ['traffic'], relationToOffence: 'The account is used to negotiate ransoms' },
    necessity: 'No other means identifies the operator',
    collectionPeriod: { from: '2026-12-01', to: '2026-12-31', justification: 'One negotiation cycle' },
  },
  interception: {
    ...COMMON,
    type: 'interception',
    dataSought: { categories: ['content'], relationToOffence: 'The account is used to negotiate ransoms' },
    necessity: 'No other means identifies the operator',
    collectionPeriod: { from: '2026-12-01', to: '2026-12-31', justification: 'One negotiation cycle' },
  },
  mla: {
    ...COMMON,
    type: 'mla',
    assistanceSought: 'Hearing of a witness',
    procedureWished: 'Hearing by videoconference',
    purpose: 'To establish the timeline of the attack',
  },
  extradition: {
    ...COMMON,
    type: 'extradition',
    persons: [{ role: 'person-sought', name: 'Jane Roe', dateOfBirth: '1990-01-01', nationality: 'DE' }],
    extradition: {
      warrant: {
        kind: 'arrest-warrant',
        reference: 'MA-2026-15',
        issuedBy: 'Juge d’instruction',
        date: '2026-06-01',
      },
    },
  },
  'spontaneous-information': {
    ...COMMON,
    type: 'spontaneous-information',
    information: {
      description: 'A server in your territory hosts the panel',
      conditionsOfUse: 'Intelligence only',
    },
  },
  'police-cooperation': {
    ...COMMON,
    type: 'police-cooperation',
    purpose: 'Identify the operator',
    information: { description: 'Request for police records on the e-mail address' },
  },
  'joint-investigation': {
    ...COMMON,
    type: 'joint-investigation',
    jointInvestigation: {
      participatingStates: ['FR', 'DE'],
      period: { from: '2027-01-01', to: '2027-12-31' },
      legalBasis: 'Agreement to be concluded',
    },
    purpose: 'Dismantle the ransomware group',
    assistanceSought: 'A joint investigation team',
  },
  confiscation: {
    ...COMMON,
    type: 'confiscation',
    confiscation: {
      measure: 'freeze-seize',
      property: [
        {
          description: 'Bank account DE00 1234',
          location: 'Berlin',
          estimatedValue: 250000,
          currency: 'EUR',
        },
      ],
    },
  },
};

function problemOf(response: LightMyRequestResponse): Problem {
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/, response.body);
  return json<Problem>(response);
}

function assertProblem(response: LightMyRequestResponse, status: number, code: string): Problem {
  assert.equal(response.statusCode, status, response.body);
  const problem = problemOf(response);
  assert.equal(problem.type, `urn:comity:problem:${code}`);
  return problem;
}

for (const target of DATABASE_TARGETS) {
  describe(`requests (drafts) API [${target.name}]`, { skip: target.skip }, () => {
    let subject: TestApp;
    let officerA: ActingAs;
    let officerB: ActingAs;
    let supervisor: ActingAs;
    let auditor: ActingAs;
    let custodian: ActingAs;
    let dutyOfficer: ActingAs;

    before(async () => {
      subject = await startTestApp(target);
      officerA = await bearerAs(subject, 'officer');
      officerB = await asRole(subject, 'officer'); // cookie session with CSRF token
      supervisor = await bearerAs(subject, 'supervisor');
      auditor = await bearerAs(subject, 'auditor');
      custodian = await bearerAs(subject, 'evidence-custodian');
      dutyOfficer = await bearerAs(subject, 'duty-officer');
    });
    after(async () => subject?.close());

    const call = (
      as: ActingAs | undefined,
      method: 'GET' | 'POST' | 'PUT' | 'DELETE',
      url: string,
      payload?: unknown,
      headers: Record<string, string> = {},
    ) =>
      subject.app.inject({
        method,
        url,
        headers: { ...(as?.headers ?? {}), ...headers },
        ...(payload === undefined ? {} : { payload: payload as object }),
      });

    async function createAs(as: ActingAs, content: RequestContent): Promise<Saved> {
      const response = await call(as, 'POST', '/api/v1/requests', content);
      assert.equal(response.statusCode, 201, response.body);
      return json<Saved>(response);
    }

    async function readAs(as: ActingAs, id: string): Promise<Saved> {
      const response = await call(as, 'GET', `/api/v1/requests/${id}`);
      assert.equal(response.statusCode, 200, response.body);
      return json<Saved>(response);
    }

    for (const type of REQUEST_TYPE_IDS) {
      it(`creates, reads, updates and deletes a ${type} draft`, async () => {
        const content = SAMPLE_CONTENT[type];
        const createdResponse = await call(officerA, 'POST', '/api/v1/requests', content);
        assert.equal(createdResponse.statusCode, 201, createdResponse.body);
        const created = json<Saved>(createdResponse);
        assert.equal(created.request.type, type);
        assert.equal(created.request.status, 'draft');
        assert.equal(created.request.revision, 1);
        assert.equal(created.request.createdBy.id, officerA.userId);
        assert.equal(created.request.caseReference, 'CYB-2026-0042');
        assert.equal(created.request.requestedState, 'DE');
        assert.deepEqual(created.request.content, content);
        assert.ok(Array.isArray(created.findings));
        assert.equal(created.isReady, !created.findings.some((f) => f.severity === 'blocking'));
        assert.equal(createdResponse.headers.location, `/api/v1/requests/${created.request.id}`);
        const id = created.request.id;

        const read = await readAs(officerA, id);
        assert.deepEqual(read.request, created.request);
        assert.deepEqual(read.findings, created.findings);

        const changed: RequestContent = {
          ...content,
          caseReference: 'CYB-2026-0043',
          requestedAuthority: { state: 'it' },
        };
        const updatedResponse = await call(officerA, 'PUT', `/api/v1/requests/${id}`, changed, {
          'if-match': '"1"',
        });
        assert.equal(updatedResponse.statusCode, 200, updatedResponse.body);
        const updated = json<Saved>(updatedResponse);
        assert.equal(updated.request.revision, 2);
        assert.equal(updated.request.caseReference, 'CYB-2026-0043');
        assert.equal(updated.request.requestedState, 'IT');
        assert.deepEqual(updated.request.content, changed);
        assert.equal(updated.request.createdAt, created.request.createdAt);
        assert.deepEqual((await readAs(officerA, id)).request, updated.request);

        const findingsResponse = await call(officerA, 'GET', `/api/v1/requests/${id}/findings`);
        assert.equal(findingsResponse.statusCode, 200);
        assert.deepEqual(json(findingsResponse), { findings: updated.findings, isReady: updated.isReady });

        const deleted = await call(officerA, 'DELETE', `/api/v1/requests/${id}`);
        assert.equal(deleted.statusCode, 204);
        assert.equal(deleted.body, '');
        assertProblem(await call(officerA, 'GET', `/api/v1/requests/${id}`), 404, 'not-found');
        assertProblem(await call(officerA, 'DELETE', `/api/v1/requests/${id}`), 404, 'not-found');
      });
    }

    it('lists only the actor’s own drafts, most recent first, filtered by type', async () => {
      const officer = await bearerAs(subject, 'officer');
      const first = await createAs(officer, SAMPLE_CONTENT.mla);
      const second = await createAs(officer, SAMPLE_CONTENT.preservation);
      await createAs(officerB, SAMPLE_CONTENT.mla);

      const listed = json<{ items: (Omit<RequestView, 'content'> & { content?: unknown })[] }>(
        await call(officer, 'GET', '/api/v1/requests'),
      );
      assert.deepEqual(
        listed.items.map((item) => item.id).sort(),
        [first.request.id, second.request.id].sort(),
      );
      const times = listed.items.map((item) => Date.parse(item.updatedAt));
      assert.deepEqual(
        times,
        [...times].sort((a, b) => b - a),
      );
      assert.equal(listed.items[0]?.content, undefined);
      assert.equal(listed.items[0]?.caseReference, 'CYB-2026-0042');

      const onlyMla = json<{ items: { id: string }[] }>(
        await call(officer, 'GET', '/api/v1/requests?type=mla'),
      );
      assert.deepEqual(
        onlyMla.items.map((item) => item.id),
        [first.request.id],
      );
      assertProblem(await call(officer, 'GET', '/api/v1/requests?type=nonsense'), 400, 'invalid-input');
    });

    it('validates a content without storing it', async () => {
      const officer = await bearerAs(subject, 'officer');
      const response = await call(officer, 'POST', '/api/v1/validate', { type: 'preservation' });
      assert.equal(response.statusCode, 200, response.body);
      const report = json<{ findings: Finding[]; isReady: boolean }>(response);
      assert.equal(report.isReady, false);
      assert.ok(report.findings.some((f) => f.severity === 'blocking'));
      assert.deepEqual(json(await call(officer, 'GET', '/api/v1/requests')), EMPTY_LIST);
      // Anyone signed in may validate, even without request:draft.
      assert.equal((await call(custodian, 'POST', '/api/v1/validate', SAMPLE_CONTENT.mla)).statusCode, 200);
      assertProblem(
        await call(undefined, 'POST', '/api/v1/validate', SAMPLE_CONTENT.mla),
        401,
        'unauthenticated',
      );
    });

    it('reports a bare preservation draft as not ready, with blocking findings citing the Convention', async () => {
      const created = await createAs(officerA, { type: 'preservation' });
      assert.equal(created.isReady, false);
      const blocking = created.findings.filter((f) => f.severity === 'blocking');
      assert.ok(blocking.length > 0);
      for (const finding of blocking) {
        assert.match(finding.article, /^Art\. \d+/);
        assert.ok(finding.message.length > 0);
        assert.ok(finding.rule.length > 0);
      }
      assert.ok(blocking.some((f) => f.element === 'preservation-period'));
    });

    it('reports a complete preservation draft as ready', async () => {
      const response = await call(officerA, 'POST', '/api/v1/validate', SAMPLE_CONTENT.preservation);
      const report = json<{ findings: Finding[]; isReady: boolean }>(response);
      assert.deepEqual(
        report.findings.filter((f) => f.severity === 'blocking'),
        [],
      );
      assert.equal(report.isReady, true);
    });

    it('writes findings in the language of ?lang=, else of Accept-Language', async () => {
      const created = await createAs(officerA, { type: 'preservation' });
      const id = created.request.id;
      const english = created.findings.map((f) => f.message);
      const french = json<Saved>(await call(officerA, 'GET', `/api/v1/requests/${id}?lang=fr`)).findings;
      assert.deepEqual(
        french.map((f) => f.rule),
        created.findings.map((f) => f.rule),
      );
      const frenchMessages = french.map((f) => f.message);
      assert.notDeepEqual(frenchMessages, english);
      assert.ok(frenchMessages.every((message, index) => message !== english[index]));

      const byHeader = json<{ findings: Finding[] }>(
        await call(officerA, 'GET', `/api/v1/requests/${id}/findings`, undefined, {
          'accept-language': 'fr-FR,fr;q=0.9',
        }),
      );
      assert.deepEqual(
        byHeader.findings.map((f) => f.message),
        frenchMessages,
      );
      const queryWins = json<{ findings: Finding[] }>(
        await call(officerA, 'GET', `/api/v1/requests/${id}/findings?lang=fr`, undefined, {
          'accept-language': 'es',
        }),
      );
      assert.deepEqual(
        queryWins.findings.map((f) => f.message),
        frenchMessages,
      );
      const onCreate = json<Saved>(
        await call(officerA, 'POST', '/api/v1/requests?lang=fr', { type: 'preservation' }),
      );
      assert.deepEqual(
        onCreate.findings.map((f) => f.message),
        frenchMessages,
      );
    });

    it('hides an officer’s draft from another officer and leaves it unchanged', async () => {
      const created = await createAs(officerA, SAMPLE_CONTENT.mla);
      const id = created.request.id;
      assertProblem(await call(officerB, 'GET', `/api/v1/requests/${id}`), 404, 'not-found');
      assertProblem(await call(officerB, 'GET', `/api/v1/requests/${id}/findings`), 404, 'not-found');
      assertProblem(await call(officerB, 'PUT', `/api/v1/requests/${id}`, { type: 'mla' }), 404, 'not-found');
      assertProblem(await call(officerB, 'DELETE', `/api/v1/requests/${id}`), 404, 'not-found');
      const listedByB = json<{ items: { id: string }[] }>(await call(officerB, 'GET', '/api/v1/requests'));
      assert.ok(!listedByB.items.some((item) => item.id === id));
      assert.deepEqual((await readAs(officerA, id)).request, created.request);
    });

    it('lets a supervisor read and list every draft but not change another’s', async () => {
      const created = await createAs(officerA, SAMPLE_CONTENT['stored-data']);
      const id = created.request.id;
      assert.deepEqual((await readAs(supervisor, id)).request, created.request);
      const listed = json<{ items: { id: string }[] }>(await call(supervisor, 'GET', '/api/v1/requests'));
      assert.ok(listed.items.some((item) => item.id === id));
      assertProblem(
        await call(supervisor, 'PUT', `/api/v1/requests/${id}`, { type: 'mla' }),
        403,
        'forbidden',
      );
      assertProblem(await call(supervisor, 'DELETE', `/api/v1/requests/${id}`), 403, 'forbidden');
      assert.deepEqual((await readAs(officerA, id)).request, created.request);
      // A supervisor drafts too.
      await createAs(supervisor, SAMPLE_CONTENT.mla);
    });

    it('lets an auditor read every draft but neither create nor change one', async () => {
      const created = await createAs(officerA, SAMPLE_CONTENT.extradition);
      const id = created.request.id;
      assert.deepEqual((await readAs(auditor, id)).request, created.request);
      assert.ok(
        json<{ items: { id: string }[] }>(await call(auditor, 'GET', '/api/v1/requests')).items.some(
          (item) => item.id === id,
        ),
      );
      assertProblem(await call(auditor, 'POST', '/api/v1/requests', SAMPLE_CONTENT.mla), 403, 'forbidden');
      assertProblem(
        await call(auditor, 'PUT', `/api/v1/requests/${id}`, SAMPLE_CONTENT.mla),
        403,
        'forbidden',
      );
      assertProblem(await call(auditor, 'DELETE', `/api/v1/requests/${id}`), 403, 'forbidden');
      assert.deepEqual((await readAs(officerA, id)).request, created.request);
    });

    it('refuses drafting to an evidence custodian and shows them no request sent from here', async () => {
      const created = await createAs(officerA, SAMPLE_CONTENT.mla);
      assertProblem(await call(custodian, 'POST', '/api/v1/requests', SAMPLE_CONTENT.mla), 403, 'forbidden');
      assertProblem(await call(custodian, 'GET', `/api/v1/requests/${created.request.id}`), 404, 'not-found');
      assert.deepEqual(json(await call(custodian, 'GET', '/api/v1/requests')), EMPTY_LIST);
    });

    it("lets a duty officer read a colleague's 24/7 request once it left its draft, and no other", async () => {
      const listedIds = async () =>
        json<{ items: { id: string }[] }>(await call(dutyOfficer, 'GET', '/api/v1/requests')).items.map(
          (item) => item.id,
        );
      const urgent = (await createAs(officerA, SAMPLE_CONTENT.preservation)).request.id;
      const mutual = (await createAs(officerA, SAMPLE_CONTENT.mla)).request.id;
      // A draft is its author's alone, whatever its channel.
      assertProblem(await call(dutyOfficer, 'GET', `/api/v1/requests/${urgent}`), 404, 'not-found');
      assert.ok(!(await listedIds()).includes(urgent));
      for (const id of [urgent, mutual]) {
        await subject.context.db
          .updateTable('requests')
          .set({ status: 'sent' })
          .where('id', '=', id)
          .execute();
      }
      // Preservation goes through the 24/7 network (Art. 41): the duty officer on shift follows it up.
      assert.equal((await readAs(dutyOfficer, urgent)).request.id, urgent);
      assert.ok((await listedIds()).includes(urgent));
      assert.equal((await call(dutyOfficer, 'GET', `/api/v1/requests/${urgent}/history`)).statusCode, 200);
      assertProblem(await call(dutyOfficer, 'DELETE', `/api/v1/requests/${urgent}`), 403, 'forbidden');
      // Mutual legal assistance goes to the central authority: not the duty officer's.
      assertProblem(await call(dutyOfficer, 'GET', `/api/v1/requests/${mutual}`), 404, 'not-found');
      assert.ok(!(await listedIds()).includes(mutual));
      // Another officer still sees neither.
      assertProblem(await call(officerB, 'GET', `/api/v1/requests/${urgent}`), 404, 'not-found');
    });

    it('answers 401 to anonymous callers on every route', async () => {
      const id = (await createAs(officerA, SAMPLE_CONTENT.mla)).request.id;
      const routes: ['GET' | 'POST' | 'PUT' | 'DELETE', string][] = [
        ['POST', '/api/v1/validate'],
        ['POST', '/api/v1/requests'],
        ['GET', '/api/v1/requests'],
        ['GET', `/api/v1/requests/${id}`],
        ['PUT', `/api/v1/requests/${id}`],
        ['DELETE', `/api/v1/requests/${id}`],
        ['GET', `/api/v1/requests/${id}/findings`],
      ];
      for (const [method, url] of routes) {
        const payload = method === 'POST' || method === 'PUT' ? SAMPLE_CONTENT.mla : undefined;
        assertProblem(await call(undefined, method, url, payload), 401, 'unauthenticated');
      }
    });

    it('refuses a cookie-authenticated change without the CSRF token', async () => {
      const { 'x-csrf-token': _csrf, ...cookieOnly } = officerB.headers;
      const response = await subject.app.inject({
        method: 'POST',
        url: '/api/v1/requests',
        headers: cookieOnly,
        payload: SAMPLE_CONTENT.mla,
      });
      assertProblem(response, 403, 'csrf-token-invalid');
    });

    it('refuses a stale If-Match with 409 and keeps the draft as it was', async () => {
      const created = await createAs(officerA, SAMPLE_CONTENT.mla);
      const id = created.request.id;
      const first = await call(
        officerA,
        'PUT',
        `/api/v1/requests/${id}`,
        { ...SAMPLE_CONTENT.mla, purpose: 'first' },
        {
          'if-match': '"1"',
        },
      );
      assert.equal(first.statusCode, 200);
      assert.equal(first.headers.etag, '"2"');
      const current = (await readAs(officerA, id)).request;

      const stale = await call(
        officerA,
        'PUT',
        `/api/v1/requests/${id}`,
        { ...SAMPLE_CONTENT.mla, purpose: 'second' },
        {
          'if-match': '"1"',
        },
      );
      assertProblem(stale, 409, 'conflict');
      assertProblem(
        await call(officerA, 'DELETE', `/api/v1/requests/${id}`, undefined, { 'if-match': '"1"' }),
        409,
        'conflict',
      );
      assert.deepEqual((await readAs(officerA, id)).request, current);

      assertProblem(
        await call(officerA, 'PUT', `/api/v1/requests/${id}`, SAMPLE_CONTENT.mla, {
          'if-match': 'yesterday',
        }),
        400,
        'invalid-input',
      );
      const weak = await call(officerA, 'PUT', `/api/v1/requests/${id}`, SAMPLE_CONTENT.mla, {
        'if-match': 'W/"2"',
      });
      assert.equal(weak.statusCode, 200, weak.body);
      assert.equal(json<Saved>(weak).request.revision, 3);
      const unconditional = await call(officerA, 'PUT', `/api/v1/requests/${id}`, SAMPLE_CONTENT.mla);
      assert.equal(json<Saved>(unconditional).request.revision, 4);
    });

    it('changes the type of a draft on update and validates it as the new type', async () => {
      const created = await createAs(officerA, { type: 'preservation' });
      const response = await call(officerA, 'PUT', `/api/v1/requests/${created.request.id}`, {
        type: 'extradition',
      });
      const updated = json<Saved>(response);
      assert.equal(updated.request.type, 'extradition');
      assert.ok(updated.findings.some((f) => f.element === 'warrant'));
      assert.ok(!updated.findings.some((f) => f.element === 'preservation-period'));
      const listed = json<{ items: { id: string }[] }>(
        await call(officerA, 'GET', '/api/v1/requests?type=extradition'),
      );
      assert.ok(listed.items.some((item) => item.id === created.request.id));
    });

    it('refuses to change or delete a request that is no longer a draft', async () => {
      const created = await createAs(officerA, SAMPLE_CONTENT.mla);
      const id = created.request.id;
      await subject.context.db.updateTable('requests').set({ status: 'sent' }).where('id', '=', id).execute();
      assertProblem(
        await call(officerA, 'PUT', `/api/v1/requests/${id}`, SAMPLE_CONTENT.mla),
        409,
        'invalid-state',
      );
      assertProblem(await call(officerA, 'DELETE', `/api/v1/requests/${id}`), 409, 'invalid-state');
      const read = await readAs(officerA, id);
      assert.equal(read.request.status, 'sent');
      assert.deepEqual(read.request.content, SAMPLE_CONTENT.mla);
      assert.equal(read.request.revision, 1);
    });

    it('rejects a wrong JSON type with invalid-input naming the path', async () => {
      const problem = assertProblem(
        await call(officerA, 'POST', '/api/v1/requests', {
          type: 'mla',
          caseReference: 42,
          offences: [{ maximumPenaltyYears: 'ten' }],
        }),
        400,
        'invalid-input',
      );
      const paths = (problem.errors ?? []).map((error) => error.path);
      assert.ok(paths.includes('body.caseReference'), JSON.stringify(problem));
      assert.ok(paths.includes('body.offences.0.maximumPenaltyYears'), JSON.stringify(problem));
      assertProblem(
        await call(officerA, 'POST', '/api/v1/requests', [SAMPLE_CONTENT.mla]),
        400,
        'invalid-input',
      );
      const unknownField = assertProblem(
        await call(officerA, 'POST', '/api/v1/requests', { type: 'mla', secretField: true }),
        400,
        'invalid-input',
      );
      assert.ok(unknownField.errors?.length);
    });

    it('rejects text PostgreSQL cannot store (NUL, unpaired surrogate) with invalid-input naming the path', async () => {
      const officer = await bearerAs(subject, 'officer');
      for (const text of ['a\u0000b', 'lone \ud800']) {
        const body = JSON.stringify({ type: 'mla', caseReference: 'ok', persons: [{ name: text }] });
        const response = await subject.app.inject({
          method: 'POST',
          url: '/api/v1/requests',
          headers: { ...officer.headers, 'content-type': 'application/json' },
          payload: body,
        });
        const problem = assertProblem(response, 400, 'invalid-input');
        assert.deepEqual(
          problem.errors?.map((error) => error.path),
          ['body.persons.0.name'],
        );
      }
      assert.deepEqual(json(await call(officer, 'GET', '/api/v1/requests')), EMPTY_LIST);
    });

    it('rejects an unknown or missing request type', async () => {
      const unknown = assertProblem(
        await call(officerA, 'POST', '/api/v1/requests', { type: 'teleportation' }),
        400,
        'invalid-input',
      );
      assert.ok((unknown.errors ?? []).some((error) => error.path === 'body.type'));
      assertProblem(
        await call(officerA, 'POST', '/api/v1/requests', { caseReference: 'X' }),
        400,
        'invalid-input',
      );
      const created = await createAs(officerA, SAMPLE_CONTENT.mla);
      assertProblem(
        await call(officerA, 'PUT', `/api/v1/requests/${created.request.id}`, { type: 'teleportation' }),
        400,
        'invalid-input',
      );
      assert.deepEqual((await readAs(officerA, created.request.id)).request, created.request);
    });

    it('rejects malformed JSON with malformed-body', async () => {
      const response = await subject.app.inject({
        method: 'POST',
        url: '/api/v1/requests',
        headers: { ...officerA.headers, 'content-type': 'application/json' },
        payload: '{"type": "mla",',
      });
      assertProblem(response, 400, 'malformed-body');
    });

    it('refuses JSON sent as text/plain or a form with unsupported-media-type, storing nothing', async () => {
      const before = json(await call(officerA, 'GET', '/api/v1/requests'));
      for (const contentType of [
        'text/plain',
        'text/plain; charset=utf-8',
        'application/x-www-form-urlencoded',
      ]) {
        const response = await subject.app.inject({
          method: 'POST',
          url: '/api/v1/requests',
          headers: { ...officerA.headers, 'content-type': contentType },
          payload: JSON.stringify(SAMPLE_CONTENT.mla),
        });
        assertProblem(response, 415, 'unsupported-media-type');
      }
      assert.deepEqual(json(await call(officerA, 'GET', '/api/v1/requests')), before);
    });

    it('refuses a list filter it does not have (an offset, a page), rather than answering every request', async () => {
      for (const query of ['offset=10', 'page=2', 'stauts=sent']) {
        const response = await call(officerA, 'GET', `/api/v1/requests?${query}`);
        const problem = assertProblem(response, 400, 'invalid-input');
        assert.equal(
          (problem.errors as { code?: string }[] | undefined)?.[0]?.code,
          'unrecognized-keys',
          query,
        );
      }
      assert.equal(
        (await call(officerA, 'GET', '/api/v1/requests?direction=outgoing&lang=fr')).statusCode,
        200,
      );
    });

    it('rejects a body over the size limit with 413', async () => {
      const limit = subject.context.config.http.bodyLimitBytes;
      const response = await subject.app.inject({
        method: 'POST',
        url: '/api/v1/requests',
        headers: { ...officerA.headers, 'content-type': 'application/json' },
        payload: JSON.stringify({ type: 'mla', summaryOfFacts: 'x'.repeat(limit + 1) }),
      });
      assertProblem(response, 413, 'payload-too-large');
    });

    it('answers 404 for an id that is not a UUID or not a request', async () => {
      for (const id of ['not-a-uuid', '123', "1' or '1'='1", '00000000-0000-0000-0000-000000000000']) {
        const url = `/api/v1/requests/${encodeURIComponent(id)}`;
        assertProblem(await call(officerA, 'GET', url), 404, 'not-found');
        assertProblem(await call(officerA, 'GET', `${url}/findings`), 404, 'not-found');
        assertProblem(await call(officerA, 'PUT', url, SAMPLE_CONTENT.mla), 404, 'not-found');
        assertProblem(await call(officerA, 'DELETE', url), 404, 'not-found');
      }
    });

    it('documents every route in the OpenAPI document under the requests tag', async () => {
      const document = json<{ paths: Record<string, Record<string, { tags?: string[] }>> }>(
        await subject.app.inject({ method: 'GET', url: '/api/v1/openapi.json' }),
      );
      const expected: [string, string][] = [
        ['/api/v1/validate', 'post'],
        ['/api/v1/requests', 'post'],
        ['/api/v1/requests', 'get'],
        ['/api/v1/requests/{id}', 'get'],
        ['/api/v1/requests/{id}', 'put'],
        ['/api/v1/requests/{id}', 'delete'],
        ['/api/v1/requests/{id}/findings', 'get'],
      ];
      for (const [path, method] of expected) {
        assert.deepEqual(document.paths[path]?.[method]?.tags, ['requests'], `${method} ${path}`);
      }
    });
  });
}
