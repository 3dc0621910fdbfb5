/**
 * What a node reads (protocol versions, message types, request types), as it announces in the signed directory (`accepts`, docs/federation.md
 * section 7), and the check a sender makes before it queues anything. A node listed without
 * `accepts` reads the v1 baseline: the message types and request types of the first release of
 * protocol v1, which every v1 node speaks.
 */
import { PROTOCOL_VERSION } from './envelope.ts';
import type { DirectoryNode, NodeAccepts } from './types.ts';

/** Every v1 node reads these. Frozen: later types are announced, never assumed. */
export const V1_BASELINE_ACCEPTS: NodeAccepts = Object.freeze({
  protocols: Object.freeze([1]),
  messageTypes: Object.freeze(['request.submitted', 'ping']),
  requestTypes: Object.freeze([
    'preservation',
    'traffic-disclosure',
    'stored-data',
    'real-time-traffic',
    'interception',
    'mla',
    'extradition',
    'spontaneous-information',
    'police-cooperation',
    'joint-investigation',
    'confiscation',
  ]),
});

export function acceptsOf(node: DirectoryNode): NodeAccepts {
  return node.accepts ?? V1_BASELINE_ACCEPTS;
}

/** What the node would not read of a message: its type, or the request type it carries; undefined if it reads both. */
export function missingCapability(
  node: DirectoryNode,
  message: Readonly<{ messageType: string; requestType?: string }>,
): string | undefined {
  const accepts = acceptsOf(node);
  if (!accepts.protocols.includes(PROTOCOL_VERSION)) return `protocol version ${PROTOCOL_VERSION}`;
  if (!accepts.messageTypes.includes(message.messageType)) return `message type ${message.messageType}`;
  if (message.requestType !== undefined && !accepts.requestTypes.includes(message.requestType)) {
    return `request type ${message.requestType}`;
  }
  return undefined;
}
