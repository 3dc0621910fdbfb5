/**
 * The signed-in user, shared by every screen. The session itself is an HttpOnly cookie the UI
 * cannot read; what the UI keeps is the user and the CSRF token the node returned with it. A 401
 * on any call while signed in means the session ended (idle or maximum time, or revoked): the UI
 * then shows sign-in with a notice and comes back to the same screen afterwards. The UI asks for
 * the session at start only when the signed-in hint cookie is there (session-hint.ts).
 */
import { SIGNED_IN_HINT_COOKIE } from '../../../src/api-client/session-hint.ts';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import {
  answer,
  isApiError,
  type Permission,
  publicApi,
  setCsrfToken,
  type SessionAnswer,
  api,
  setSessionExpiredHandler,
  setSessionExpiryHandler,
  type User,
} from './api.ts';

export type SessionState =
  | Readonly<{ status: 'loading' }>
  | Readonly<{ status: 'signed-out'; hasExpired: boolean }>
  | Readonly<{ status: 'signed-in'; user: User; pendingStep: PendingStep | null }>;

/** What the user must do before anything else: change a one-time password, enrol TOTP. */
export type PendingStep = NonNullable<SessionAnswer['pendingStep']>;

/** When the session ends if nothing more happens, and how long before that the UI warns. */
export type SessionExpiry = Readonly<{ expiresAt: number; warningSeconds: number }>;

type SessionContextValue = Readonly<{
  session: SessionState;
  /** Known once signed in; follows every answer of the node (each call slides the idle time). */
  expiry: SessionExpiry | undefined;
  /** Starts the session's idle time again (the warning's "stay signed in"). */
  extend: () => Promise<void>;
  /** `code`: the TOTP or recovery code, for an account that signs in with one. */
  signIn: (username: string, password: string, code?: string) => Promise<void>;
  signOut: () => Promise<void>;
  /** Reads the session again (after a password change or TOTP enrolment). */
  refresh: () => Promise<void>;
}>;

const SessionContext = createContext<SessionContextValue | undefined>(undefined);

/** Whether the node set the signed-in hint (session-hint.ts): there may be a session to ask about. */
function hasSignedInHint(): boolean {
  return document.cookie.split(';').some((cookie) => cookie.trim().startsWith(`${SIGNED_IN_HINT_COOKIE}=`));
}

function clearSignedInHint(): void {
  // biome-ignore lint/suspicious/noDocumentCookie: the hint is the one cookie scripts may read and clear, in every browser the node serves.
  document.cookie = `${SIGNED_IN_HINT_COOKIE}=; Max-Age=0; Path=/; SameSite=Strict`;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<SessionState>({ status: 'loading' });
  const [expiry, setExpiry] = useState<SessionExpiry | undefined>(undefined);

  useEffect(() => {
    setSessionExpiryHandler((expiresAt) => {
      const time = Date.parse(expiresAt);
      if (Number.isNaN(time)) return;
      setExpiry((previous) =>
        previous && previous.expiresAt !== time ? { ...previous, expiresAt: time } : previous,
      );
    });
    return () => setSessionExpiryHandler(undefined);
  }, []);

  useEffect(() => {
    let isCurrent = true;
    if (!hasSignedInHint()) {
      // Never signed in here, or signed out: no session to ask about (a call that would answer 401).
      setSession({ status: 'signed-out', hasExpired: false });
      return;
    }
    answer(publicApi.GET('/api/v1/session'))
      .then((current) => {
        if (!isCurrent) return;
        setCsrfToken(current.csrfToken);
        setExpiry({ expiresAt: Date.parse(current.expiresAt), warningSeconds: current.warningSeconds });
        setSession({ status: 'signed-in', user: current.user, pendingStep: current.pendingStep });
      })
      .catch(() => {
        // The session ended on the node (idle, or the node was restored): the hint is stale.
        clearSignedInHint();
        if (isCurrent) setSession({ status: 'signed-out', hasExpired: false });
      });
    return () => {
      isCurrent = false;
    };
  }, []);

  useEffect(() => {
    setSessionExpiredHandler(() => {
      clearSignedInHint();
      setCsrfToken(undefined);
      setExpiry(undefined);
      setSession((previous) =>
        previous.status === 'signed-in' ? { status: 'signed-out', hasExpired: true } : previous,
      );
    });
    return () => setSessionExpiredHandler(undefined);
  }, []);

  const signIn = useCallback(async (username: string, password: string, code?: string) => {
    const created = await answer(
      publicApi.POST('/api/v1/session', { body: { username, password, ...(code ? { code } : {}) } }),
    );
    setCsrfToken(created.csrfToken);
    setExpiry({ expiresAt: Date.parse(created.expiresAt), warningSeconds: created.warningSeconds });
    setSession({ status: 'signed-in', user: created.user, pendingStep: created.pendingStep });
  }, []);

  const refresh = useCallback(async () => {
    const current = await answer(publicApi.GET('/api/v1/session'));
    setCsrfToken(current.csrfToken);
    setExpiry({ expiresAt: Date.parse(current.expiresAt), warningSeconds: current.warningSeconds });
    setSession({ status: 'signed-in', user: current.user, pendingStep: current.pendingStep });
  }, []);

  const extend = useCallback(async () => {
    const extended = await answer(api.POST('/api/v1/session/extend'));
    const time = Date.parse(extended.expiresAt);
    setExpiry((previous) => (previous ? { ...previous, expiresAt: time } : previous));
  }, []);

  const signOut = useCallback(async () => {
    try {
      await answer(publicApi.DELETE('/api/v1/session'));
    } catch (error) {
      // Already signed out on the node (expired): the UI signs out all the same.
      if (!isApiError(error)) throw error;
    }
    setCsrfToken(undefined);
    setExpiry(undefined);
    setSession({ status: 'signed-out', hasExpired: false });
  }, []);

  const value = useMemo(
    () => ({ session, expiry, extend, signIn, signOut, refresh }),
    [session, expiry, extend, signIn, signOut, refresh],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The signed-in user, or undefined. */
export function useUser(): User | undefined {
  const { session } = useSession();
  return session.status === 'signed-in' ? session.user : undefined;
}

/** Whether the signed-in user has a permission (src/policies/access.ts). */
export function useCan(permission: Permission): boolean {
  const user = useUser();
  return user?.permissions.includes(permission) ?? false;
}
