/**
 * Sealing a message of a registered type for a peer listed in the directory: the peer's current
 * encryption key, a new message id, the envelope, the sealed compact JWS and its digest. The
 * message module that sends then queues it with its own storage effect, in one statement.
 */
import { AppError } from '../../core/errors.ts';
import type { FederationRuntime } from '../context.ts';
import { missingCapability } from '../protocol/capabilities.ts';
import { messageDigest } from '../protocol/digest.ts';
import { refusedEndpointReason } from '../protocol/endpoint-policy.ts';
import { PROTOCOL_VERSION } from '../protocol/envelope.ts';
import { isKeyValidAt } from '../protocol/keys.ts';
import { sealMessage } from '../protocol/seal.ts';
import type { DirectoryKey, DirectoryNode } from '../protocol/types.ts';
import { createUuidV7 } from '../protocol/uuid-v7.ts';
import type { MessageDefinition } from './message-definition.ts';

export type SealedMessage = Readonly<{ id: string; type: string; message: string; digest: string }>;

/** The recipient's encryption key valid now; the most recent one during a rotation. */
function currentEncryptionKey(node: DirectoryNode, now: Date): DirectoryKey | undefined {
  return node.keys
    .filter((key) => key.use === 'enc' && isKeyValidAt(key, now))
    .sort((a, b) => Date.parse(b.notBefore) - Date.parse(a.notBefore))[0];
}

/**
 * Refuses, before anything is sealed or queued, a message the peer announced it does not read
 * (its `accepts` in the directory): a sender never sends what the peer cannot read.
 */
export function assertPeerReads(
  peer: DirectoryNode,
  message: Readonly<{ messageType: string; requestType?: string }>,
): void {
  const missing = missingCapability(peer, message);
  if (missing !== undefined) {
    throw new AppError(
      'unsupported-by-peer',
      `node ${peer.nodeId} (${peer.state}) does not read ${missing}: nothing was sent; its operator must upgrade it first`,
    );
  }
}

/**
 * Throws unless `to` may be sent `message`: it reads the type (and request type), and its
 * endpoint is one federation sends to. What sealForPeer checks first; a sender may ask earlier.
 */
export function assertMaySendTo(
  federation: FederationRuntime,
  to: DirectoryNode,
  message: Readonly<{ messageType: string; requestType?: string }>,
): void {
  assertPeerReads(to, message);
  const refusedEndpoint = refusedEndpointReason(to.endpoint, federation.allowsPlainHttpPeers);
  if (refusedEndpoint) {
    throw new AppError(
      'insecure-peer-endpoint',
      `node ${to.nodeId} (${to.state}) cannot be sent to: ${refusedEndpoint}; nothing was sent`,
    );
  }
}

export async function sealForPeer<Body>(
  federation: FederationRuntime,
  definition: MessageDefinition<Body>,
  input: Readonly<{ to: DirectoryNode; caseId: string; body: Body; now: Date }>,
): Promise<SealedMessage> {
  assertMaySendTo(federation, input.to, { messageType: definition.type });
  const recipientKey = currentEncryptionKey(input.to, input.now);
  if (!recipientKey) {
    throw new AppError(
      'invalid-state',
      `the directory lists no valid encryption key for node ${input.to.nodeId}`,
    );
  }
  const id = createUuidV7();
  const message = await sealMessage({
    envelope: {
      v: PROTOCOL_VERSION,
      id,
      from: federation.identity.nodeId,
      to: input.to.nodeId,
      type: definition.type,
      case: input.caseId,
      createdAt: input.now.toISOString(),
    },
    body: input.body,
    bodySchema: definition.bodySchema,
    senderSigning: federation.identity.keys.signing,
    recipientEncryption: { kid: recipientKey.kid, publicJwk: recipientKey.jwk },
  });
  return { id, type: definition.type, message, digest: messageDigest(message) };
}
