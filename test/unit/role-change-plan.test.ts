/**
 * How a change of roles divides (src/services/role-requests.service.ts): what applies now, what
 * waits for a second administrator, and what a grant still waiting keeps.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Actor } from '../../src/policies/access.ts';
import { planRoleChange } from '../../src/services/role-requests.service.ts';

const administrator: Actor = {
  userId: '00000000-0000-4000-8000-000000000001',
  username: 'admin',
  roles: ['administrator'],
  authenticatedBy: 'session',
};

describe('planRoleChange', () => {
  it('grants at once what needs no approval, and makes a grant that reads case content wait', () => {
    const plan = planRoleChange(['officer'], ['officer', 'supervisor'], administrator);
    assert.deepEqual(plan.rolesNow, ['officer']);
    assert.deepEqual(plan.pending, ['supervisor']);
    assert.deepEqual(plan.removed, []);
  });

  it('keeps a role the user holds even when a stale grant of it still waits', () => {
    // auditor held (an earlier grant approved), a second grant of it still pending and kept.
    const plan = planRoleChange(['officer', 'auditor'], ['officer', 'auditor', 'supervisor'], administrator, [
      'auditor',
    ]);
    assert.deepEqual(plan.rolesNow, ['officer', 'auditor']);
    assert.deepEqual(plan.removed, []);
    assert.deepEqual(plan.pending, ['supervisor']);
  });

  it('does not give now, nor ask again, a role that only waits in a grant the change keeps', () => {
    const plan = planRoleChange(['officer'], ['officer', 'auditor'], administrator, ['auditor']);
    assert.deepEqual(plan.rolesNow, ['officer']);
    assert.deepEqual(plan.pending, []);
    assert.deepEqual(plan.added, []);
  });

  it("lets the node's operator grant directly", () => {
    const plan = planRoleChange(['officer'], ['officer', 'auditor'], undefined);
    assert.deepEqual(plan.rolesNow, ['officer', 'auditor']);
    assert.deepEqual(plan.pending, []);
  });
});
