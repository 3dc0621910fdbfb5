/**
 * What a node has for federation once `comity init` has given it an identity: its identity and
 * keys, the verified directory of nodes, and a way to wake the delivery worker. `AppContext.federation`
 * is undefined on a node without identity; federation routes then answer 503 with a hint.
 */
import type { StoredOutboxMessage } from '../storage/outbox.repository.ts';
import type { MessageRegistry } from './messages/registry.ts';
import type { AuthorityKind, DirectoryKey, DirectoryNode, KeyPairJwk, NodeKeys } from './protocol/types.ts';

export type NodeIdentity = Readonly<{
  nodeId: string;
  state: string;
  authority: AuthorityKind;
  /** Base URL other nodes reach this node at. */
  endpoint: string;
  keys: NodeKeys;
  /**
   * Every X25519 key this node can decrypt with: the current one first, then during a rotation the
   * next one (peers may already encrypt to it) and the previous one (messages sealed before the
   * switch). Pass it as openMessage's `self.encryption`; the JWE kid picks the key.
   */
  decryptionKeys?: readonly KeyPairJwk[];
  /** The secretariat pinned at set-up: where the directory is and the keys it must be signed with. */
  secretariat: Readonly<{ url: string; publicJwks: readonly import('jose').JWK[] }> | undefined;
}>;

/** The verified directory as a node sees it (refreshed on a schedule). */
export type DirectoryLookup = Readonly<{
  findNode: (nodeId: string) => DirectoryNode | undefined;
  /** The node a State designated for a kind of authority, if any. */
  findNodeFor: (state: string, authority: AuthorityKind) => DirectoryNode | undefined;
  /** The sender's key with that kid, if the node is listed and the key exists (validity is checked by the caller). */
  findKey: (nodeId: string, kid: string) => DirectoryKey | undefined;
  /**
   * Every node of the directory held, expired or not: the peers screen lists them, and a node
   * announces its duty status to each (a send to a node of an expired directory is refused as such).
   */
  listNodes: () => readonly DirectoryNode[];
  /** Serial and times of the directory held (expired or not), for the peers screen. */
  describe: () =>
    | Readonly<{ serial: number; issuedAt: string; expiresAt: string; fetchedAt: string }>
    | undefined;
  /**
   * When the directory held expired, if it has: the lookups above then know no node (fail closed),
   * and callers say so as a transient condition (a fresh directory cures it), never as a verdict
   * about a node.
   */
  expiredSince: () => string | undefined;
  refresh: () => Promise<void>;
}>;

/**
 * A hand-off from the statement that queues a message to this process's delivery worker: the
 * statement leases the message until `leaseUntil`, and afterwards exactly one of `deliver` (it
 * committed leased: the worker posts it now) or `release` (it was not leased, or the statement
 * failed) is called. An offer holds one of the worker's slots until then.
 */
export type DeliveryHandOff = Readonly<{
  leaseUntil: Date;
  deliver: (message: StoredOutboxMessage) => void;
  release: () => void;
}>;

export type FederationRuntime = Readonly<{
  identity: NodeIdentity;
  directory: DirectoryLookup;
  /** The message types this node speaks (src/federation/messages/registry.ts). */
  messages: MessageRegistry;
  /** Tells the delivery worker that the outbox has new messages (after commit). */
  wakeDelivery: () => void;
  /**
   * Offers to post a message this process is about to queue as soon as it commits, with no claim
   * (delivery-worker.ts, "Hand-offs"); undefined when the worker is busy, stopped or absent.
   */
  offerHandOff: (peerNodeId: string) => Promise<DeliveryHandOff | undefined>;
  /** Plain-http peers off loopback are allowed (development only; protocol/endpoint-policy.ts). */
  allowsPlainHttpPeers: boolean;
}>;
