/**
 * What an approval tells its reader (src/services/approvals.service.ts, toApprovalView): whether
 * they may decide on it, and whether they may approve it, which for an intrusive measure also
 * needs the role the State designates, named so that the screen can say which.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Role } from '../../../src/core/roles.ts';
import type { Actor } from '../../../src/policies/access.ts';
import { toApprovalView } from '../../../src/services/approvals.service.ts';
import type { StoredApproval } from '../../../src/storage/approvals.repository.ts';

const POLICY = { intrusiveApproverRole: 'legal-reviewer' };

function pending(requestType: string): StoredApproval {
  return {
    id: 'a1',
    sequence: '1',
    kind: 'request',
    subjectId: 'r1',
    requestId: 'r1',
    requestType,
    submittedRevision: 1,
    payload: null,
    submittedBy: { id: 'officer-1', username: 'fr.officer', displayName: 'FR officer' },
    submittedAt: new Date('2026-12-07T10:00:00Z'),
    decidedBy: null,
    decidedAt: null,
    decision: null,
    reasons: null,
    decisionReference: null,
    caseReference: 'FR-1',
    urgency: null,
    direction: 'outgoing',
    requestedState: 'DE',
    peerNodeId: null,
  };
}

function actor(id: string, ...roles: Role[]): Actor {
  return { userId: id, username: id, roles, authenticatedBy: 'session' };
}

const decisionOf = (requestType: string, reader: Actor) => {
  const view = toApprovalView(pending(requestType), reader, POLICY);
  return [view.designatedRole, view.mayDecide, view.mayApprove];
};

describe('an approval as its reader sees it', () => {
  it('lets a supervisor approve a measure that is not intrusive, naming no designated role', () => {
    assert.deepEqual(decisionOf('mla', actor('s1', 'supervisor')), [null, true, true]);
  });

  it('lets a supervisor without the designated role return an intrusive measure, not approve it', () => {
    for (const type of ['extradition', 'interception', 'real-time-traffic']) {
      assert.deepEqual(decisionOf(type, actor('s1', 'supervisor')), ['legal-reviewer', true, false], type);
    }
  });

  it('lets a supervisor who holds the designated role approve it', () => {
    assert.deepEqual(decisionOf('extradition', actor('m1', 'supervisor', 'legal-reviewer')), [
      'legal-reviewer',
      true,
      true,
    ]);
  });

  it('lets a supervisor approve the refusal of an intrusive measure: a refusal authorises nothing', () => {
    const refusal: StoredApproval = {
      ...pending('interception'),
      kind: 'case-transition',
      payload: { name: 'refuse', payload: {} },
      direction: 'incoming',
    };
    const view = toApprovalView(refusal, actor('s1', 'supervisor'), POLICY);
    assert.deepEqual([view.isIntrusive, view.designatedRole, view.mayApprove], [false, null, true]);
  });

  it('lets neither its author nor someone who is no supervisor decide', () => {
    assert.deepEqual(decisionOf('extradition', actor('officer-1', 'supervisor', 'legal-reviewer')).slice(1), [
      false,
      false,
    ]);
    assert.deepEqual(decisionOf('extradition', actor('l1', 'legal-reviewer')).slice(1), [false, false]);
  });
});
