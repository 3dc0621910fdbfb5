/**
 * The web UI's instance of the typed API client (src/api-client): every call to the node goes
 * through `api` or `publicApi`, so that three things happen in one place:
 * - the UI language travels as Accept-Language (the node localises findings and labels with it);
 * - unsafe calls carry the session's CSRF token in `x-csrf-token` (docs/api.md, Authentication);
 * - errors arrive as `ApiError` holding the RFC 9457 problem, and a 401 on `api` tells the session
 *   layer that the session has expired.
 *
 * The answer types the screens use are derived here from the generated contract; domain types
 * (request content, catalogue) come from src/core.
 */
import { type ApiAnswer, createApiClient } from '../../../src/api-client/client.ts';

export { answer, ApiError, isApiError, type Problem } from '../../../src/api-client/client.ts';

type ClientState = {
  csrfToken: string | undefined;
  language: string;
  onSessionExpired: (() => void) | undefined;
  onSessionExpiry: ((expiresAt: string) => void) | undefined;
};

const state: ClientState = {
  csrfToken: undefined,
  language: 'en',
  onSessionExpired: undefined,
  onSessionExpiry: undefined,
};

/** Remembers the CSRF token of the current session (or forgets it on sign-out). */
export function setCsrfToken(token: string | undefined): void {
  state.csrfToken = token;
}

/** The CSRF token of the current session, for calls made outside `api` (tus uploads). */
export function csrfToken(): string | undefined {
  return state.csrfToken;
}

/** The language the node should answer in (findings, labels). */
export function setRequestLanguage(language: string): void {
  state.language = language;
}

/** Called when a call that needed the session got 401: the session has expired or was revoked. */
export function setSessionExpiredHandler(handler: (() => void) | undefined): void {
  state.onSessionExpired = handler;
}

/** Called with the session's expiry each time the node answers a call made with the session cookie. */
export function setSessionExpiryHandler(handler: ((expiresAt: string) => void) | undefined): void {
  state.onSessionExpiry = handler;
}

const sharedOptions = {
  baseUrl: '',
  onSessionExpiry: (expiresAt: string) => state.onSessionExpiry?.(expiresAt),
  csrfToken: () => state.csrfToken,
  language: () => state.language,
};

/** Calls that need the session: a 401 means it has ended. */
export const api = createApiClient({ ...sharedOptions, onUnauthenticated: () => state.onSessionExpired?.() });

/**
 * Calls made without a session or to find out whether there is one (sign-in, the session probe,
 * health, the catalogue, the treaty status): a 401 there is an answer, not an expired session.
 */
export const publicApi = createApiClient(sharedOptions);

export type QueryValue = string | number | boolean | undefined;

/** Builds `/api/v1/...?a=b` for links (documents, the map), leaving out undefined values. */
export function apiUrl(path: string, query: Readonly<Record<string, QueryValue>> = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) search.set(key, String(value));
  }
  const text = search.toString();
  return `${path}${text ? `?${text}` : ''}`;
}

// --- What the node answers, from the contract ------------------------------------------------------

export type SessionAnswer = ApiAnswer<'/api/v1/session', 'get'>;
export type User = SessionAnswer['user'];
export type Permission = User['permissions'][number];
export type Health = ApiAnswer<'/api/v1/health', 'get'>;

export type RequestAnswer = ApiAnswer<'/api/v1/requests/{id}', 'get'>;
export type RequestView = RequestAnswer['request'];
export type RequestSummary = ApiAnswer<'/api/v1/requests', 'get'>['items'][number];
export type RequestDirection = RequestSummary['direction'];
export type DeliveryView = NonNullable<RequestView['delivery']>;
export type FindingsReport = ApiAnswer<'/api/v1/requests/{id}/findings', 'get'>;
export type SubmitAnswer = ApiAnswer<'/api/v1/requests/{id}/submit', 'post'>;
export type RequestApprovals = ApiAnswer<'/api/v1/requests/{id}/approvals', 'get'>;
export type ApprovalItem = RequestApprovals['items'][number];
export type ApprovalQueueItem = ApiAnswer<'/api/v1/approvals', 'get'>['items'][number];
export type TwoPersonDecision = ApiAnswer<'/api/v1/audit/two-person-decisions', 'get'>['items'][number];
export type CaseView = ApiAnswer<'/api/v1/requests/{id}/history', 'get'>['case'];
export type CaseEventView = CaseView['events'][number];
export type DeskCase = ApiAnswer<'/api/v1/desk', 'get'>['items'][number];

export type PeersReport = ApiAnswer<'/api/v1/peers', 'get'>;
export type Peer = PeersReport['items'][number];
export type OutboxMessage = ApiAnswer<'/api/v1/outbox', 'get'>['items'][number];
export type OutboxStatus = OutboxMessage['status'];
export type AlertDelivery = ApiAnswer<'/api/v1/alert-deliveries', 'get'>['items'][number];
export type AlertDeliveryStatus = AlertDelivery['status'];

export type StateSummary = ApiAnswer<'/api/v1/states', 'get'>['items'][number];
export type StateDetail = ApiAnswer<'/api/v1/states/{code}', 'get'>;

export type TreatyStatusReport = ApiAnswer<'/api/v1/treaty/status', 'get'>;
export type TreatyRecordView = ApiAnswer<'/api/v1/treaty/records', 'get'>['items'][number];
export type TransparencyReportView = ApiAnswer<'/api/v1/transparency', 'get'>;
