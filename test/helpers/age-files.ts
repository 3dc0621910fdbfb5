/**
 * Age files built step by step from the specification (age-encryption.org/v1), independently of
 * src/evidence/age, with every secret chosen by the test: the derivations the codec must agree
 * with, and files the codec never writes (a final chunk not marked last, chunks in another order).
 * Also: where Debian's `age` is (COMITY_TEST_AGE, set by npm test when it is installed), and runs
 * of it.
 */
import { spawnSync } from 'node:child_process';
import {
  createCipheriv,
  createHmac,
  createPrivateKey,
  diffieHellman,
  createPublicKey,
  hkdfSync,
} from 'node:crypto';

export const ageBinary = process.env.COMITY_TEST_AGE;
export const ageSkipReason: string | false = ageBinary
  ? false
  : "COMITY_TEST_AGE is not set (npm test sets it when Debian's age is installed: apt-get install age)";

export function runAge(args: readonly string[], input?: Buffer): Buffer {
  const result = spawnSync(ageBinary ?? 'age', args, { input, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`age ${args.join(' ')}: ${result.stderr.toString()}`);
  return result.stdout;
}

const derive = (ikm: Buffer, salt: Buffer, info: string): Buffer =>
  Buffer.from(hkdfSync('sha256', ikm, salt, info, 32));

const x25519Private = (scalar: Buffer) =>
  createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), scalar]),
    format: 'der',
    type: 'pkcs8',
  });

export function x25519PublicOf(scalar: Buffer): Buffer {
  return createPublicKey(x25519Private(scalar)).export({ format: 'der', type: 'spki' }).subarray(12);
}

function chachaSeal(key: Buffer, nonce: Buffer, plaintext: Buffer): Buffer {
  const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

const b64 = (data: Buffer): string => data.toString('base64').replace(/=+$/, '');

export type HandBuiltFile = Readonly<{
  fileKey: Buffer;
  /** The recipient's X25519 public key (raw). */
  recipientKey: Buffer;
  ephemeralScalar: Buffer;
  payloadNonce: Buffer;
  /** Plaintext chunks in order, each with its last-chunk flag. */
  chunks: ReadonlyArray<Readonly<{ plaintext: Buffer; isLast: boolean; counter?: number }>>;
  /** Stanzas written before the X25519 one, e.g. `-> scrypt ...`. */
  extraStanzas?: readonly string[];
  /** Leave out the X25519 stanza (a file for other recipient types only). */
  withoutX25519?: boolean;
}>;

/** An age file assembled by hand: header, MAC, nonce, STREAM chunks as given. */
export function buildAgeFile(spec: HandBuiltFile): Buffer {
  const share = x25519PublicOf(spec.ephemeralScalar);
  const shared = diffieHellman({
    privateKey: x25519Private(spec.ephemeralScalar),
    publicKey: createPublicKey({
      key: Buffer.concat([Buffer.from('302a300506032b656e032100', 'hex'), spec.recipientKey]),
      format: 'der',
      type: 'spki',
    }),
  });
  const wrapKey = derive(shared, Buffer.concat([share, spec.recipientKey]), 'age-encryption.org/v1/X25519');
  const body = chachaSeal(wrapKey, Buffer.alloc(12), spec.fileKey);
  const stanzas = [
    ...(spec.extraStanzas ?? []),
    ...(spec.withoutX25519 ? [] : [`-> X25519 ${b64(share)}\n${b64(body)}\n`]),
  ];
  const upToDashes = `age-encryption.org/v1\n${stanzas.join('')}---`;
  const mac = createHmac('sha256', derive(spec.fileKey, Buffer.alloc(0), 'header'))
    .update(upToDashes)
    .digest();
  const payloadKey = derive(spec.fileKey, spec.payloadNonce, 'payload');
  const sealed = spec.chunks.map((chunk, index) => {
    const nonce = Buffer.alloc(12);
    nonce.writeUIntBE(chunk.counter ?? index, 5, 6);
    nonce[11] = chunk.isLast ? 1 : 0;
    return chachaSeal(payloadKey, nonce, chunk.plaintext);
  });
  return Buffer.concat([Buffer.from(`${upToDashes} ${b64(mac)}\n`), spec.payloadNonce, ...sealed]);
}
