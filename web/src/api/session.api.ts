/** Signing in and out with the web session (cookie + CSRF token), docs/api.md "Authentication". */
import { requestJson, requestVoid } from './client.ts';
import type { SessionAnswer } from './types.ts';

export function fetchSession(): Promise<SessionAnswer> {
  return requestJson<SessionAnswer>('/session', { isSessionProbe: true });
}

export function createSession(username: string, password: string): Promise<SessionAnswer> {
  return requestJson<SessionAnswer>('/session', {
    method: 'POST',
    body: { username, password },
    isSessionProbe: true,
  });
}

export function deleteSession(): Promise<void> {
  return requestVoid('/session', { method: 'DELETE', isSessionProbe: true });
}
