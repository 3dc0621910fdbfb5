/**
 * The age header (age-encryption.org/v1): the version line, one stanza per recipient
 * (`-> type args`, then the body in unpadded base64 wrapped at 64 columns, ending on a shorter
 * line), and `--- ` with the HMAC-SHA256 of everything up to and including `---`.
 */
import { counted } from '../../core/counted.ts';
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { AgeError } from './errors.ts';
import { parseRecipient, privateKeyOf, rawPublicKeyOf, type X25519Identity, x25519 } from './keys.ts';

export const VERSION_LINE = 'age-encryption.org/v1';
const X25519_LABEL = 'age-encryption.org/v1/X25519';
const COLUMNS = 64;
const ARGUMENT = /^[\x21-\x7e]+$/;
const BASE64 = /^[A-Za-z0-9+/]*$/;

export type Stanza = Readonly<{ type: string; args: readonly string[]; body: Buffer }>;

export function hkdf(ikm: Uint8Array, salt: Uint8Array, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, salt, info, 32));
}

/** Unpadded base64, as age writes it. */
export function base64Encode(data: Uint8Array): string {
  return Buffer.from(data).toString('base64').replace(/=+$/, '');
}

/** Canonical unpadded base64, or undefined (padding, stray characters or non-zero trailing bits). */
export function base64Decode(text: string): Buffer | undefined {
  if (!BASE64.test(text) || text.length % 4 === 1) return undefined;
  const data = Buffer.from(text, 'base64');
  return base64Encode(data) === text ? data : undefined;
}

function seal(key: Uint8Array, plaintext: Uint8Array): Buffer {
  const cipher = createCipheriv('chacha20-poly1305', key, Buffer.alloc(12), { authTagLength: 16 });
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

function open(key: Uint8Array, sealed: Buffer): Buffer | undefined {
  const decipher = createDecipheriv('chacha20-poly1305', key, Buffer.alloc(12), { authTagLength: 16 });
  decipher.setAuthTag(sealed.subarray(sealed.length - 16));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - 16)), decipher.final()]);
  } catch {
    return undefined;
  }
}

/** The X25519 stanza that gives the file key to one recipient (a fresh ephemeral key each time). */
export function wrapFileKey(fileKey: Uint8Array, recipient: string): Stanza {
  const recipientKey = parseRecipient(recipient);
  const ephemeral = privateKeyOf(randomBytes(32));
  const share = rawPublicKeyOf(ephemeral);
  const shared = x25519(ephemeral, recipientKey);
  if (shared === undefined) {
    throw new AgeError('invalid-recipient', `recipient ${recipient} is a low-order point`);
  }
  const wrapKey = hkdf(shared, Buffer.concat([share, recipientKey]), X25519_LABEL);
  return { type: 'X25519', args: [base64Encode(share)], body: seal(wrapKey, fileKey) };
}

/** The file key an X25519 stanza holds for this identity, or undefined when it is for another. */
export function unwrapFileKey(stanza: Stanza, identity: X25519Identity): Buffer | undefined {
  const share = stanza.args.length === 1 ? base64Decode(stanza.args[0] ?? '') : undefined;
  if (share?.length !== 32 || stanza.body.length !== 32) {
    throw new AgeError(
      'malformed-header',
      'malformed X25519 stanza: one 32-byte share and a 32-byte body expected',
    );
  }
  const shared = x25519(identity.privateKey, share);
  if (shared === undefined) throw new AgeError('malformed-header', 'X25519 stanza with a low-order share');
  const wrapKey = hkdf(shared, Buffer.concat([share, identity.publicKey]), X25519_LABEL);
  return open(wrapKey, stanza.body);
}

function formatStanza(stanza: Stanza): string {
  const body = base64Encode(stanza.body);
  const lines: string[] = [];
  for (let start = 0; start < body.length; start += COLUMNS) lines.push(body.slice(start, start + COLUMNS));
  if (body.length % COLUMNS === 0) lines.push('');
  return `-> ${[stanza.type, ...stanza.args].join(' ')}\n${lines.join('\n')}\n`;
}

export function headerMac(fileKey: Uint8Array, headerUpToDashes: string): Buffer {
  return createHmac('sha256', hkdf(fileKey, Buffer.alloc(0), 'header'))
    .update(headerUpToDashes, 'latin1')
    .digest();
}

