/**
 * Types of the federation protocol v1 shared by every federation module (see docs/federation.md).
 * The zod schemas in envelope.ts must produce exactly these shapes.
 *
 * IMPORTANT: these shapes travel between nodes of different States. Changing one is a protocol
 * change: bump `v`, keep accepting the old version, and update the test vectors.
 */
import type { JWK } from 'jose';

export type KeyUse = 'sig' | 'enc';

/** A key pair as JWKs (OKP: Ed25519 for signing, X25519 for encryption); kid = RFC 7638 thumbprint. */
export type KeyPairJwk = Readonly<{ kid: string; publicJwk: JWK; privateJwk: JWK }>;

export type NodeKeys = Readonly<{ signing: KeyPairJwk; encryption: KeyPairJwk }>;

export type AuthorityKind = 'central-authority' | 'point-of-contact' | 'extradition-authority';

export type DirectoryKey = Readonly<{
  kid: string;
  use: KeyUse;
  jwk: JWK;
  /** RFC 3339; the key verifies or decrypts only within [notBefore, notAfter]. */
  notBefore: string;
  notAfter: string;
}>;

export type DirectoryNode = Readonly<{
  nodeId: string;
  /** ISO 3166-1 alpha-2, or EU. */
  state: string;
  authority: AuthorityKind;
  /** Base URL; messages go to {endpoint}/federation/v1/messages. */
  endpoint: string;
  keys: readonly DirectoryKey[];
  acceptedLanguages: readonly string[];
  serviceLevel: Readonly<{ acknowledgeWithinHours?: number }>;
  /** What the node reads; absent: the v1 baseline (capabilities.ts). */
  accepts?: NodeAccepts;
}>;

/** What a node announces it reads: protocol versions, message types, and request types within request.submitted. */
export type NodeAccepts = Readonly<{
  protocols: readonly number[];
  messageTypes: readonly string[];
  requestTypes: readonly string[];
}>;

export type DirectoryDocument = Readonly<{
  v: 1;
  serial: number;
  issuedAt: string;
  expiresAt: string;
  nodes: readonly DirectoryNode[];
}>;

export type Envelope = Readonly<{
  v: 1;
  /** UUIDv7. */
  id: string;
  from: string;
  to: string;
  type: string;
  /** The sender's case (request) id this message belongs to; messages of one case are delivered in order. */
  case: string;
  createdAt: string;
  /** Compact JWE of the type's body. */
  body: string;
}>;

/** Why a message was refused; each is a problem type urn:comity:problem:federation-<reason>. */
export const REJECTION_REASONS = [
  'malformed-message',
  /** A protected header (JWS or JWE) or the envelope repeats a JSON member. */
  'duplicate-member',
  /** A base64url part is not in its one canonical form (padding, + or /, non-zero trailing bits). */
  'non-canonical-encoding',
  'unsupported-algorithm',
  'unknown-sender',
  'bad-signature',
  'expired-key',
  'wrong-addressee',
  'stale-message',
  'replayed-message',
  'schema-invalid',
  'unsupported-message-type',
  'message-too-large',
  'undecryptable',
  // Transient: the receiver cannot check the sender now; the sender retries (section 6.1).
  'directory-expired',
  'unknown-sender-key',
  /** The message is about a case the receiver does not hold, or its lifecycle does not allow it there. */
  'transition-refused',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** Reasons only the receiving node (not openMessage) gives: a replay, or a directory it cannot use now. */
export type InboxOnlyReason = 'replayed-message' | 'directory-expired' | 'unknown-sender-key';
