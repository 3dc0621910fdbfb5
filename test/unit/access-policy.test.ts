/**
 * The record-level policy (src/policies/access.ts): who reads or changes a request, and which
 * requests a list shows. The list scope must agree with the per-request answer for every role,
 * or a list would show a request that then answers 404 (or hide one the actor may open).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ROLES, type Role } from '../../src/core/roles.ts';
import {
  type Actor,
  assertMayCall,
  evidenceAccessOf,
  type RequestRecord,
  requestAccessOf,
  requestScopeOf,
} from '../../src/policies/access.ts';

const SELF = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';
const FEDERATION_ACCOUNT = '33333333-3333-4333-8333-333333333333';

function actorWith(roles: readonly Role[]): Actor {
  return { userId: SELF, username: 'someone', roles, authenticatedBy: 'session' };
}

function recordOf(
  createdBy: string,
  direction: 'outgoing' | 'incoming',
  status = 'sent',
  channel = 'central-authority',
): RequestRecord {
  return { createdBy: { id: createdBy }, direction, status, channel };
}

const RECORDS: ReadonlyArray<Readonly<{ name: string; record: RequestRecord }>> = [
  { name: 'own outgoing', record: recordOf(SELF, 'outgoing') },
  { name: "someone else's outgoing", record: recordOf(OTHER, 'outgoing') },
  { name: 'incoming', record: recordOf(FEDERATION_ACCOUNT, 'incoming') },
  {
    name: "someone else's outgoing 24/7 request, sent",
    record: recordOf(OTHER, 'outgoing', 'sent', 'point-of-contact'),
  },
  {
    name: "someone else's outgoing 24/7 request, awaiting approval",
    record: recordOf(OTHER, 'outgoing', 'awaiting-approval', 'point-of-contact'),
  },
  {
    name: "someone else's 24/7 draft",
    record: recordOf(OTHER, 'outgoing', 'draft', 'point-of-contact'),
  },
  {
    name: 'incoming 24/7 request',
    record: recordOf(FEDERATION_ACCOUNT, 'incoming', 'received', 'point-of-contact'),
  },
];

/** The scope as storage applies it (src/storage/requests.repository.ts, authorScope). */
function isInScope(actor: Actor, record: RequestRecord): boolean {
  const scope = requestScopeOf(actor);
  if (scope.kind === 'all') return true;
  if (scope.kind === 'none') return false;
  if (scope.kind === 'incoming') return record.direction === 'incoming';
  const isPointOfContactSent =
    record.direction === 'outgoing' && record.status !== 'draft' && record.channel === 'point-of-contact';
  return (
    record.createdBy.id === scope.createdBy ||
    (scope.isIncludingIncoming && record.direction === 'incoming') ||
    (scope.isIncludingPointOfContact && isPointOfContactSent)
  );
}

describe('request access policy', () => {
  it('lets only the author change an outgoing draft, and nobody an incoming request', () => {
    for (const role of ROLES) {
      const actor = actorWith([role]);
      const mayDraft = role === 'officer' || role === 'supervisor' || role === 'duty-officer';
      assert.equal(requestAccessOf(actor, RECORDS[0]!.record) === 'change', mayDraft, role);
      assert.notEqual(requestAccessOf(actor, RECORDS[1]!.record), 'change', role);
      assert.notEqual(requestAccessOf(actor, RECORDS[2]!.record), 'change', role);
    }
  });

  it('shows incoming requests to those who handle them, and to nobody else', () => {
    const readers = ROLES.filter((role) => requestAccessOf(actorWith([role]), RECORDS[2]!.record) === 'read');
    assert.deepEqual(readers.sort(), [
      'auditor',
      'duty-officer',
      'evidence-custodian',
      'legal-reviewer',
      'supervisor',
    ]);
  });

  it("hides someone else's outgoing request unless the role reads all", () => {
    const readers = ROLES.filter((role) => requestAccessOf(actorWith([role]), RECORDS[1]!.record) !== 'none');
    assert.deepEqual(readers.sort(), ['auditor', 'legal-reviewer', 'supervisor']);
  });

  it("lets a duty officer read a colleague's 24/7 request once it left its draft, and change none", () => {
    const dutyOfficer = actorWith(['duty-officer']);
    const byName = new Map(RECORDS.map((item) => [item.name, requestAccessOf(dutyOfficer, item.record)]));
    assert.equal(byName.get("someone else's outgoing 24/7 request, sent"), 'read');
    assert.equal(byName.get("someone else's outgoing 24/7 request, awaiting approval"), 'read');
    assert.equal(byName.get("someone else's 24/7 draft"), 'none');
    assert.equal(byName.get("someone else's outgoing"), 'none');
    assert.equal(requestAccessOf(actorWith(['officer']), RECORDS[3]!.record), 'none');
    assert.equal(requestAccessOf(actorWith(['evidence-custodian']), RECORDS[3]!.record), 'none');
  });

  it('lists exactly the requests each role (and a role-less account) may open', () => {
    const roleSets: Role[][] = [[], ...ROLES.map((role) => [role]), ['officer', 'auditor']];
    for (const roles of roleSets) {
      const actor = actorWith(roles);
      for (const { name, record } of RECORDS) {
        assert.equal(
          isInScope(actor, record),
          requestAccessOf(actor, record) !== 'none',
          `${roles.join('+') || 'no role'}, ${name}`,
        );
      }
    }
  });
});

