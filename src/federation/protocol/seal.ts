/**
 * Sealing and opening federation v1 messages. A message is a compact JWS (EdDSA) over the JSON
 * envelope; the envelope's `body` is a compact JWE (ECDH-ES with X25519, A256GCM) of the type's
 * body, encrypted to the recipient, whose protected header names the type (`cty`) and the sender
 * (`iss`), so a body cannot be moved into a message of another type or re-sent by another node as
 * its own (the header is the AEAD's additional data: changing it fails decryption).
 *
 * openMessage runs the receiver's checks in the order docs/federation.md gives and returns a
 * result with a reason; it never throws for bad input. The replay check (message id already
 * received) is the inbox's job, not this module's.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  diffieHellman,
  generateKeyPairSync,
  type JsonWebKey,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import type { JWK } from 'jose';
import {
  JWS_TYPES,
  parseCompactJws,
  signCompactJws,
  verifyCompactJwsNow,
  readJsonPart,
} from './compact-jws.ts';
import { readCanonicalBase64url } from './strict-json.ts';
import { messageDigest } from './digest.ts';
import type { z } from 'zod';
import { EnvelopeSchema, NODE_ID_PATTERN } from './envelope.ts';
import { decryptionKeyOf, encryptionKeyOf, isKeyValidAt, verificationKeyOf } from './keys.ts';
import type { DirectoryKey, Envelope, InboxOnlyReason, KeyPairJwk, RejectionReason } from './types.ts';

/** The JWE algorithms of v1 bodies. */
export const BODY_KEY_MANAGEMENT_ALGORITHM = 'ECDH-ES';
export const BODY_CONTENT_ENCRYPTION_ALGORITHM = 'A256GCM';

const textDecoder = new TextDecoder('utf-8', { fatal: true });

/** The recipient's public encryption key, as the directory lists it. */
export type RecipientEncryptionKey = Readonly<{ kid: string; publicJwk: JWK }>;

/**
 * Fixed randomness for the published test vectors only: the ephemeral X25519 private key (`epk`)
 * and the 96-bit AES-GCM IV. IMPORTANT: reusing an epk and IV for two bodies to the same recipient
 * breaks confidentiality. Never use this for real messages.
 */
export type FixedJweRandomness = Readonly<{ ephemeralPrivateJwk: JWK; iv: Uint8Array }>;

export type SealMessageInput = Readonly<{
  /** The envelope without its body (the body member is the JWE this function makes). */
  envelope: Omit<Envelope, 'body'>;
  /** The type's body, validated against bodySchema when given (message modules always give their type's). */
  body: unknown;
  bodySchema?: z.ZodType;
  senderSigning: KeyPairJwk;
  recipientEncryption: RecipientEncryptionKey;
}>;

/** What a body is bound to: the message type (`cty`) and the sending node (`iss`). */
export type BodyBinding = Readonly<{ type: string; from: string }>;

/** The 4-byte big-endian length or counter of the Concat KDF. */
function uint32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value);
  return buffer;
}

/**
 * The Concat KDF's OtherInfo for direct key agreement with A256GCM (RFC 7518 section 4.6.2):
 * AlgorithmID = "A256GCM", empty PartyUInfo and PartyVInfo (v1 sends no apu/apv), 256 bits.
 */
const A256GCM_OTHER_INFO = Buffer.concat([
  uint32(BODY_CONTENT_ENCRYPTION_ALGORITHM.length),
  Buffer.from(BODY_CONTENT_ENCRYPTION_ALGORITHM, 'ascii'),
  uint32(0),
  uint32(0),
  uint32(256),
]);

/**
 * The A256GCM content key of ECDH-ES in direct key agreement: one SHA-256 round of the Concat KDF.
 * Handed to the cipher as a KeyObject: node:crypto takes a raw Buffer key only after two failed
 * type checks that throw inside it, which cost more than the AES of a whole body.
 */
function contentKeyOf(privateKey: KeyObject, publicKey: KeyObject): KeyObject {
  const sharedSecret = diffieHellman({ privateKey, publicKey });
  return createSecretKey(
    createHash('sha256').update(uint32(1)).update(sharedSecret).update(A256GCM_OTHER_INFO).digest(),
  );
}

/**
 * Encrypts a body to the recipient as a compact JWE with header
 * `{"alg":"ECDH-ES","enc":"A256GCM","kid":<recipient enc kid>,"cty":<message type>,"iss":<sender node id>,"epk":...}`.
 * The body is not validated here (sealMessage validates; hostile-input tests use this directly).
 *
 * RFC 7516 and RFC 7518 sections 4.6 and 5.3 on node:crypto directly (the bytes jose's
 * CompactEncrypt gave for the same ephemeral key and IV; the vectors and their independent check
 * hold both to them): a fresh X25519 ephemeral key, the Concat KDF, AES-256-GCM with the ASCII of
 * the protected header as additional data.
 */
