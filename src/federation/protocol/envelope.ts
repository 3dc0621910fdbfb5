/**
 * The zod schemas of federation v1: the envelope every message carries, the body of each message
 * type, the receipt, and the directory document. They produce exactly the shapes of types.ts.
 *
 * IMPORTANT: these shapes travel between nodes of different States (docs/federation.md). Changing
 * one is a protocol change: bump `v`, keep accepting the old version, and regenerate the test
 * vectors (test/fixtures/federation-vectors/generate.ts), which must then change.
 *
 * Every object is strict: a v1 document has exactly the members listed here, so a field a node
 * does not understand is refused (schema-invalid) rather than silently dropped.
 */
import { z } from 'zod';
import type { DirectoryDocument, DirectoryKey, DirectoryNode, Envelope } from './types.ts';

export type { DirectoryDocument, DirectoryKey, DirectoryNode, Envelope } from './types.ts';

/** The protocol version this module speaks (the `v` member of every document). */
export const PROTOCOL_VERSION = 1;

/** A node id: a lowercase slug chosen at `comity init` (e.g. `fr-ca`, `de-247`). */
export const NODE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{2,63}$/;
export const NodeIdSchema = z.string().regex(NODE_ID_PATTERN);

/** RFC 3339 date-time in UTC (`Z`), any fraction of a second. */
export const TimestampSchema = z.iso.datetime();

/** A key id: RFC 7638 SHA-256 thumbprint, base64url without padding (43 characters). */
export const KidSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

/** A compact JWE (five base64url parts; the second, the encrypted key, is empty for ECDH-ES). */
export const CompactJweSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);

/**
 * A message type name: lowercase words separated by dots. Which types exist, and the schema of
 * each type's body, is the registry's (src/federation/messages/): the protocol carries any name and
 * the receiver refuses a type it does not speak (unsupported-message-type).
 */
export const MessageTypeNameSchema = z
  .string()
  .max(64)
  .regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/);

/** The signed envelope (the JWS payload). */
export const EnvelopeSchema = z
  .object({
    v: z.literal(PROTOCOL_VERSION),
    id: z.uuidv7(),
    from: NodeIdSchema,
    to: NodeIdSchema,
    type: MessageTypeNameSchema,
    case: z.string().min(1).max(200),
    createdAt: TimestampSchema,
    body: CompactJweSchema,
  })
  .strict();

/** The signed receipt a receiver returns (the JWS payload). */
export const ReceiptPayloadSchema = z
  .object({
    v: z.literal(PROTOCOL_VERSION),
    type: z.literal('receipt'),
    messageId: z.uuidv7(),
    /** base64url SHA-256 of the message's compact JWS (digest.ts). */
    digest: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
    /** The receiver (who signs the receipt). */
    from: NodeIdSchema,
    /** The sender of the message. */
    to: NodeIdSchema,
    receivedAt: TimestampSchema,
  })
  .strict();
export type ReceiptPayload = z.infer<typeof ReceiptPayloadSchema>;

/** A public OKP key: exactly kty, crv and x (no private member, no kid: the kid is the thumbprint). */
export const PublicOkpJwkSchema = z
  .object({
    kty: z.literal('OKP'),
    crv: z.enum(['Ed25519', 'X25519']),
    x: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  })
  .strict();

export const DirectoryKeySchema = z
  .object({
    kid: KidSchema,
    use: z.enum(['sig', 'enc']),
    jwk: PublicOkpJwkSchema,
    notBefore: TimestampSchema,
    notAfter: TimestampSchema,
  })
  .strict()
  .refine((key) => (key.use === 'sig' ? key.jwk.crv === 'Ed25519' : key.jwk.crv === 'X25519'), {
    message: 'a sig key is Ed25519 and an enc key is X25519',
    path: ['jwk', 'crv'],
  })
  .refine((key) => Date.parse(key.notBefore) < Date.parse(key.notAfter), {
    message: 'notBefore must be before notAfter',
    path: ['notAfter'],
  });

export const AuthorityKindSchema = z.enum(['central-authority', 'point-of-contact', 'extradition-authority']);

/** What a node announces it reads (docs/federation.md, section 7). */
export const NodeAcceptsSchema = z
  .object({
    protocols: z.array(z.number().int().min(1).max(1000)).min(1).max(20),
    messageTypes: z.array(MessageTypeNameSchema).max(200),
    requestTypes: z.array(z.string().regex(/^[a-z][a-z0-9-]{0,63}$/)).max(200),
  })
  .strict();

export const DirectoryNodeSchema = z
  .object({
    nodeId: NodeIdSchema,
    /** ISO 3166-1 alpha-2, or EU. */
    state: z.string().regex(/^[A-Z]{2}$/),
    authority: AuthorityKindSchema,
    endpoint: z.url({ protocol: /^https?$/ }).max(500),
    keys: z.array(DirectoryKeySchema).min(1).max(20),
    acceptedLanguages: z.array(z.string().regex(/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/)).max(50),
    serviceLevel: z.object({ acknowledgeWithinHours: z.number().positive().max(10_000).optional() }).strict(),
    accepts: NodeAcceptsSchema.optional(),
  })
  .strict()
  .refine((node) => new Set(node.keys.map((key) => key.kid)).size === node.keys.length, {
    message: 'kids must be unique within a node',
    path: ['keys'],
  });

export const DirectoryDocumentSchema = z
  .object({
    v: z.literal(PROTOCOL_VERSION),
    serial: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    issuedAt: TimestampSchema,
    expiresAt: TimestampSchema,
    nodes: z.array(DirectoryNodeSchema).max(10_000),
  })
  .strict()
  .refine((directory) => Date.parse(directory.issuedAt) < Date.parse(directory.expiresAt), {
    message: 'issuedAt must be before expiresAt',
    path: ['expiresAt'],
  })
  .refine(
    (directory) => new Set(directory.nodes.map((node) => node.nodeId)).size === directory.nodes.length,
    {
      message: 'nodeIds must be unique',
      path: ['nodes'],
    },
  );

// The schemas must produce the shapes of types.ts: a compile-time check (tsc fails on a mismatch).
type Assignable<From, To> = [From] extends [To] ? true : false;
type AllTrue<Checks extends readonly true[]> = Checks;
export type SchemasMatchTypes = AllTrue<
  [
    Assignable<z.infer<typeof EnvelopeSchema>, Envelope>,
    Assignable<z.infer<typeof DirectoryKeySchema>, DirectoryKey>,
    Assignable<z.infer<typeof DirectoryNodeSchema>, DirectoryNode>,
    Assignable<z.infer<typeof DirectoryDocumentSchema>, DirectoryDocument>,
  ]
>;
