/**
 * The one domain error type. Services throw AppError with a code from this closed list;
 * src/http/problem.ts is the only place that maps a code to an HTTP status and an RFC 9457
 * problem type, and the CLI prints `message` as one line.
 */
import type { FieldCode } from './field-codes.ts';

export const APP_ERROR_CODES = [
  /** The input did not match the schema; `details` lists each problem with its path. */
  'invalid-input',
  /** Nothing at that address, or the caller may not know it exists. */
  'not-found',
  /** No valid session or token. */
  'unauthenticated',
  /** Authenticated, but the role does not allow the action. */
  'forbidden',
  /** A cookie-authenticated unsafe request without the matching CSRF token. */
  'csrf-token-invalid',
  /** Wrong username or password (deliberately not saying which). */
  'invalid-credentials',
  /** The password was right; the account signs in with a second factor too: send `code` (TOTP or recovery code). */
  'mfa-code-required',
  /** The account signed in with a one-time password: change it (POST /api/v1/account/password) before anything else. */
  'password-change-required',
  /** The account's roles require TOTP: enrol (POST /api/v1/account/totp) before anything else. */
  'mfa-enrolment-required',
  /** The change conflicts with the current state (duplicate name, stale version...). */
  'conflict',
  /** The action is not allowed in the resource's current state (e.g. editing a sent request). */
  'invalid-state',
  /**
   * Something on this subject waits for a second person's decision (two-person rule): a response
   * on a case holds the case, an evidence package waits once; the supervisor approves or returns it first.
   */
  'awaiting-approval',
  /**
   * A use of received evidence (onward transfer, use in another case, disclosure) is blocked by a
   * condition of use of its package until the sending State's consent is recorded; `details` name
   * the condition and the article.
   */
  'consent-required',
  /** An uploaded file (such as a CSV import) has errors; `details` lists them with line numbers. */
  'import-rejected',
  /** The request body is larger than the configured limit. */
  'payload-too-large',
  /** Too many attempts (such as failed sign-ins from one address); try again later (Retry-After). */
  'too-many-requests',
  /** The receiving node announced that it does not read this (a message or request type): nothing was queued. */
  'unsupported-by-peer',
  /**
   * A request cannot leave: this node has no federation identity yet, holds no directory of nodes
   * yet, or its directory lists no node of the requested State for this kind of request. Nothing
   * was changed.
   */
  'no-recipient-node',
  /** The receiving node's endpoint is plain HTTP off loopback, which federation refuses: nothing was queued. */
  'insecure-peer-endpoint',
  /** The node's database cannot be reached or does not answer in time; try again later. */
  'database-unavailable',
  /**
   * The node's directory of nodes has expired (its secretariat has been unreachable too long), so
   * no peer can be trusted; try again once a fresh directory arrives. Nothing was changed.
   */
  'directory-expired',
  /** A required local capability (such as a font for the PDF renderer) is missing. */
  'unavailable',
  /** An unexpected failure; the message is generic and the cause is logged. */
  'internal',
] as const;

export type AppErrorCode = (typeof APP_ERROR_CODES)[number];

/**
 * One problem with the input: where (a dotted `path`, a `line` of a file), what (the node's English
 * `message`), and, when the field can be named, its JSON `pointer` into a part of the request and a
 * stable code the client words itself (src/core/field-codes.ts).
 */
export type AppErrorDetail = Readonly<{
  path?: string;
  line?: number;
  message: string;
  pointer?: string;
  /** The part of the request `pointer` points into; the body when not given. */
  in?: 'body' | 'querystring' | 'params' | 'headers';
}> &
  Partial<FieldCode>;

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly details: readonly AppErrorDetail[];
  /** For too-many-requests and the like: seconds after which trying again may succeed (HTTP Retry-After). */
  readonly retryAfterSeconds: number | undefined;
  constructor(
    code: AppErrorCode,
    message: string,
    details: readonly AppErrorDetail[] = [],
    options: { retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