export async function encryptBody(
  body: unknown,
  binding: BodyBinding,
  recipient: RecipientEncryptionKey,
  fixed?: FixedJweRandomness,
): Promise<string> {
  return encryptBodyNow(body, binding, recipient, fixed);
}

function encryptBodyNow(
  body: unknown,
  binding: BodyBinding,
  recipient: RecipientEncryptionKey,
  fixed?: FixedJweRandomness,
): string {
  const recipientKey = encryptionKeyOf(recipient.publicJwk);
  const ephemeralKey = fixed
    ? createPrivateKey({ key: fixed.ephemeralPrivateJwk as JsonWebKey, format: 'jwk' })
    : generateKeyPairSync('x25519').privateKey;
  if (ephemeralKey.asymmetricKeyType !== 'x25519') throw new TypeError('the ephemeral key must be X25519');
  const ephemeralPublic = createPublicKey(ephemeralKey).export({ format: 'jwk' });
  const header = {
    alg: BODY_KEY_MANAGEMENT_ALGORITHM,
    enc: BODY_CONTENT_ENCRYPTION_ALGORITHM,
    kid: recipient.kid,
    cty: binding.type,
    iss: binding.from,
    epk: { x: ephemeralPublic.x, crv: 'X25519', kty: 'OKP' },
  };
  const protectedHeader = Buffer.from(JSON.stringify(header)).toString('base64url');
  const iv = fixed ? Buffer.from(fixed.iv) : randomBytes(12);
  if (iv.length !== 12) throw new TypeError('the A256GCM IV must be 96 bits');
  const cipher = createCipheriv('aes-256-gcm', contentKeyOf(ephemeralKey, recipientKey), iv);
  cipher.setAAD(Buffer.from(protectedHeader, 'ascii'));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(body), 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return `${protectedHeader}..${iv.toString('base64url')}.${ciphertext.toString('base64url')}.${tag.toString('base64url')}`;
}

/**
 * Signs an envelope object as a message JWS, as is (no validation: sealMessage validates; hostile
 * input tests use this to sign envelopes a receiver must refuse).
 */
export function signEnvelope(envelope: unknown, senderSigning: KeyPairJwk): Promise<string> {
  return signCompactJws(envelope, senderSigning, JWS_TYPES.message);
}

function assertSealable(input: SealMessageInput): void {
  const { type } = input.envelope;
  if (!input.bodySchema) return;
  const body = input.bodySchema.safeParse(input.body);
  if (!body.success) throw new TypeError(`invalid ${type} body: ${body.error.message}`);
}

async function sealWith(input: SealMessageInput, fixed: FixedJweRandomness | undefined): Promise<string> {
  assertSealable(input);
  const { type, from } = input.envelope;
  const body = await encryptBody(input.body, { type, from }, input.recipientEncryption, fixed);
  const envelope = { ...input.envelope, body };
  const parsed = EnvelopeSchema.safeParse(envelope);
  if (!parsed.success) throw new TypeError(`invalid envelope: ${parsed.error.message}`);
  // The parsed envelope has its members in schema order: the JSON is the same whatever the caller's key order.
  return signEnvelope(parsed.data, input.senderSigning);
}

/**
 * Seals a message: encrypts the body to the recipient, puts it in the envelope and signs the
 * envelope. Throws TypeError for an invalid envelope or body (a programming error, never sent).
 * Returns the compact JWS to POST to the recipient's /federation/v1/messages.
 */
export function sealMessage(input: SealMessageInput): Promise<string> {
  return sealWith(input, undefined);
}

/**
 * sealMessage with a fixed epk and IV, so the output is byte-for-byte reproducible. For the test
 * vectors only (see FixedJweRandomness).
 */
export function sealMessageDeterministic(
  input: SealMessageInput,
  fixed: FixedJweRandomness,
): Promise<string> {
  return sealWith(input, fixed);
}

/** The sender key a receiver found in its directory (validity is checked by openMessage). */
export type ResolveSenderKey = (
  nodeId: string,
  kid: string,
  at: Date,
) => DirectoryKey | undefined | Promise<DirectoryKey | undefined>;

