/**
 * The shapes the node answers with, as docs/api.md describes them. Domain types (RequestContent,
 * Catalogue, Finding) come from src/core so the UI and the node cannot drift apart; the shapes
 * only the API defines are written here.
 */
import type { RequestContent, RequestTypeId } from '../../../src/core/request/draft.ts';
import type { Finding } from '../../../src/core/validation/finding.ts';
import type { StateProfile } from '../../../src/core/directory/state-profile.ts';
import type { LocalizedText } from '../../../src/core/i18n.ts';

export type { Catalogue, RequestTypeEntry } from '../../../src/core/catalogue/catalogue.ts';
export type { RequestContent, RequestTypeId } from '../../../src/core/request/draft.ts';
export type { Finding } from '../../../src/core/validation/finding.ts';
export type { LocalizedText, Locale } from '../../../src/core/i18n.ts';
export type { StateProfile } from '../../../src/core/directory/state-profile.ts';

export type User = Readonly<{
  id: string;
  username: string;
  displayName: string;
  roles: readonly string[];
  permissions: readonly string[];
  locale: string | null;
}>;

export type SessionAnswer = Readonly<{ user: User; csrfToken: string }>;

export type Health = Readonly<{
  status: 'ok' | 'degraded';
  version: string;
  catalogueVersion: string;
  time: string;
  /** Present when the node says which State it serves. */
  node?: Readonly<{ name?: string; state?: string | null }>;
}>;

export type FindingsReport = Readonly<{ findings: readonly Finding[]; isReady: boolean }>;

/** Outgoing: drafted at this node; incoming: sent to this node by another State's node. */
export type RequestDirection = 'outgoing' | 'incoming';

/** Where the message carrying a sent request is (docs/api.md, Federation). */
export type DeliveryState = 'pending' | 'delivered' | 'failed' | 'cancelled';

export type RequestSummary = Readonly<{
  id: string;
  type: RequestTypeId;
  status: string;
  revision: number;
  caseReference: string | null;
  requestedState: string | null;
  createdBy: Readonly<{ id: string; username: string }>;
  createdAt: string;
  updatedAt: string;
  direction: RequestDirection;
  /** The node it was sent to (outgoing) or received from (incoming). */
  peerNodeId: string | null;
  /** The sending node's id of an incoming request. */
  remoteRequestId: string | null;
  /** Of a sent request; null for drafts and incoming requests. */
  deliveryState: string | null;
  /** When an incoming request arrived. */
  receivedAt: string | null;
}>;

/**
 * The message that carried a request: for an outgoing one its attempts and the receipt the
 * receiving node signed; for an incoming one the receipt this node signed.
 */
export type DeliveryView = Readonly<{
  messageId: string;
  state: string;
  attempts: number | null;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  lastError: string | null;
  /** base64url SHA-256 of the message as sent; the receipt is about these bytes. */
  digest: string;
  /** The signed receipt (compact JWS), once there is one. */
  receipt: string | null;
  receiptReceivedAt: string | null;
}>;

export type RequestView = RequestSummary &
  Readonly<{ content: RequestContent; delivery?: DeliveryView | null }>;

/** What POST /requests/{id}/send answers (202): the request's new state and the queued message. */
export type SendAnswer = Readonly<{
  request: Readonly<{
    id: string;
    status: string;
    revision: number;
    direction: RequestDirection;
    peerNodeId: string | null;
    deliveryState: string | null;
  }>;
  message: Readonly<{ id: string; peerNodeId: string; endpoint: string; digest: string }>;
}>;

// The server's own view types: what GET /api/v1/peers and /api/v1/outbox answer (JSON-shaped).
export type {
  OutboxMessageView as OutboxMessage,
  PeerHealth,
  PeersReport,
  PeerView as Peer,
} from '../../../src/services/peers.service.ts';
export type { OutboxStatus } from '../../../src/storage/outbox.repository.ts';

export type RequestAnswer = FindingsReport & Readonly<{ request: RequestView }>;

export type {
  Declaration,
  Designation,
  StateProfileInput,
} from '../../../src/core/directory/state-profile.ts';

/** A State in the directory list (GET /api/v1/states). */
export type StateSummary = Readonly<{
  code: string;
  iso3: string | null;
  kind: 'state' | 'organization';
  names: LocalizedText;
  isUnMember: boolean;
  note?: string;
  /** Names of the designated authorities known; an absent one is not yet notified. */
  designations: Readonly<{
    centralAuthority?: string;
    pointOfContact?: string;
    extraditionAuthority?: string;
  }>;
  /** Absent when not known. */
  acceptedLanguages?: readonly string[];
  timeZone?: string;
}>;

/** One State with its full profile (GET /api/v1/states/{code}). */
export type StateDetail = StateSummary &
  Readonly<{
    numericCode: string | null;
    profile: StateProfile;
    updatedAt: string;
    updatedBy: Readonly<{ id: string; username: string }> | null;
  }>;

// What GET /api/v1/treaty/records and /api/v1/treaty/status answer: the server's own view types.
export type { TreatyRecordView, TreatyStatusReport } from '../../../src/services/treaty.service.ts';
