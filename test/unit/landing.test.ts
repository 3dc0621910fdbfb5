import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { landingPathOf } from '../../web/src/app/landing.ts';

describe('where a person lands after signing in (web/src/app/landing.ts)', () => {
  it('gives each role the screen of its first task', () => {
    const cases: ReadonlyArray<[roles: string[], path: string]> = [
      [['officer'], '/requests'],
      [['duty-officer'], '/desk'],
      [['supervisor'], '/approvals'],
      [['legal-reviewer'], '/desk'],
      [['evidence-custodian'], '/requests?direction=incoming'],
      [['auditor'], '/audit'],
      [['administrator'], '/users'],
      [[], '/requests'],
    ];
    for (const [roles, path] of cases) assert.equal(landingPathOf(roles), path, roles.join('+') || 'no role');
  });

  it('lets the task that drafts or answers first win over reading', () => {
    assert.equal(landingPathOf(['auditor', 'officer']), '/requests');
    assert.equal(landingPathOf(['evidence-custodian', 'duty-officer']), '/desk');
    assert.equal(landingPathOf(['administrator', 'evidence-custodian']), '/requests?direction=incoming');
  });

  it('on the secretariat, which handles no case, lands at the register of nodes (an auditor at the log)', () => {
    assert.equal(landingPathOf(['administrator', 'supervisor', 'officer'], 'secretariat'), '/register');
    assert.equal(landingPathOf(['administrator'], 'secretariat'), '/register');
    assert.equal(landingPathOf(['auditor'], 'secretariat'), '/audit');
    assert.equal(landingPathOf(['administrator', 'officer'], 'node'), '/requests');
  });
});