export type OpenMessageOptions = Readonly<{
  /** Looks a sender's key up in the verified directory (undefined: node or kid not listed). */
  resolveSenderKey: ResolveSenderKey;
  /** This node: its id and its encryption key (an array during rotation: the JWE kid picks one). */
  self: Readonly<{ nodeId: string; encryption: KeyPairJwk | readonly KeyPairJwk[] }>;
  now: Date;
  /** Largest accepted |now - createdAt|, in seconds. */
  clockSkewSeconds: number;
  /** Largest accepted message, in bytes of the compact JWS. */
  maxBytes: number;
  /** The body schema of each message type this node speaks (the message registry); undefined: not spoken. */
  bodySchemaOf: (type: string) => z.ZodType | undefined;
}>;

/** An opened message: the envelope and the body, parsed by its type's schema. */
export type OpenedMessage = Readonly<{ type: string; envelope: Envelope; body: unknown }>;

export type OpenSuccess = Readonly<{
  ok: true;
  /** base64url SHA-256 of the compact JWS (what the receipt is about). */
  digest: string;
  /** The kid of the sender's signing key that verified the message. */
  senderKid: string;
}> &
  OpenedMessage;

export type OpenFailure = Readonly<{
  ok: false;
  reason: Exclude<RejectionReason, InboxOnlyReason>;
  detail: string;
  /**
   * The verified envelope, when the failure came after the signature and envelope checks
   * (wrong-addressee, stale-message, undecryptable, schema-invalid of the body). The inbox uses it
   * to answer a late retry of a message it already processed with its original receipt.
   */
  envelope?: Envelope;
  /** Present from the signature check on: the digest of the compact JWS. */
  digest?: string;
}>;

export type OpenResult = OpenSuccess | OpenFailure;

function fail(reason: OpenFailure['reason'], detail: string, extra: Partial<OpenFailure> = {}): OpenFailure {
  return { ok: false, reason, detail, ...extra };
}

function selectDecryptionKeys(self: OpenMessageOptions['self']): readonly KeyPairJwk[] {
  const { encryption } = self;
  return Array.isArray(encryption) ? encryption : [encryption as KeyPairJwk];
}

/**
 * Opens a received message, checking in this order (docs/federation.md, "Receiver's checks"):
 * size, compact form, header algorithm (before any key is used), the sender's key (unknown-sender,
 * expired-key at `now`), signature, envelope schema, addressee, freshness, decryption (the JWE kid
 * picks this node's key; header cty and iss must be the envelope's type and sender), body schema
 * for the type.
 *
 * Never throws for bad input: an unexpected exception becomes malformed-message. The one
 * exception: when resolveSenderKey itself throws (the node's own directory or database failed),
 * that error propagates, so the receiver answers 5xx and the sender retries, instead of refusing
 * a good message for good.
 */
