/**
 * Properties of the drafts API under arbitrary input: whatever JSON a client sends, the node
 * answers with a draft or a problem+json of a known type (never a 5xx), and a refused call
 * leaves every stored request exactly as it was.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { APP_ERROR_CODES } from '../../src/core/errors.ts';
import { HTTP_ONLY_CODES } from '../../src/http/problem.ts';
import type { RequestContent } from '../../src/core/request/draft.ts';
import { type ActingAs, bearerAs } from '../helpers/auth.ts';
import { json, startTestApp, type TestApp } from '../helpers/app.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';

const NUM_RUNS = 60;

// Every problem the API can answer with: the domain's and HTTP's own (a URL such as
// /api/v1/requests/./ is malformed-url).
const KNOWN_PROBLEM_TYPES = new Set(
  [...APP_ERROR_CODES, ...HTTP_ONLY_CODES].map((code) => `urn:comity:problem:${code}`),
);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = readonly (string | number)[];

/** A draft that uses most fields, so that mutations reach deep into the schema. */
const VALID_DRAFT = {
  type: 'preservation',
  requestingAuthority: { state: 'FR', name: 'Parquet de Paris', contact: 'cyber@example.org' },
  requestedAuthority: { state: 'DE', name: 'Bundesamt für Justiz' },
  caseReference: 'CYB-2026-0042',
  offences: [{ conventionArticle: 7, domesticProvision: 'Code pénal 323-1', maximumPenaltyYears: 5 }],
  summaryOfFacts: 'Ransomware attacks on hospitals',
  persons: [{ role: 'suspect', name: 'Unknown', dateOfBirth: '1990-01-01' }],
  identifiers: [
    { kind: 'ip-address', value: '192.0.2.10', port: 443, observedAt: '2026-05-01T10:00:00Z' },
    { kind: 'email', value: 'operator@example.net' },
  ],
  dataSought: {
    categories: ['subscriber', 'traffic'],
    description: 'Subscriber and traffic data',
    relationToOffence: 'Used to negotiate the ransom',
    period: { from: '2026-03-01', to: '2026-05-31' },
  },
  custodian: { name: 'Mail provider GmbH', kind: 'service-provider', state: 'DE' },
  necessity: 'Logs are deleted after 30 days',
  intendsFollowUpRequest: true,
  preservationDays: 90,
  urgency: { level: 'urgent', justification: 'Imminent deletion' },
  confidentiality: { isRequired: true, until: '2027-01-01' },
  language: 'de',
} satisfies RequestContent;

/** Every path into a JSON value (objects and arrays), the root included. */
function pathsOf(value: Json, prefix: Path = []): Path[] {
  const here = [prefix];
  if (Array.isArray(value))
    return [...here, ...value.flatMap((item, index) => pathsOf(item, [...prefix, index]))];
  if (value !== null && typeof value === 'object') {
    return [...here, ...Object.entries(value).flatMap(([key, item]) => pathsOf(item, [...prefix, key]))];
  }
  return here;
}

/** A copy of `value` where `update` replaced the node at `path`; undefined from update deletes it. */
function updateAt(value: Json, path: Path, update: (node: Json) => Json | undefined): Json | undefined {
  const [head, ...rest] = path;
  if (head === undefined) return update(value);
  if (Array.isArray(value) && typeof head === 'number') {
    const copy = [...value];
    const replaced = updateAt(copy[head] ?? null, rest, update);
    if (replaced === undefined) copy.splice(head, 1);
    else copy[head] = replaced;
    return copy;
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && typeof head === 'string') {
    const copy: { [key: string]: Json } = { ...value };
    const replaced = updateAt(copy[head] ?? null, rest, update);
    if (replaced === undefined) delete copy[head];
    else copy[head] = replaced;
    return copy;
  }
  return value;
}

/** Values a careless or hostile client might put anywhere. */
const nastyValue: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>,
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom<Json>(
    '\u0000',
    'a\u0000b',
    'lone \ud800 surrogate',
    '\udfff',
    '',
    '   ',
    'x'.repeat(600),
    'x'.repeat(25_000),
    -1,
    0.5,
    1e308,
    -1e308,
    2 ** 53 + 1,
    true,
    null,
    [],
    {},
    '__proto__',
    'preservation',
    'mla',
    'ip-address',
    '2026-02-30',
    'ZZ',
  ),
);

