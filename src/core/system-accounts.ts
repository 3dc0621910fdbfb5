/**
 * The node's own accounts, as opposed to people's: the account that requests received from other
 * nodes are created by (`@federation`). People's usernames never start with "@" (the username rule
 * of src/services/users.service.ts), so the prefix tells them apart. The node refuses any change
 * to such an account, and the web UI offers none. Pure: no I/O.
 */
export function isSystemAccount(username: string): boolean {
  return username.startsWith('@');
}