describe('evidence access policy', () => {
  const [own, othersOutgoing, incoming] = RECORDS.map((item) => item.record) as [
    RequestRecord,
    RequestRecord,
    RequestRecord,
  ];
  it('lets the officer who drafted a request read the evidence sent back, and no other officer', () => {
    const officer = actorWith(['officer']);
    assert.equal(evidenceAccessOf(officer, own), 'read');
    assert.equal(evidenceAccessOf(officer, othersOutgoing), 'none');
    assert.equal(evidenceAccessOf(officer, incoming), 'none');
  });
  it('gives evidence:read holders read access on requests sent from here, and nobody uploads there', () => {
    for (const role of ROLES) {
      const actor = actorWith([role]);
      const reads = ['supervisor', 'duty-officer', 'evidence-custodian', 'auditor'].includes(role);
      assert.equal(evidenceAccessOf(actor, othersOutgoing), reads ? 'read' : 'none', role);
      assert.notEqual(evidenceAccessOf(actor, own), 'upload', role);
    }
  });
  it('lets the executing side upload with evidence:upload and read with evidence:read', () => {
    const expected: Record<Role, string> = {
      officer: 'none',
      supervisor: 'upload',
      'duty-officer': 'upload',
      'legal-reviewer': 'none',
      'evidence-custodian': 'upload',
      auditor: 'read',
      administrator: 'none',
    };
    for (const role of ROLES)
      assert.equal(evidenceAccessOf(actorWith([role]), incoming), expected[role], role);
    assert.equal(evidenceAccessOf(actorWith([]), incoming), 'none');
  });
});

describe('route access', () => {
  it('lets anyone call a public operation, any actor a signed-in one, and checks a permission', () => {
    assert.doesNotThrow(() => assertMayCall(undefined, 'public'));
    assert.throws(() => assertMayCall(undefined, 'signed-in'), { code: 'unauthenticated' });
    assert.doesNotThrow(() => assertMayCall(actorWith([]), 'signed-in'));
    assert.throws(() => assertMayCall(actorWith(['officer']), 'user:manage'), { code: 'forbidden' });
    assert.doesNotThrow(() => assertMayCall(actorWith(['administrator']), 'user:manage'));
  });
});

describe('layering', () => {
  it('keeps storage and core free of imports from policies', () => {
    const sourceRoot = path.join(import.meta.dirname, '..', '..', 'src');
    const offenders = ['storage', 'core'].flatMap((folder) =>
      readdirSync(path.join(sourceRoot, folder), { recursive: true, encoding: 'utf8' })
        .filter((file) => file.endsWith('.ts'))
        .filter((file) =>
          /from '[./]*\/policies\//.test(readFileSync(path.join(sourceRoot, folder, file), 'utf8')),
        )
        .map((file) => `src/${folder}/${file}`),
    );
    assert.deepEqual(offenders, []);
  });
});