/** The whole header, ending with its MAC line. */
export function formatHeader(fileKey: Uint8Array, stanzas: readonly Stanza[]): Buffer {
  const upToDashes = `${VERSION_LINE}\n${stanzas.map(formatStanza).join('')}---`;
  return Buffer.from(`${upToDashes} ${base64Encode(headerMac(fileKey, upToDashes))}\n`, 'latin1');
}

export type ParsedHeader = Readonly<{ stanzas: readonly Stanza[]; upToDashes: string; mac: Buffer }>;

function malformed(detail: string): AgeError {
  return new AgeError('malformed-header', `malformed age header: ${detail}`);
}

/** Parses a header's text (the version line up to the MAC line's end, without its newline). */
export function parseHeader(text: string): ParsedHeader {
  const lines = text.split('\n');
  if (lines[0] !== VERSION_LINE) throw notAgeFile(text);
  const stanzas: Stanza[] = [];
  let index = 1;
  while (index < lines.length) {
    const line = lines[index] ?? '';
    if (line.startsWith('---')) break;
    if (!line.startsWith('-> ')) throw malformed(`line ${index + 1} is neither a stanza nor the MAC line`);
    const [type, ...args] = line.slice(3).split(' ');
    if (type === undefined || ![type, ...args].every((argument) => ARGUMENT.test(argument))) {
      throw malformed(`stanza on line ${index + 1} has an empty or invalid argument`);
    }
    const bodyLines: string[] = [];
    for (;;) {
      index += 1;
      const bodyLine = lines[index];
      if (bodyLine === undefined) throw malformed('the header ends inside a stanza');
      if (bodyLine.length > COLUMNS) throw malformed(`line ${index + 1} is longer than 64 columns`);
      bodyLines.push(bodyLine);
      if (bodyLine.length < COLUMNS) break;
    }
    const body = base64Decode(bodyLines.join(''));
    if (body === undefined) throw malformed(`the body of stanza "${type}" is not canonical base64`);
    stanzas.push({ type, args, body });
    index += 1;
  }
  const macLine = lines[index] ?? '';
  if (index !== lines.length - 1 || !macLine.startsWith('--- ')) throw malformed('no MAC line (--- ...)');
  if (stanzas.length === 0) throw malformed('no recipient stanza');
  const mac = base64Decode(macLine.slice(4));
  if (mac?.length !== 32) throw malformed('the MAC is not 32 bytes of base64');
  const upToDashes = `${lines.slice(0, index).join('\n')}\n---`;
  return { stanzas, upToDashes, mac };
}

export function notAgeFile(start: string): AgeError {
  if (start.startsWith('-----BEGIN AGE ENCRYPTED FILE-----')) {
    return new AgeError(
      'not-age-file',
      'this is an ASCII-armored age file; Comity reads the binary format (age -d it, or encrypt without -a)',
    );
  }
  return new AgeError('not-age-file', 'not an age file: it does not begin with "age-encryption.org/v1"');
}

/** The file key of a parsed header for one of these identities, its MAC checked. */
export function fileKeyOf(header: ParsedHeader, identities: readonly X25519Identity[]): Buffer {
  const x25519Stanzas = header.stanzas.filter((stanza) => stanza.type === 'X25519');
  for (const stanza of x25519Stanzas) {
    for (const identity of identities) {
      const fileKey = unwrapFileKey(stanza, identity);
      if (fileKey === undefined) continue;
      if (fileKey.length !== 16) throw malformed('the wrapped file key is not 16 bytes');
      if (!timingSafeEqual(headerMac(fileKey, header.upToDashes), header.mac)) {
        throw new AgeError('header-mac-wrong', 'the header MAC is wrong: the header was altered or damaged');
      }
      return fileKey;
    }
  }
  const others = [
    ...new Set(header.stanzas.map((stanza) => stanza.type).filter((type) => type !== 'X25519')),
  ];
  if (x25519Stanzas.length === 0) {
    throw new AgeError(
      'unsupported-stanza',
      `unsupported recipient stanza ${others.map((type) => `"${type}"`).join(', ')}: Comity decrypts X25519 (age1...) recipients only`,
    );
  }
  throw new AgeError(
    'no-identity-matches',
    `no identity matches: the file is encrypted to ${counted(x25519Stanzas.length, 'X25519 recipient')}` +
      `${others.length > 0 ? ` and to ${others.join(', ')}` : ''}, none of them the given identities`,
  );
}
