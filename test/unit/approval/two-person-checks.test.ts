/**
 * The checks an oversight body reads on each recorded decision (src/core/approval/two-person-checks.ts):
 * every outcome of each check.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  secondAdministratorCheckOf,
  twoPersonChecksOf,
} from '../../../src/core/approval/two-person-checks.ts';

const decided = {
  requestType: 'preservation',
  submittedBy: 'drafter',
  decidedBy: 'supervisor',
  decision: 'approve',
  decisionReference: null,
} as const;

describe('two-person checks of a recorded decision', () => {
  it('holds when a second person decided; a reference is not needed for a measure that is not intrusive', () => {
    assert.deepEqual(twoPersonChecksOf(decided), { secondPerson: 'held', decisionReference: 'not-needed' });
    assert.deepEqual(twoPersonChecksOf({ ...decided, decision: 'return' }), {
      secondPerson: 'held',
      decisionReference: 'not-needed',
    });
  });

  it('is broken when the submitter decided, or when either person is unknown', () => {
    for (const record of [
      { ...decided, decidedBy: 'drafter' },
      { ...decided, decidedBy: null },
      { ...decided, submittedBy: null },
    ]) {
      assert.equal(twoPersonChecksOf(record).secondPerson, 'broken');
    }
  });

  it('asks an approved intrusive measure for its authorising decision, not a returned one', () => {
    const intrusive = { ...decided, requestType: 'interception' };
    assert.equal(twoPersonChecksOf(intrusive).decisionReference, 'broken');
    assert.equal(twoPersonChecksOf({ ...intrusive, decisionReference: '  ' }).decisionReference, 'broken');
    assert.equal(
      twoPersonChecksOf({ ...intrusive, decisionReference: 'TJ Paris 2026/17' }).decisionReference,
      'held',
    );
    assert.equal(twoPersonChecksOf({ ...intrusive, decision: 'return' }).decisionReference, 'not-needed');
    // A refusal of an intrusive measure authorises nothing: no reference to ask for.
    assert.equal(twoPersonChecksOf({ ...intrusive, transition: 'refuse' }).decisionReference, 'not-needed');
    assert.equal(
      twoPersonChecksOf({ ...intrusive, transition: 'execute-fully' }).decisionReference,
      'broken',
    );
  });

  it('is pending until decided', () => {
    const waiting = { ...decided, decidedBy: null, decision: null };
    assert.deepEqual(twoPersonChecksOf(waiting), {
      secondPerson: 'pending',
      decisionReference: 'not-needed',
    });
    assert.deepEqual(twoPersonChecksOf({ ...waiting, requestType: 'extradition' }), {
      secondPerson: 'pending',
      decisionReference: 'pending',
    });
  });
});

describe("the second administrator's check of a change of roles", () => {
  const approved = {
    userId: 'clerk',
    status: 'approved',
    requestedBy: 'admin-a',
    decidedBy: 'admin-b',
  } as const;

  it('holds when another administrator, or the operator, approved what an administrator asked', () => {
    assert.equal(secondAdministratorCheckOf(approved), 'held');
    assert.equal(secondAdministratorCheckOf({ ...approved, decidedBy: null }), 'held');
  });

  it('is broken when the asker or the grantee approved, or nobody asked and nobody approved', () => {
    assert.equal(secondAdministratorCheckOf({ ...approved, decidedBy: 'admin-a' }), 'broken');
    assert.equal(secondAdministratorCheckOf({ ...approved, decidedBy: 'clerk' }), 'broken');
    assert.equal(secondAdministratorCheckOf({ ...approved, requestedBy: null, decidedBy: null }), 'broken');
  });

  it('is pending while it waits, and not needed for a change applied at once or replaced', () => {
    assert.equal(secondAdministratorCheckOf({ ...approved, status: 'pending', decidedBy: null }), 'pending');
    assert.equal(secondAdministratorCheckOf({ ...approved, status: 'applied' }), 'not-needed');
    assert.equal(secondAdministratorCheckOf({ ...approved, status: 'superseded' }), 'not-needed');
  });
});