type Mutation =
  | { kind: 'replace'; at: number; value: Json }
  | { kind: 'delete'; at: number }
  | { kind: 'add'; at: number; key: string; value: Json };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: nastyValue }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('add' as const),
    at: fc.nat(),
    key: fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('type', 'caseReference', 'constructor', 'extra'),
    ),
    value: nastyValue,
  }),
);

function applyMutation(value: Json, change: Mutation): Json {
  const paths = pathsOf(value);
  const path = paths[change.at % paths.length] ?? [];
  const result = updateAt(value, path, (node) => {
    switch (change.kind) {
      case 'replace':
        return change.value;
      case 'delete':
        return path.length === 0 ? null : undefined;
      case 'add':
        if (Array.isArray(node)) return [...node, change.value];
        if (node !== null && typeof node === 'object') return { ...node, [change.key]: change.value };
        return change.value;
    }
  });
  return result === undefined ? null : result;
}

/** A valid draft changed in one to three places. */
const mutatedDraft: fc.Arbitrary<Json> = fc
  .array(mutation, { minLength: 1, maxLength: 3 })
  .map((changes) => changes.reduce<Json>(applyMutation, VALID_DRAFT as unknown as Json));

/** A valid draft with fields removed or texts rewritten: mostly still acceptable. */
const gentlyChangedDraft: fc.Arbitrary<Json> = fc
  .array(
    fc.oneof(
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: fc.string({ maxLength: 30 }) }),
    ),
    { minLength: 1, maxLength: 3 },
  )
  .map((changes) =>
    changes.reduce<Json>(
      (draft, change) => {
        // Never remove the type nor rewrite anything but a text.
        const paths = pathsOf(draft).filter((path) => path.length > 0 && path[0] !== 'type');
        const path = paths[change.at % Math.max(paths.length, 1)];
        if (!path) return draft;
        const changed = updateAt(draft, path, (node) =>
          change.kind === 'delete' ? undefined : typeof node === 'string' ? change.value : node,
        );
        return changed ?? draft;
      },
      VALID_DRAFT as unknown as Json,
    ),
  );

/** A request body: any JSON text, any JSON value, a mutated draft, or bytes that are not JSON. */
const anyBody: fc.Arbitrary<string> = fc.oneof(
  fc.json({ maxDepth: 4 }),
  (fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<Json>).map((value) => JSON.stringify(value)),
  mutatedDraft.map((value) => JSON.stringify(value)),
  { arbitrary: gentlyChangedDraft.map((value) => JSON.stringify(value)), weight: 3 },
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom('', '{', '{"type":"mla"', '{"__proto__":{"isAdmin":true},"type":"mla"}', 'null', '[]'),
);

function assertAnswered(response: LightMyRequestResponse, successStatus: number): void {
  assert.ok(response.statusCode < 500, `${response.statusCode} ${response.body}`);
  if (response.statusCode === successStatus) return;
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/, response.body);
  const problem = json<{ type: string; status: number }>(response);
  assert.ok(KNOWN_PROBLEM_TYPES.has(problem.type), `unknown problem type ${problem.type}`);
  assert.equal(problem.status, response.statusCode);
}

