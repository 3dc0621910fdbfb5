/**
 * The shapes the node answers with, as docs/api.md describes them. Domain types come from
 * src/core and the answer types from the server's services (type-only imports: nothing of the
 * server enters the bundle), so the UI and the node cannot drift apart; only shapes the server
 * does not name are written here.
 */
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

/** Outgoing: drafted at this node; incoming: sent to this node by another State's node. */
export type RequestDirection = 'outgoing' | 'incoming';

/** Where the message carrying a sent request is (docs/api.md, Federation). */
export type DeliveryState = 'pending' | 'delivered' | 'failed' | 'cancelled';

// What the requests API answers: the server's own view types (JSON-shaped).
import type { FindingsReport, RequestView } from '../../../src/services/requests.service.ts';
export type {
  DeliveryView,
  FindingsReport,
  RequestSummary,
  RequestView,
} from '../../../src/services/requests.service.ts';

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
