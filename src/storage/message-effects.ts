/**
 * What a federation message changes besides the inbox and outbox rows, described as data so that
 * storage can write it in the SAME statement as those rows (one round trip, one transaction). A
 * message module (src/federation/messages/) says which effect its message has; this module is the
 * closed list of effects storage knows how to write. A new kind of effect is a new member here and
 * its SQL in the repository that writes it.
 */
import type { CaseEventWrite } from './case-events.repository.ts';
import type { IncomingRequestWrite } from './federation-requests.repository.ts';

/** The delivery states an outgoing request shows while its message travels. */
export type DeliveryState = 'pending' | 'delivered' | 'failed' | 'cancelled';

/**
 * At the receiver, inside the receiving statement: a request arrives (incoming-request), or a
 * transition the other node made is appended to the case history with the status it leads to
 * (case-event; the event keeps the id of the message that carried it), or a peer says whether
 * someone is on duty there (peer-duty-status: kept unless an announcement made later is already stored),
 * or a restored peer asks for what it lost (redelivery-requested).
 */
export type ReceiveEffect =
  | Readonly<{ kind: 'incoming-request'; request: IncomingRequestWrite }>
  | Readonly<{ kind: 'case-event'; event: CaseEventWrite }>
  | Readonly<{ kind: 'peer-duty-status'; status: PeerDutyStatusWrite }>
  | Readonly<{ kind: 'redelivery-requested'; redelivery: RedeliveryWrite }>
  | Readonly<{ kind: 'evidence-package-offered'; offer: EvidencePackageOfferWrite }>
  | Readonly<{ kind: 'evidence-package-received'; verdict: EvidencePackageVerdictWrite }>
  | Readonly<{ kind: 'audit-witnessed-head'; head: WitnessedHeadWrite }>
  | Readonly<{ kind: 'evidence-consent-requested'; ask: EvidenceConsentAskWrite }>
  | Readonly<{ kind: 'evidence-consent-answered'; answer: EvidenceConsentAnswerWrite }>;

/**
 * The requesting node asks this (executing) node's consent to a use of a package it sent
 * (evidence.consent-requested): stored as a pending incoming consent, only for a package this node
 * sent that node for that request.
 */
export type EvidenceConsentAskWrite = Readonly<{
  consentId: string;
  packageId: string;
  /** The request on this node (the executing side). */
  requestId: string;
  peerNodeId: string;
  use: Readonly<{ kind: 'onward-transfer' | 'other-case' | 'disclosure'; target: string | null }>;
  reasons: string;
  askedAt: Date;
}>;

/** The executing node's answer to an ask this node made (evidence.consent-answered). */
export type EvidenceConsentAnswerWrite = Readonly<{
  consentId: string;
  peerNodeId: string;
  isGranted: boolean;
  conditions: string | null;
  reasons: string;
  answeredAt: Date;
}>;

/** A peer's signed audit tree head, kept by this node as its witness (audit.tree-head). */
export type WitnessedHeadWrite = Readonly<{
  nodeId: string;
  treeSize: number;
  /** Lower-case hex. */
  rootHash: string;
  signedAt: Date;
  keyId: string;
  signature: string;
  receivedAt: Date;
}>;

/**
 * The executing node offers an evidence package for a request this node sent
 * (evidence.package-offered): it is stored as incoming, status fetching, with its signed manifest,
 * chunk list and package key; the evidence transfer worker fetches the chunks.
 */
export type EvidencePackageOfferWrite = Readonly<{
  packageId: string;
  requestId: string;
  peerNodeId: string;
  manifest: string;
  chunks: readonly Readonly<{ item: string; index: number; hash: string; size: number }>[];
  /** base64 */
  packageKey: string;
  receivedAt: Date;
}>;

/** The requesting node's verdict on a package this node sent (evidence.package-received). */
export type EvidencePackageVerdictWrite = Readonly<{
  packageId: string;
  peerNodeId: string;
  isVerified: boolean;
  failureReason: string | null;
  receivedAt: Date;
}>;

/**
 * A peer restored from a backup asks for the messages this node delivered to it since a point
 * (sync.redeliver-request): they become pending again, their first receipts kept.
 */
export type RedeliveryWrite = Readonly<{
  peerNodeId: string;
  /** Messages delivered at or after this time; null: every delivered message (within the retention window). */
  deliveredSince: Date | null;
  requestedAt: Date;
}>;

/** A peer's announcement that someone is on duty there, or nobody (duty.status). */
export type PeerDutyStatusWrite = Readonly<{
  nodeId: string;
  isOnDuty: boolean;
  asOf: Date;
  receivedAt: Date;
}>;

/** What happened to an outgoing message: delivered, failed for good, cancelled, or pending again (retried). */
export type DeliveryOutcome = DeliveryState;

/**
 * At the sender, in the statement that records a message's outcome: the outgoing request the
 * message carries shows `state`.
 */
export type SenderEffect = Readonly<{
  kind: 'request-delivery-state';
  requestId: string;
  state: DeliveryState;
}>;
