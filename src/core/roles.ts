/**
 * The roles a user account can hold. Storage keeps them, policies (src/policies/access.ts) give
 * each its permissions; both read the list from here.
 */
export const ROLES = [
  'officer',
  'supervisor',
  'duty-officer',
  'legal-reviewer',
  'evidence-custodian',
  'auditor',
  'administrator',
] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
