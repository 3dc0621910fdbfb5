/**
 * A small client of a node's HTTP API (docs/api.md) for the demo, the process tests and the
 * benchmark: sign in as a user, create accounts as the administrator, get an API token and call
 * the API with it. It goes through the same routes a national case system or the web UI uses.
 */
import { randomBytes } from 'node:crypto';

const CALL_TIMEOUT_MS = 30_000;

export type ApiAnswer<T = unknown> = Readonly<{ status: number; body: T; text: string }>;

/** Credentials for calls: a bearer token, or a session cookie with its CSRF token. */
export type ApiCredentials =
  | Readonly<{ kind: 'token'; token: string }>
  | Readonly<{ kind: 'session'; cookie: string; csrfToken: string }>;

/** Calls the API as someone; answers with the status and the parsed JSON (or text). Never throws for a status. */
export type ApiClient = Readonly<{
  url: string;
  /** Who the client acts as (undefined: anonymous). */
  credentials: ApiCredentials | undefined;
  call: <T = unknown>(method: string, path: string, body?: unknown) => Promise<ApiAnswer<T>>;
  /** Like call, but a status other than 2xx throws with the problem's title and detail. */
  expect: <T = unknown>(method: string, path: string, body?: unknown) => Promise<T>;
}>;

export function apiClient(url: string, credentials?: ApiCredentials): ApiClient {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<ApiAnswer<T>> => {
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
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
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

/** Signs in through POST /api/v1/session; throws when the node refuses. */
export async function signIn(url: string, username: string, password: string): Promise<ApiCredentials> {
  const response = await fetch(`${url}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
    signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
  });
  const text = await response.text();
  if (!response.ok)
    throw new Error(`sign-in of ${username} at ${url} failed: ${response.status} ${describeProblem(text)}`);
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { csrfToken } = JSON.parse(text) as { csrfToken: string };
  return { kind: 'session', cookie, csrfToken };
}

/** Signs in and creates an API token for that user (POST /api/v1/tokens); returns token credentials. */
export async function createTokenFor(
  url: string,
  username: string,
  password: string,
): Promise<ApiCredentials> {
  const session = await signIn(url, username, password);
  const created = await apiClient(url, session).expect<{ token: string }>('POST', '/api/v1/tokens', {
    name: `${username} automation`,
  });
  return { kind: 'token', token: created.token };
}

export type CreatedAccount = Readonly<{
  username: string;
  password: string;
  displayName: string;
  roles: string[];
}>;

/** A password the node accepts, printable in a terminal. */
export function generateDemoPassword(): string {
  return `comity-${randomBytes(9).toString('base64url')}`;
}

/** Creates an account as the administrator (POST /api/v1/users) with a generated password. */
export async function createAccount(
  admin: ApiClient,
  account: Readonly<{ username: string; displayName: string; roles: string[]; password?: string }>,
): Promise<CreatedAccount> {
  const password = account.password ?? generateDemoPassword();
  await admin.expect('POST', '/api/v1/users', {
    username: account.username,
    displayName: account.displayName,
    password,
    roles: account.roles,
  });
  return { username: account.username, password, displayName: account.displayName, roles: account.roles };
}
