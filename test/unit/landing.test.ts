import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { landingPathOf } from '../../web/src/app/landing.ts';

describe('where a person lands after signing in (web/src/app/landing.ts)', () => {
  it('gives each role the screen of its first task', () => {
    const cases: ReadonlyArray<[roles: string[], path: string]> = [
      [['officer'], '/requests'],
      [['duty-officer'], '/desk'],
      [['supervisor'], '/approvals'],
      [['legal-reviewer'], '/requests?direction=incoming'],
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
});
