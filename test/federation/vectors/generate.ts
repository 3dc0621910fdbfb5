/**
 * Writes the federation v1 test vectors (test/federation/vectors/*.json, embedded in
 * docs/federation.md) from fixed inputs: keys derived from published seeds, a fixed ephemeral
 * X25519 key and a fixed IV for the JWE, fixed envelopes, bodies, receipt and directory.
 *
 *   node test/federation/vectors/generate.ts          write the files and the vectors section of docs/federation.md
 *   node test/federation/vectors/generate.ts --check  exit 1 if either differs from what the code makes
 *
 * IMPORTANT: regenerating must not change the files unless the protocol changes.
 * test/federation/protocol-vectors.test.ts fails when it would (it builds them in memory and
 * compares byte for byte), so a change to the wire format cannot slip in unnoticed.
 */
import { createHash, createPrivateKey } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { JWK } from 'jose';
import {
  type DirectoryDocument,
  keyPairFromPrivateJwk,
  type KeyPairJwk,
  messageDigest,
  sealMessageDeterministic,
  signDirectory,
  signReceipt,
} from '../../../src/federation/protocol/index.ts';

const vectorsDirectory = import.meta.dirname;

/** DER prefixes of a PKCS #8 private key made of a 32-byte seed (RFC 8410). */
const PKCS8_PREFIX = {
  Ed25519: Buffer.from('302e020100300506032b657004220420', 'hex'),
  X25519: Buffer.from('302e020100300506032b656e04220420', 'hex'),
} as const;

/** The seed of a vector key: SHA-256 of "comity federation v1 test vector: <label>". */
function seedFor(label: string): Buffer {
  return createHash('sha256').update(`comity federation v1 test vector: ${label}`).digest();
}

/** A private OKP JWK from a 32-byte seed (the RFC 8032 / RFC 7748 private key). */
function privateJwkFromSeed(crv: 'Ed25519' | 'X25519', seed: Buffer): JWK {
  const key = createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX[crv], seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const { kty, crv: curve, x, d } = key.export({ format: 'jwk' });
  return { kty, crv: curve, x, d };
}

async function vectorKeyPair(
  crv: 'Ed25519' | 'X25519',
  label: string,
): Promise<KeyPairJwk & { seedLabel: string }> {
  const pair = await keyPairFromPrivateJwk(privateJwkFromSeed(crv, seedFor(label)));
  return { seedLabel: `comity federation v1 test vector: ${label}`, ...pair };
}

/** The fixed keys of the vectors. */
export async function buildVectorKeys() {
  return {
    sender: {
      nodeId: 'fr-ca',
      signing: await vectorKeyPair('Ed25519', 'fr-ca signing'),
      encryption: await vectorKeyPair('X25519', 'fr-ca encryption'),
    },
    recipient: {
      nodeId: 'de-247',
      signing: await vectorKeyPair('Ed25519', 'de-247 signing'),
      encryption: await vectorKeyPair('X25519', 'de-247 encryption'),
    },
    secretariat: { nodeId: 'secretariat', signing: await vectorKeyPair('Ed25519', 'secretariat signing') },
    /** The JWE's ephemeral key (never fixed outside the vectors). */
    ephemeral: await vectorKeyPair('X25519', 'ephemeral'),
  };
}
export type VectorKeys = Awaited<ReturnType<typeof buildVectorKeys>>;

/** The JWE IV of the vectors: the first 12 bytes of SHA-256 of a fixed label. */
const FIXED_IV = seedFor('iv').subarray(0, 12);

function decodeSegment(part: string | undefined): unknown {
  return JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8'));
}

async function buildMessageVector(
  keys: VectorKeys,
  description: string,
  envelope: {
    v: 1;
    id: string;
    from: string;
    to: string;
    type: 'ping' | 'request.submitted';
    case: string;
    createdAt: string;
  },
  body: unknown,
) {
  const messageJws = await sealMessageDeterministic(
    {
      envelope,
      body,
      senderSigning: keys.sender.signing,
      recipientEncryption: {
        kid: keys.recipient.encryption.kid,
        publicJwk: keys.recipient.encryption.publicJwk,
      },
    },
    { ephemeralPrivateJwk: keys.ephemeral.privateJwk, iv: FIXED_IV },
  );
  const [headerPart, payloadPart] = messageJws.split('.');
  const payloadJson = Buffer.from(payloadPart ?? '', 'base64url').toString('utf8');
  const bodyJwe = (JSON.parse(payloadJson) as { body: string }).body;
  return {
    description,
    inputs: {
      senderSigningKid: keys.sender.signing.kid,
      recipientEncryptionKid: keys.recipient.encryption.kid,
      ephemeralKid: keys.ephemeral.kid,
      ivBase64url: FIXED_IV.toString('base64url'),
      envelope,
      body,
      /** The exact JWE plaintext (UTF-8). */
      bodyPlaintext: JSON.stringify(body),
      /** A time at which the receiver accepts the message (createdAt + 1 s). */
      openAt: new Date(Date.parse(envelope.createdAt) + 1000).toISOString(),
      clockSkewSeconds: 300,
    },
    expected: {
      bodyJweProtectedHeader: decodeSegment(bodyJwe.split('.')[0]),
      bodyJwe,
      messageProtectedHeader: decodeSegment(headerPart),
      payloadJson,
      messageJws,
      digest: messageDigest(messageJws),
    },
  };
}

