/**
 * Where a person lands after signing in: the screen of their first task. Someone who drafts
 * (an officer) starts at the requests; a 24/7 duty officer at the duty desk, where urgent requests
 * wait to be acknowledged; a supervisor at what waits for approval; a legal reviewer at the duty
 * desk too, which lists the open cases of both sides (received here, and sent from here with the
 * other State's questions or conditions to answer); an evidence custodian, who executes what was
 * received, at the requests received; an auditor at the audit log;
 * an administrator (and nothing else) at the users and the role grants that wait. On the
 * secretariat, at the register of nodes.
 */
export function landingPathOf(roles: readonly string[], mode: 'node' | 'secretariat' = 'node'): string {
  // The secretariat handles no case: its people keep the register of nodes (an auditor, the log).
  if (mode === 'secretariat') return roles.includes('auditor') ? '/audit' : '/register';
  if (roles.includes('officer')) return '/requests';
  if (roles.includes('duty-officer')) return '/desk';
  if (roles.includes('supervisor')) return '/approvals';
  if (roles.includes('legal-reviewer')) return '/desk';
  if (roles.includes('evidence-custodian')) return '/requests?direction=incoming';
  if (roles.includes('auditor')) return '/audit';
  if (roles.includes('administrator')) return '/users';
  return '/requests';
}