export async function openMessage(compactJws: string, options: OpenMessageOptions): Promise<OpenResult> {
  try {
    return await openMessageChecked(compactJws, options);
  } catch (error) {
    if (error instanceof SenderKeyLookupError) throw error.cause;
    return fail(
      'malformed-message',
      `unexpected error: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Carries a failure of the node's own directory lookup out of openMessage unchanged. */
class SenderKeyLookupError extends Error {
  constructor(cause: unknown) {
    super('resolveSenderKey failed', { cause });
  }
}

async function openMessageChecked(compactJws: string, options: OpenMessageOptions): Promise<OpenResult> {
  if (typeof compactJws !== 'string') return fail('malformed-message', 'the message is not a string');
  // Cheap bound first (a UTF-8 character is at most 3 bytes per UTF-16 unit), then the exact count.
  if (compactJws.length > options.maxBytes || Buffer.byteLength(compactJws, 'utf8') > options.maxBytes) {
    return fail('message-too-large', `the message exceeds ${options.maxBytes} bytes`);
  }
  const parsed = parseCompactJws(compactJws, JWS_TYPES.message);
  if (!parsed.ok) {
    const reasons = {
      malformed: 'malformed-message',
      'unsupported-algorithm': 'unsupported-algorithm',
      'duplicate-member': 'duplicate-member',
      'non-canonical-encoding': 'non-canonical-encoding',
    } as const;
    return fail(reasons[parsed.reason], parsed.detail);
  }
  const { payload, header } = parsed;
  const from =
    typeof payload === 'object' && payload !== null ? (payload as { from?: unknown }).from : undefined;
  if (typeof from !== 'string' || !NODE_ID_PATTERN.test(from)) {
    return fail('malformed-message', 'the payload names no sender (from)');
  }

  let senderKey: DirectoryKey | undefined;
  try {
    senderKey = await options.resolveSenderKey(from, header.kid, options.now);
  } catch (error) {
    throw new SenderKeyLookupError(error);
  }
  if (!senderKey || senderKey.kid !== header.kid || senderKey.use !== 'sig') {
    return fail('unknown-sender', `no signing key ${header.kid} for node ${from} in the directory`);
  }
  if (!isKeyValidAt(senderKey, options.now)) {
    return fail(
      'expired-key',
      `key ${header.kid} of ${from} is valid from ${senderKey.notBefore} to ${senderKey.notAfter}`,
    );
  }
  let verificationKey: ReturnType<typeof verificationKeyOf>;
  try {
    verificationKey = verificationKeyOf(senderKey.jwk);
  } catch {
    return fail('unknown-sender', `the directory key ${header.kid} of ${from} is not an Ed25519 public key`);
  }
  if (!verifyCompactJwsNow(compactJws, verificationKey)) {
    return fail('bad-signature', `the signature does not verify with key ${header.kid} of ${from}`);
  }
  const digest = messageDigest(compactJws);

  const envelopeResult = EnvelopeSchema.safeParse(payload);
  if (!envelopeResult.success) {
    return fail('schema-invalid', `invalid envelope: ${summarizeIssues(envelopeResult.error.issues)}`, {
      digest,
    });
  }
  const envelope = envelopeResult.data;
  const verified = { envelope, digest };
  if (envelope.to !== options.self.nodeId) {
    return fail(
      'wrong-addressee',
      `the message is for ${envelope.to}, this node is ${options.self.nodeId}`,
      verified,
    );
  }
  const skewMs = Math.abs(options.now.getTime() - Date.parse(envelope.createdAt));
  if (!(skewMs <= options.clockSkewSeconds * 1000)) {
    return fail(
      'stale-message',
      `createdAt ${envelope.createdAt} is more than ${options.clockSkewSeconds} s from now`,
      verified,
    );
  }

  const bodySchema = options.bodySchemaOf(envelope.type);
  if (!bodySchema) {
    return fail(
      'unsupported-message-type',
      `this node does not accept messages of type ${envelope.type}`,
      verified,
    );
  }
  const decrypted = decryptBody(envelope.body, options.self);
  if (!decrypted.ok) return fail(decrypted.reason, decrypted.detail, verified);
  if (decrypted.contentType !== envelope.type) {
    return fail(
      'schema-invalid',
      `the body is for type ${String(decrypted.contentType)}, not ${envelope.type}`,
      verified,
    );
  }
  if (decrypted.issuer !== envelope.from) {
    return fail(
      'schema-invalid',
      `the body was encrypted by ${String(decrypted.issuer)}, not by the sender ${envelope.from}`,
      verified,
    );
  }
  const bodyResult = bodySchema.safeParse(decrypted.body);
  if (!bodyResult.success) {
    return fail(
      'schema-invalid',
      `invalid ${envelope.type} body: ${summarizeIssues(bodyResult.error.issues)}`,
      verified,
    );
  }
  return {
    ok: true,
    type: envelope.type,
    envelope,
    body: bodyResult.data,
    digest,
    senderKid: header.kid,
  } as OpenSuccess;
}

type DecryptResult =
  | { ok: true; body: unknown; contentType: unknown; issuer: unknown }
  | {
      ok: false;
      reason:
        | 'undecryptable'
        | 'unsupported-algorithm'
        | 'schema-invalid'
        | 'duplicate-member'
        | 'non-canonical-encoding';
      detail: string;
    };

const JWE_HEADER_MEMBERS = ['alg', 'enc', 'kid', 'cty', 'iss', 'epk'];

function decryptBody(jwe: string, self: OpenMessageOptions['self']): DecryptResult {
  const [headerPart = '', ...otherParts] = jwe.split('.');
  // Canonical base64url for every part (the encrypted key of ECDH-ES is empty), then the header.
  for (const part of otherParts.filter((other) => other !== '')) {
    const reading = readCanonicalBase64url(part);
    if (reading.ok) continue;
    const reason = reading.reason === 'malformed' ? 'undecryptable' : reading.reason;
    return { ok: false, reason, detail: `the body JWE: ${reading.detail}` };
  }
  const decodedHeader = readJsonPart(headerPart, 'the body JWE header');
  if (!decodedHeader.ok && decodedHeader.reason !== 'malformed') {
    return { ok: false, reason: decodedHeader.reason, detail: decodedHeader.detail };
  }
  const header = decodedHeader.ok ? decodedHeader.value : undefined;
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    return { ok: false, reason: 'undecryptable', detail: 'the body JWE header is not a JSON object' };
  }
  const { alg, enc, kid, cty, iss } = header as Record<string, unknown>;
  if (alg !== BODY_KEY_MANAGEMENT_ALGORITHM || enc !== BODY_CONTENT_ENCRYPTION_ALGORITHM) {
    return {
      ok: false,
      reason: 'unsupported-algorithm',
      detail: `body alg/enc ${JSON.stringify(alg)}/${JSON.stringify(enc)}; v1 uses ECDH-ES/A256GCM`,
    };
  }
  const extraMembers = Object.keys(header).filter((name) => !JWE_HEADER_MEMBERS.includes(name));
  if (extraMembers.length > 0) {
    return {
      ok: false,
      reason: 'undecryptable',
      detail: `unexpected body header members: ${extraMembers.join(', ')}`,
    };
  }
  const keyPair = selectDecryptionKeys(self).find((candidate) => candidate.kid === kid);
  if (!keyPair)
    return {
      ok: false,
      reason: 'undecryptable',
      detail: `the body is encrypted to key ${String(kid)}, not to this node`,
    };
  try {
    const plaintext = decryptContent(
      jwe,
      header as Record<string, unknown>,
      decryptionKeyOf(keyPair.privateJwk),
    );
    let body: unknown;
    try {
      body = JSON.parse(textDecoder.decode(plaintext));
    } catch {
      return { ok: false, reason: 'schema-invalid', detail: 'the decrypted body is not UTF-8 JSON' };
    }
    return { ok: true, body, contentType: cty, issuer: iss };
  } catch (error) {
    return {
      ok: false,
      reason: 'undecryptable',
      detail: `the body does not decrypt: ${error instanceof Error ? error.message : 'error'}`,
    };
  }
}

/** Members of a JWK that hold private key material: an `epk` carrying one is refused. */
const PRIVATE_JWK_MEMBERS = ['d', 'k', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'priv'];

/** The DER prefix of an X25519 SubjectPublicKeyInfo (RFC 8410): the 32 bytes of the key follow it. */
const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

/**
 * The X25519 public key of an `epk`'s x. Imported from PEM text: node:crypto reads a JWK object
 * only after two type checks that throw inside it, which cost more than the import itself.
 */
function x25519PublicKeyOf(x: string): KeyObject {
  const bytes = Buffer.from(x, 'base64url');
  if (bytes.length !== 32) throw new Error("the header's epk is not a 32-byte X25519 public key");
  const der = Buffer.concat([X25519_SPKI_PREFIX, bytes]).toString('base64');
  return createPublicKey(`-----BEGIN PUBLIC KEY-----\n${der}\n-----END PUBLIC KEY-----\n`);
}

/**
 * Decrypts the compact JWE of a body whose header decryptBody has checked (alg, enc, members, the
 * kid of this node's key): five parts, no encrypted key (direct key agreement), an `epk` that is
 * a public X25519 key, a 96-bit IV and a 128-bit tag. Throws when anything does not hold or the
 * tag does not verify.
 */
function decryptContent(jwe: string, header: Record<string, unknown>, key: KeyObject): Buffer {
  const parts = jwe.split('.');
  if (parts.length !== 5) throw new Error('a compact JWE has five parts');
  const [protectedHeader = '', encryptedKey = '', iv = '', ciphertext = '', tag = ''] = parts;
  if (encryptedKey !== '') throw new Error('ECDH-ES carries no encrypted key');
  const { epk } = header;
  if (
    typeof epk !== 'object' ||
    epk === null ||
    Array.isArray(epk) ||
    PRIVATE_JWK_MEMBERS.some((member) => Object.hasOwn(epk, member))
  ) {
    throw new Error("the header's epk (ephemeral public key) is missing or invalid");
  }
  const { kty, crv, x } = epk as Record<string, unknown>;
  if (kty !== 'OKP' || crv !== 'X25519' || typeof x !== 'string') {
    throw new Error("the header's epk is not an X25519 public key");
  }
  const ephemeralKey = x25519PublicKeyOf(x);
  const ivBytes = Buffer.from(iv, 'base64url');
  if (ivBytes.length !== 12) throw new Error('the IV is not 96 bits');
  const tagBytes = Buffer.from(tag, 'base64url');
  if (tagBytes.length !== 16) throw new Error('the authentication tag is not 128 bits');
  const decipher = createDecipheriv('aes-256-gcm', contentKeyOf(key, ephemeralKey), ivBytes, {
    authTagLength: 16,
  });
  decipher.setAAD(Buffer.from(protectedHeader, 'ascii'));
  decipher.setAuthTag(tagBytes);
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
}

function summarizeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}