const requestSubmittedBody = {
  request: {
    type: 'preservation',
    language: 'en',
    caseReference: 'FR-CA-2026-0042',
    requestingAuthority: { state: 'FR', name: 'Central authority (example)' },
    requestedAuthority: { state: 'DE', name: '24/7 point of contact (example)' },
    subjectMatter: 'Investigation of unauthorized access to a hospital information system.',
    offences: [
      { conventionArticle: 7, domesticProvision: 'Penal code, art. 323-1 (example)', maximumPenaltyYears: 3 },
    ],
    summaryOfFacts:
      'Servers of a hospital were accessed without right from an address hosted by a provider in the requested State.',
    identifiers: [{ kind: 'ip-address', value: '203.0.113.7' }],
    custodian: { name: 'Example Hosting GmbH' },
    necessity: 'The provider keeps connection logs for a short time only.',
    intendsFollowUpRequest: true,
    preservationDays: 90,
  },
  requestId: '01970000-0000-7000-8000-000000000042',
  submittedAt: '2026-11-28T09:59:30Z',
  submittedBy: { displayName: 'Example prosecutor' },
};

async function buildReceiptVector(keys: VectorKeys, message: { messageId: string; digest: string }) {
  const input = {
    messageId: message.messageId,
    digest: message.digest,
    from: keys.recipient.nodeId,
    to: keys.sender.nodeId,
    receivedAt: '2026-11-28T10:00:00.250Z',
  };
  const receiptJws = await signReceipt(input, keys.recipient.signing);
  const [headerPart, payloadPart] = receiptJws.split('.');
  return {
    description: 'The receipt de-247 returns for the request.submitted vector message.',
    inputs: { receiverSigningKid: keys.recipient.signing.kid, ...input },
    expected: {
      protectedHeader: decodeSegment(headerPart),
      payloadJson: Buffer.from(payloadPart ?? '', 'base64url').toString('utf8'),
      receiptJws,
    },
  };
}

function directoryKey(pair: KeyPairJwk, use: 'sig' | 'enc') {
  return {
    kid: pair.kid,
    use,
    jwk: pair.publicJwk,
    notBefore: '2026-01-01T00:00:00Z',
    notAfter: '2027-12-31T23:59:59Z',
  };
}

async function buildDirectoryVector(keys: VectorKeys) {
  const document: DirectoryDocument = {
    v: 1,
    serial: 7,
    issuedAt: '2026-11-28T06:00:00Z',
    expiresAt: '2026-12-05T06:00:00Z',
    nodes: [
      {
        nodeId: keys.sender.nodeId,
        state: 'FR',
        authority: 'central-authority',
        endpoint: 'https://comity.example.fr',
        keys: [directoryKey(keys.sender.signing, 'sig'), directoryKey(keys.sender.encryption, 'enc')],
        acceptedLanguages: ['fr', 'en'],
        serviceLevel: { acknowledgeWithinHours: 24 },
      },
      {
        nodeId: keys.recipient.nodeId,
        state: 'DE',
        authority: 'point-of-contact',
        endpoint: 'https://comity.example.de',
        keys: [directoryKey(keys.recipient.signing, 'sig'), directoryKey(keys.recipient.encryption, 'enc')],
        acceptedLanguages: ['de', 'en'],
        serviceLevel: { acknowledgeWithinHours: 2 },
      },
    ],
  };
  const directoryJws = await signDirectory(document, keys.secretariat.signing);
  const [headerPart, payloadPart] = directoryJws.split('.');
  return {
    description: 'A directory of the two vector nodes, signed by the vector secretariat key.',
    inputs: {
      secretariatSigningKid: keys.secretariat.signing.kid,
      document,
      verifyAt: '2026-11-28T10:00:00Z',
    },
    expected: {
      protectedHeader: decodeSegment(headerPart),
      payloadJson: Buffer.from(payloadPart ?? '', 'base64url').toString('utf8'),
      directoryJws,
    },
  };
}