for (const target of DATABASE_TARGETS) {
  describe(`requests API under arbitrary input [${target.name}]`, { skip: target.skip }, () => {
    let subject: TestApp;
    let owner: ActingAs;
    let otherOfficer: ActingAs;
    let auditor: ActingAs;

    before(async () => {
      subject = await startTestApp(target);
      owner = await bearerAs(subject, 'officer');
      otherOfficer = await bearerAs(subject, 'officer');
      auditor = await bearerAs(subject, 'auditor');
    });
    after(async () => subject?.close());

    /** Every stored request, as the database holds it. */
    const snapshot = () => subject.context.db.selectFrom('requests').selectAll().orderBy('id').execute();

    const send = (
      as: ActingAs | undefined,
      method: 'POST' | 'PUT' | 'DELETE',
      url: string,
      body: string | undefined,
      headers: Record<string, string> = {},
    ) =>
      subject.app.inject({
        method,
        url,
        headers: {
          ...(as?.headers ?? {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { payload: body }),
      });

    async function createDraftOf(as: ActingAs): Promise<{ id: string; revision: number }> {
      const response = await send(as, 'POST', '/api/v1/requests', JSON.stringify(VALID_DRAFT));
      assert.equal(response.statusCode, 201, response.body);
      return json<{ request: { id: string; revision: number } }>(response).request;
    }

    it('answers any POSTed body with a draft or a known problem, and stores only what it accepts', async () => {
      const statuses: number[] = [];
      await fc.assert(
        fc.asyncProperty(anyBody, async (body) => {
          const before = await snapshot();
          const response = await send(owner, 'POST', '/api/v1/requests', body);
          statuses.push(response.statusCode);
          assertAnswered(response, 201);
          const afterwards = await snapshot();
          if (response.statusCode === 201) {
            const created = json<{ request: { id: string; content: unknown } }>(response).request;
            assert.deepEqual(created.content, JSON.parse(body));
            assert.equal(afterwards.length, before.length + 1);
          } else {
            assert.deepEqual(afterwards, before);
          }
        }),
        { numRuns: NUM_RUNS },
      );
      // The generators must exercise both outcomes, or the property says little.
      assert.ok(statuses.includes(201), 'no generated body was accepted');
      assert.ok(
        statuses.some((status) => status >= 400),
        'no generated body was refused',
      );
    });

    it('answers any body sent to /validate with findings or a known problem', async () => {
      await fc.assert(
        fc.asyncProperty(anyBody, async (body) => {
          const before = await snapshot();
          const response = await send(owner, 'POST', '/api/v1/validate', body);
          assertAnswered(response, 200);
          assert.deepEqual(await snapshot(), before);
        }),
        { numRuns: NUM_RUNS },
      );
    });

    it('changes nothing when a call is refused, whoever makes it', async () => {
      const call = fc.record({
        actor: fc.constantFrom('owner', 'other', 'auditor', 'anonymous'),
        method: fc.constantFrom('POST' as const, 'PUT' as const, 'DELETE' as const),
        target: fc.oneof(fc.constant('existing'), fc.uuid(), fc.string({ maxLength: 20 })),
        body: fc.option(anyBody, { nil: undefined }),
        ifMatch: fc.option(
          fc.oneof(fc.constantFrom('"1"', '"2"', '*', 'W/"1"'), fc.string({ maxLength: 12 })),
          {
            nil: undefined,
          },
        ),
      });
      await fc.assert(
        fc.asyncProperty(call, async ({ actor, method, target, body, ifMatch }) => {
          const existing =
            (await snapshot()).find((row) => row.created_by === owner.userId) ?? (await createDraftOf(owner));
          const as =
            actor === 'owner'
              ? owner
              : actor === 'other'
                ? otherOfficer
                : actor === 'auditor'
                  ? auditor
                  : undefined;
          const id = target === 'existing' ? existing.id : target;
          const url = method === 'POST' ? '/api/v1/requests' : `/api/v1/requests/${encodeURIComponent(id)}`;
          const headers: Record<string, string> = ifMatch === undefined ? {} : { 'if-match': ifMatch };
          const before = await snapshot();
          const response = await send(as, method, url, body, headers);
          assert.ok(response.statusCode < 500, `${response.statusCode} ${response.body}`);
          if (response.statusCode >= 400) {
            assertAnswered(response, 0);
            assert.deepEqual(await snapshot(), before);
          }
        }),
        { numRuns: NUM_RUNS },
      );
    });

    it('leaves a draft exactly as stored when a PUT to it is refused', async () => {
      const draft = await createDraftOf(owner);
      const put = fc.record({
        body: fc.oneof(
          mutatedDraft.map((value) => JSON.stringify(value)),
          anyBody,
        ),
        revisionOffset: fc.option(fc.integer({ min: -2, max: 1 }), { nil: undefined }),
      });
      await fc.assert(
        fc.asyncProperty(put, async ({ body, revisionOffset }) => {
          const findStored = () =>
            subject.context.db
              .selectFrom('requests')
              .selectAll()
              .where('id', '=', draft.id)
              .executeTakeFirstOrThrow();
          const before = await findStored();
          const headers: Record<string, string> =
            revisionOffset === undefined
              ? {}
              : { 'if-match': `"${Number(before.revision) + revisionOffset}"` };
          const response = await send(owner, 'PUT', `/api/v1/requests/${draft.id}`, body, headers);
          assertAnswered(response, 200);
          const afterwards = await findStored();
          if (response.statusCode === 200) {
            assert.ok(revisionOffset === undefined || revisionOffset === 0);
            assert.equal(Number(afterwards.revision), Number(before.revision) + 1);
            assert.deepEqual(afterwards.content, JSON.parse(body));
          } else {
            assert.deepEqual(afterwards, before);
            if (revisionOffset !== undefined && revisionOffset !== 0) {
              assert.ok([400, 409].includes(response.statusCode), response.body);
            }
          }
        }),
        { numRuns: NUM_RUNS },
      );
    });
  });
}
