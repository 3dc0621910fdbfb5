/**
 * The two-person rule's pure rules (src/core/approval/approval-rules.ts): each refusal, and the
 * decisions that pass.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type ApprovalRecord,
  type ApprovalVerdict,
  checkDecision,
  INTRUSIVE_REQUEST_TYPES,
  isIntrusive,
  isResponseTransition,
  needsIntrusiveApproval,
} from '../../../src/core/approval/approval-rules.ts';

const POLICY = { intrusiveApproverRole: 'legal-reviewer' } as const;
const DRAFTER = 'user-drafter';

function record(overrides: Partial<ApprovalRecord> = {}): ApprovalRecord {
  return {
    kind: 'request',
    requestType: 'preservation',
    submittedBy: DRAFTER,
    submittedRevision: 2,
    decision: null,
    ...overrides,
  };
}

const supervisor = { id: 'user-supervisor', roles: ['supervisor'] } as const;

function reasonOf(verdict: ApprovalVerdict): string | undefined {
  return verdict.ok ? undefined : verdict.reason;
}

describe('approval rules (two-person rule)', () => {
  it('a supervisor other than the drafter approves a request as submitted', () => {
    assert.deepEqual(
      checkDecision(record(), supervisor, { decision: 'approve', currentRevision: 2 }, POLICY),
      {
        ok: true,
      },
    );
  });

  it('the drafter cannot approve nor return, even as a supervisor', () => {
    const self = { id: DRAFTER, roles: ['supervisor'] } as const;
    const approved = checkDecision(record(), self, { decision: 'approve', currentRevision: 2 }, POLICY);
    assert.equal(reasonOf(approved), 'approver-is-submitter');
    const returned = checkDecision(
      record(),
      self,
      { decision: 'return', currentRevision: 2, reasons: 'x' },
      POLICY,
    );
    assert.equal(reasonOf(returned), 'approver-is-submitter');
  });

  it('someone without the supervisor role cannot approve', () => {
    for (const roles of [['officer'], ['duty-officer'], ['legal-reviewer'], ['administrator'], []] as const) {
      const verdict = checkDecision(
        record(),
        { id: 'someone', roles },
        { decision: 'approve', currentRevision: 2 },
        POLICY,
      );
      assert.equal(reasonOf(verdict), 'not-a-supervisor', roles.join(','));
    }
  });

  it('an intrusive measure needs the designated role, then the decision reference', () => {
    assert.deepEqual([...INTRUSIVE_REQUEST_TYPES].sort(), [
      'extradition',
      'interception',
      'real-time-traffic',
    ]);
    for (const requestType of INTRUSIVE_REQUEST_TYPES) {
      const intrusive = record({ requestType });
      const withoutRole = checkDecision(
        intrusive,
        supervisor,
        { decision: 'approve', currentRevision: 2, decisionReference: 'Decision 2026/17' },
        POLICY,
      );
      assert.equal(reasonOf(withoutRole), 'designated-role-missing', requestType);
      assert.match(withoutRole.ok ? '' : withoutRole.message, /legal-reviewer/);
      const judge = { id: 'user-judge', roles: ['supervisor', 'legal-reviewer'] } as const;
      for (const decisionReference of [undefined, '', '   ']) {
        const withoutReference = checkDecision(
          intrusive,
          judge,
          { decision: 'approve', currentRevision: 2, decisionReference },
          POLICY,
        );
        assert.equal(reasonOf(withoutReference), 'decision-reference-missing', requestType);
      }
      const allowed = checkDecision(
        intrusive,
        judge,
        { decision: 'approve', currentRevision: 2, decisionReference: 'Decision 2026/17' },
        POLICY,
      );
      assert.deepEqual(allowed, { ok: true });
    }
  });

  it('the designated role is the one the State configured', () => {
    const verdict = checkDecision(
      record({ requestType: 'interception' }),
      { id: 'user-other', roles: ['supervisor', 'legal-reviewer'] },
      { decision: 'approve', currentRevision: 2, decisionReference: 'D-1' },
      { intrusiveApproverRole: 'auditor' },
    );
    assert.equal(reasonOf(verdict), 'designated-role-missing');
  });

  it('a request that is not intrusive needs no decision reference', () => {
    assert.equal(isIntrusive('preservation'), false);
    assert.equal(isIntrusive('stored-data'), false);
    assert.equal(isIntrusive('interception'), true);
  });

  it('a return needs reasons', () => {
    for (const reasons of [undefined, '', '  \n']) {
      const verdict = checkDecision(
        record(),
        supervisor,
        { decision: 'return', currentRevision: 2, reasons },
        POLICY,
      );
      assert.equal(reasonOf(verdict), 'reasons-missing');
    }
    assert.deepEqual(
      checkDecision(
        record(),
        supervisor,
        { decision: 'return', currentRevision: 2, reasons: 'Name the IP address.' },
        POLICY,
      ),
      { ok: true },
    );
  });

  it('a return of an intrusive measure needs neither the designated role nor a reference', () => {
    const verdict = checkDecision(
      record({ requestType: 'extradition' }),
      supervisor,
      { decision: 'return', currentRevision: 2, reasons: 'Add the warrant.' },
      POLICY,
    );
    assert.deepEqual(verdict, { ok: true });
  });

  it('a refusal of an intrusive measure authorises nothing: a supervisor approves it without the role or a reference', () => {
    const refusal = record({ kind: 'case-transition', requestType: 'interception', transition: 'refuse' });
    assert.deepEqual(
      checkDecision(refusal, supervisor, { decision: 'approve', currentRevision: 2 }, POLICY),
      { ok: true },
    );
    // Its execution reported is the measure carried out: the role and the reference again.
    const execution = record({
      kind: 'case-transition',
      requestType: 'interception',
      transition: 'execute-fully',
    });
    assert.equal(
      reasonOf(checkDecision(execution, supervisor, { decision: 'approve', currentRevision: 2 }, POLICY)),
      'designated-role-missing',
    );
    assert.equal(needsIntrusiveApproval({ requestType: 'interception', transition: 'refuse' }), false);
    assert.equal(needsIntrusiveApproval({ requestType: 'interception' }), true);
    assert.equal(needsIntrusiveApproval({ requestType: 'preservation', transition: 'execute-fully' }), false);
  });

  it('a decision is made once: a second approval or a return after it is refused', () => {
    for (const decided of ['approve', 'return'] as const) {
      for (const decision of ['approve', 'return'] as const) {
        const verdict = checkDecision(
          record({ decision: decided }),
          supervisor,
          { decision, currentRevision: 2, reasons: 'again' },
          POLICY,
        );
        assert.equal(reasonOf(verdict), 'already-decided', `${decided} then ${decision}`);
      }
    }
  });

  it('what changed since it was submitted cannot be approved', () => {
    const verdict = checkDecision(record(), supervisor, { decision: 'approve', currentRevision: 3 }, POLICY);
    assert.equal(reasonOf(verdict), 'subject-changed');
    assert.match(verdict.ok ? '' : verdict.message, /submitted again/);
  });

  it('what changed since it was submitted can still be returned, so that it does not wait for ever', () => {
    const returned = checkDecision(
      record(),
      supervisor,
      { decision: 'return', currentRevision: 3, reasons: 'the case moved on' },
      POLICY,
    );
    assert.deepEqual(returned, { ok: true });
    const unexplained = checkDecision(
      record(),
      supervisor,
      { decision: 'return', currentRevision: 3 },
      POLICY,
    );
    assert.equal(reasonOf(unexplained), 'reasons-missing');
  });

  it('the same rules hold for responses and evidence packages', () => {
    for (const kind of ['case-transition', 'evidence-package'] as const) {
      assert.equal(
        reasonOf(
          checkDecision(
            record({ kind }),
            { id: DRAFTER, roles: ['supervisor'] },
            { decision: 'approve', currentRevision: 2 },
            POLICY,
          ),
        ),
        'approver-is-submitter',
      );
      assert.deepEqual(
        checkDecision(record({ kind }), supervisor, { decision: 'approve', currentRevision: 2 }, POLICY),
        {
          ok: true,
        },
      );
    }
  });

  it('responses that wait are the execution results and refusals; acknowledgements go alone', () => {
    for (const name of ['execute-partly', 'execute-fully', 'refuse'])
      assert.equal(isResponseTransition(name), true, name);
    for (const name of [
      'acknowledge',
      'begin-assessment',
      'accept',
      'record-preservation',
      'request-clarification',
    ]) {
      assert.equal(isResponseTransition(name), false, name);
    }
  });
});