/** Every vector file, by file name, as the exact text written to disk. */
export async function buildVectorFiles(): Promise<Record<string, string>> {
  const keys = await buildVectorKeys();
  const ping = await buildMessageVector(
    keys,
    'A ping from fr-ca to de-247 (empty body).',
    {
      v: 1,
      id: '01970000-0000-7000-8000-000000000001',
      from: keys.sender.nodeId,
      to: keys.recipient.nodeId,
      type: 'ping',
      case: 'ping',
      createdAt: '2026-11-28T10:00:00Z',
    },
    {},
  );
  const requestSubmitted = await buildMessageVector(
    keys,
    'A preservation request submitted by fr-ca to de-247.',
    {
      v: 1,
      id: '01970000-0000-7000-8000-000000000002',
      from: keys.sender.nodeId,
      to: keys.recipient.nodeId,
      type: 'request.submitted',
      case: requestSubmittedBody.requestId,
      createdAt: '2026-11-28T10:00:00Z',
    },
    requestSubmittedBody,
  );
  const receipt = await buildReceiptVector(keys, {
    messageId: requestSubmitted.inputs.envelope.id,
    digest: requestSubmitted.expected.digest,
  });
  const directory = await buildDirectoryVector(keys);
  const files = {
    'keys.json': {
      description: 'Fixed private keys of the vectors (never use them for anything else).',
      ...keys,
    },
    'message-ping.json': ping,
    'message-request-submitted.json': requestSubmitted,
    'receipt.json': receipt,
    'directory.json': directory,
  };
  return Object.fromEntries(
    Object.entries(files).map(([name, value]) => [name, `${JSON.stringify(value, null, 2)}\n`]),
  );
}

/** docs/federation.md, whose "Test vectors" section embeds the files between two markers. */
export const DOCS_PATH = path.join(vectorsDirectory, '..', '..', '..', 'docs', 'federation.md');
const DOCS_BEGIN =
  '<!-- test-vectors:begin (generated by test/federation/vectors/generate.ts; do not edit) -->';
const DOCS_END = '<!-- test-vectors:end -->';

/** The documentation text with its vectors section replaced by the given files. */
export function embedVectorsInDocs(docs: string, files: Record<string, string>): string {
  const begin = docs.indexOf(DOCS_BEGIN);
  const end = docs.indexOf(DOCS_END);
  if (begin < 0 || end < begin)
    throw new Error(`docs/federation.md lacks the markers ${DOCS_BEGIN} ... ${DOCS_END}`);
  const sections = Object.entries(files).map(
    ([name, text]) => `### \`test/federation/vectors/${name}\`\n\n\`\`\`json\n${text}\`\`\`\n`,
  );
  return `${docs.slice(0, begin + DOCS_BEGIN.length)}\n\n${sections.join('\n')}\n${docs.slice(end)}`;
}

/** The vector files as checked in. */
export async function readVectorFiles(names: readonly string[]): Promise<Record<string, string>> {
  const entries = await Promise.all(
    names.map(async (name) => [name, await readFile(path.join(vectorsDirectory, name), 'utf8')] as const),
  );
  return Object.fromEntries(entries);
}

if (import.meta.main) {
  const files = await buildVectorFiles();
  if (process.argv.includes('--check')) {
    const current = await readVectorFiles(Object.keys(files)).catch(() => ({}) as Record<string, string>);
    const stale = Object.keys(files).filter((name) => current[name] !== files[name]);
    const docs = await readFile(DOCS_PATH, 'utf8');
    if (embedVectorsInDocs(docs, files) !== docs) stale.push('docs/federation.md');
    if (stale.length > 0) {
      process.stderr.write(`test vectors differ from what the code makes: ${stale.join(', ')}\n`);
      process.exit(1);
    }
    process.stdout.write('test vectors are up to date\n');
  } else {
    for (const [name, text] of Object.entries(files))
      await writeFile(path.join(vectorsDirectory, name), text);
    await writeFile(DOCS_PATH, embedVectorsInDocs(await readFile(DOCS_PATH, 'utf8'), files));
    process.stdout.write(
      `wrote ${Object.keys(files).length} files to ${vectorsDirectory} and their section of ${DOCS_PATH}\n`,
    );
  }
}
