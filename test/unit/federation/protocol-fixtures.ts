/**
 * Shared fixtures of the federation protocol tests: two nodes with fresh keys, a directory-like
 * key resolver, a fixed clock, and helpers to build tokens by hand (base64url and node:crypto),
 * the way an attacker would, without going through the library.
 */
import { createHmac } from 'node:crypto';
import {
  createUuidV7,
  type DirectoryKey,
  generateNodeKeys,
  type KeyPairJwk,
  type NodeKeys,
  type OpenMessageOptions,
  type ResolveSenderKey,
  sealMessage,
} from '../../../src/federation/protocol/index.ts';
import { DEFAULT_MESSAGE_REGISTRY } from '../../../src/federation/messages/registry.ts';

export const NOW = new Date('2026-11-28T10:00:00.000Z');
export const CLOCK_SKEW_SECONDS = 300;
export const MAX_BYTES = 256 * 1024;
export const KEY_WINDOW = { notBefore: '2026-01-01T00:00:00Z', notAfter: '2027-01-01T00:00:00Z' } as const;

export type TestNode = { nodeId: string; keys: NodeKeys; directoryKeys: DirectoryKey[] };

export function directoryKeyOf(
  pair: KeyPairJwk,
  use: 'sig' | 'enc',
  window: { notBefore: string; notAfter: string } = KEY_WINDOW,
): DirectoryKey {
  return { kid: pair.kid, use, jwk: pair.publicJwk, ...window };
}

export async function createTestNode(nodeId: string): Promise<TestNode> {
  const keys = await generateNodeKeys();
  return {
    nodeId,
    keys,
    directoryKeys: [directoryKeyOf(keys.signing, 'sig'), directoryKeyOf(keys.encryption, 'enc')],
  };
}

/** A resolver over the listed nodes, as the directory client offers it (validity left to openMessage). */
export function resolverFor(...nodes: TestNode[]): ResolveSenderKey {
  return (nodeId, kid) =>
    nodes.find((node) => node.nodeId === nodeId)?.directoryKeys.find((key) => key.kid === kid);
}

/** Options for `receiver` opening a message from `sender` at NOW. */
export function openOptionsFor(
  receiver: TestNode,
  sender: TestNode,
  overrides: Partial<OpenMessageOptions> = {},
): OpenMessageOptions {
  return {
    resolveSenderKey: resolverFor(sender),
    self: { nodeId: receiver.nodeId, encryption: receiver.keys.encryption },
    now: NOW,
    clockSkewSeconds: CLOCK_SKEW_SECONDS,
    maxBytes: MAX_BYTES,
    bodySchemaOf: (type) => DEFAULT_MESSAGE_REGISTRY.find(type)?.bodySchema,
    ...overrides,
  };
}

export function envelopeFrom(
  sender: TestNode,
  recipient: TestNode,
  overrides: Partial<{
    type: string;
    createdAt: string;
    case: string;
    id: string;
  }> = {},
) {
  return {
    v: 1 as const,
    id: createUuidV7(),
    from: sender.nodeId,
    to: recipient.nodeId,
    type: 'ping' as const,
    case: 'case-1',
    createdAt: NOW.toISOString(),
    ...overrides,
  };
}

/** A valid ping from sender to recipient, sealed with the library. */
export function sealPing(
  sender: TestNode,
  recipient: TestNode,
  overrides: Parameters<typeof envelopeFrom>[2] = {},
): Promise<string> {
  return sealMessage({
    envelope: envelopeFrom(sender, recipient, overrides),
    body: {},
    senderSigning: sender.keys.signing,
    recipientEncryption: recipient.keys.encryption,
  });
}

export function base64urlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** A compact token assembled by hand: base64url(header).base64url(payload).signature. */
export function assembleToken(header: unknown, payload: unknown, signature: string): string {
  return `${base64urlJson(header)}.${base64urlJson(payload)}.${signature}`;
}

/** An HS256 token whose HMAC key is the given bytes (e.g. the sender's public key). */
export function forgeHs256Token(
  header: Record<string, unknown>,
  payload: unknown,
  hmacKey: Buffer | string,
): string {
  const signingInput = `${base64urlJson({ ...header, alg: 'HS256' })}.${base64urlJson(payload)}`;
  return `${signingInput}.${createHmac('sha256', hmacKey).update(signingInput).digest('base64url')}`;
}

/** The payload of a compact JWS, decoded (no verification). */
export function decodePayload(compact: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(compact.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

/** Flips one bit in the middle of the signature (still valid base64url of the same length). */
export function flipSignatureByte(compact: string): string {
  const [header, payload, signature = ''] = compact.split('.');
  const bytes = Buffer.from(signature, 'base64url');
  bytes[10] = (bytes[10] ?? 0) ^ 0x01;
  return `${header}.${payload}.${bytes.toString('base64url')}`;
}
