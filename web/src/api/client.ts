/**
 * The one fetch wrapper of the web UI. Every call to the node goes through `requestJson` (or
 * `requestVoid`) so that three things happen in one place:
 * - the UI language travels as Accept-Language (the node localises findings and labels with it);
 * - unsafe calls carry the session's CSRF token in `x-csrf-token` (docs/api.md, Authentication);
 * - errors arrive as `ApiError` holding the RFC 9457 problem, and a 401 while signed in tells the
 *   session layer that the session has expired.
 */

/** An RFC 9457 problem as the node sends it (src/http/problem.ts). */
export type Problem = Readonly<{
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: ReadonlyArray<Readonly<{ path?: string; line?: number; message: string }>>;
}>;

const PROBLEM_PREFIX = 'urn:comity:problem:';

/** A failed call: `problem` is what the node said, or a synthetic one for network failures. */
export class ApiError extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail ?? problem.title);
    this.name = 'ApiError';
    this.problem = problem;
  }
  /** The stable problem code (`not-found`, `invalid-input`...) or `network` when the node was not reached. */
  get code(): string {
    return this.problem.type.startsWith(PROBLEM_PREFIX)
      ? this.problem.type.slice(PROBLEM_PREFIX.length)
      : 'unknown';
  }
  get status(): number {
    return this.problem.status;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

type ClientState = {
  csrfToken: string | undefined;
  language: string;
  onSessionExpired: (() => void) | undefined;
};

const state: ClientState = { csrfToken: undefined, language: 'en', onSessionExpired: undefined };

/** Remembers the CSRF token of the current session (or forgets it on sign-out). */
export function setCsrfToken(token: string | undefined): void {
  state.csrfToken = token;
}

/** The language the node should answer in (findings, labels). */
export function setRequestLanguage(language: string): void {
  state.language = language;
}

/** Called when a call that needed the session got 401: the session has expired or was revoked. */
export function setSessionExpiredHandler(handler: (() => void) | undefined): void {
  state.onSessionExpired = handler;
}

export type QueryValue = string | number | boolean | undefined;

/** Builds `/api/v1/...?a=b` from a path and query values, leaving out undefined ones. */
export function apiUrl(path: string, query: Readonly<Record<string, QueryValue>> = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) search.set(key, String(value));
  }
  const text = search.toString();
  return `/api/v1${path}${text ? `?${text}` : ''}`;
}

type CallOptions = Readonly<{
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Readonly<Record<string, QueryValue>>;
  body?: unknown;
  signal?: AbortSignal;
  /** Extra headers, such as If-Match. */
  headers?: Readonly<Record<string, string>>;
  /** Do not report a 401 as an expired session (sign-in and the initial session probe). */
  isSessionProbe?: boolean;
}>;

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

async function call(path: string, options: CallOptions): Promise<Response> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = {
    accept: 'application/json',
    'accept-language': state.language,
    ...options.headers,
  };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (UNSAFE_METHODS.has(method) && state.csrfToken) headers['x-csrf-token'] = state.csrfToken;
  let response: Response;
  try {
    response = await fetch(apiUrl(path, options.query), {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError({ type: `${PROBLEM_PREFIX}network`, title: 'Network error', status: 0 });
  }
  if (response.ok) return response;
  const problem = await readProblem(response);
  if (response.status === 401 && !options.isSessionProbe) state.onSessionExpired?.();
  throw new ApiError(problem);
}

async function readProblem(response: Response): Promise<Problem> {
  const fallback: Problem = {
    type: `${PROBLEM_PREFIX}http-${response.status}`,
    title: response.statusText,
    status: response.status,
  };
  try {
    const body: unknown = await response.json();
    if (body && typeof body === 'object' && 'type' in body && 'title' in body) return body as Problem;
    return fallback;
  } catch {
    return fallback;
  }
}

/** Calls the node and returns its JSON answer. */
export async function requestJson<T>(path: string, options: CallOptions = {}): Promise<T> {
  const response = await call(path, options);
  return (await response.json()) as T;
}

/** Calls the node for an answer without a body (204). */
export async function requestVoid(path: string, options: CallOptions = {}): Promise<void> {
  await call(path, options);
}
