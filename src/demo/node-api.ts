/**
 * A node's HTTP API (docs/api.md) as the demo, the process tests and the benchmark use it: sign in
 * as a user, create accounts as the administrator, get an API token and call the API with it,
 * through the typed client (src/api-client), the same routes a national case system or the web UI uses.
 */
import { randomBytes } from 'node:crypto';
import {
  type ApiBody,
  answer,
  createApiClient,
  isApiError,
  type ApiClient as TypedApiClient,
} from '../api-client/client.ts';

const CALL_TIMEOUT_MS = 30_000;

export type ApiAnswer<T = unknown> = Readonly<{ status: number; body: T; text: string }>;

/** Credentials for calls: a bearer token, or a session cookie with its CSRF token. */
export type ApiCredentials =
  | Readonly<{ kind: 'token'; token: string }>
  | Readonly<{ kind: 'session'; cookie: string; csrfToken: string }>;

/** Calls the API as someone: `api` is the typed client; `call` answers any status, for tests that probe them. */
export type ApiClient = Readonly<{
  url: string;
  /** Who the client acts as (undefined: anonymous). */
  credentials: ApiCredentials | undefined;
  /** The typed client: a status other than 2xx rejects with ApiError carrying the problem. */
  api: TypedApiClient;
  /** Answers with the status and the parsed JSON (or text); never throws for a status. */
  /** `timeoutMs`: for the calls that work through big files (30 s otherwise). */
  call: <T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    timeoutMs?: number,
  ) => Promise<ApiAnswer<T>>;
  /** Like call, but a status other than 2xx throws with the problem's title and detail. */
  expect: <T = unknown>(method: string, path: string, body?: unknown) => Promise<T>;
}>;

export function apiClient(url: string, credentials?: ApiCredentials): ApiClient {
  const call = async <T>(
    method: string,
    path: string,
    body?: unknown,
    timeoutMs = CALL_TIMEOUT_MS,
  ): Promise<ApiAnswer<T>> => {
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (credentials?.kind === 'token') headers.authorization = `Bearer ${credentials.token}`;
    if (credentials?.kind === 'session') {
      headers.cookie = credentials.cookie;
      headers['x-csrf-token'] = credentials.csrfToken;
    }
    const response = await fetch(`${url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed as T, text };
  };
  return {
    url,
    credentials,
    api: typedClient(url, credentials),
    call,
    expect: async <T>(method: string, path: string, body?: unknown): Promise<T> => {
      const answer = await call<T>(method, path, body);
      if (answer.status < 200 || answer.status >= 300) {
        throw new Error(`${method} ${path} answered ${answer.status}: ${describeProblem(answer.text)}`);
      }
      return answer.body;
    },
  };
}

function describeProblem(text: string): string {
  try {
    const problem = JSON.parse(text) as { title?: string; detail?: string };
    return [problem.title, problem.detail].filter(Boolean).join(': ') || text.slice(0, 300);
  } catch {
    return text.slice(0, 300);
  }
}

/** The typed client acting with these credentials, each call bounded in time. */
function typedClient(url: string, credentials: ApiCredentials | undefined): TypedApiClient {
  return createApiClient({
    baseUrl: url,
    ...(credentials?.kind === 'token' ? { token: credentials.token } : {}),
    ...(credentials?.kind === 'session'
      ? { sessionCookie: credentials.cookie, csrfToken: () => credentials.csrfToken }
      : {}),
    fetch: (request) => fetch(request, { signal: AbortSignal.timeout(CALL_TIMEOUT_MS) }),
  });
}

/** Signs in through POST /api/v1/session; throws when the node refuses. */
export async function signIn(url: string, username: string, password: string): Promise<ApiCredentials> {
  try {
    const { data, response } = await typedClient(url, undefined).POST('/api/v1/session', {
      body: { username, password },
    });
    const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    return { kind: 'session', cookie, csrfToken: data?.csrfToken ?? '' };
  } catch (error) {
    if (!isApiError(error)) throw error;
    const { problem } = error;
    throw new Error(
      `sign-in of ${username} at ${url} failed: ${problem.status} ${[problem.title, problem.detail].filter(Boolean).join(': ')}`,
    );
  }
}

/**
 * Signs in with a one-time password (the first administrator's, a new account's) and replaces it
 * with `newPassword` (POST /api/v1/account/password), as the first sign-in must.
 */
export async function replaceOneTimePassword(
  url: string,
  username: string,
  oneTimePassword: string,
  newPassword: string,
): Promise<void> {
  const session = await signIn(url, username, oneTimePassword);
  await answer(
    typedClient(url, session).POST('/api/v1/account/password', {
      body: { currentPassword: oneTimePassword, newPassword },
    }),
  );
}

/** Signs in and creates an API token for that user (POST /api/v1/tokens); returns token credentials. */
export async function createTokenFor(
  url: string,
  username: string,
  password: string,
): Promise<ApiCredentials> {
  const session = await signIn(url, username, password);
  const created = await answer(
    typedClient(url, session).POST('/api/v1/tokens', { body: { name: `${username} automation` } }),
  );
  return { kind: 'token', token: created.token };
}

/** The roles an account can have (POST /api/v1/users). */
export type Role = ApiBody<'/api/v1/users', 'post'>['roles'][number];

export type CreatedAccount = Readonly<{
  username: string;
  password: string;
  displayName: string;
  roles: Role[];
}>;

/** A password the node accepts, printable in a terminal. */
export function generateDemoPassword(): string {
  return `comity-${randomBytes(9).toString('base64url')}`;
}

/**
 * Creates an account as the administrator (POST /api/v1/users), whose one-time password the
 * account's first sign-in replaces with the given (or a generated) one; a second administrator
 * approves the roles that wait for one (POST /api/v1/role-requests/{id}/approve).
 */
export async function createAccount(
  administrators: Readonly<{ admin: ApiClient; approver: ApiClient }>,
  account: Readonly<{ username: string; displayName: string; roles: Role[]; password?: string }>,
): Promise<CreatedAccount> {
  const password = account.password ?? generateDemoPassword();
  const created = await answer(
    administrators.admin.api.POST('/api/v1/users', {
      body: { username: account.username, displayName: account.displayName, roles: account.roles },
    }),
  );
  if (created.oneTimePassword) {
    await replaceOneTimePassword(
      administrators.admin.url,
      account.username,
      created.oneTimePassword,
      password,
    );
  }
  if (created.pendingRoleRequest) {
    await answer(
      administrators.approver.api.POST('/api/v1/role-requests/{id}/approve', {
        params: { path: { id: created.pendingRoleRequest.id } },
      }),
    );
  }
  return { username: account.username, password, displayName: account.displayName, roles: account.roles };
}
