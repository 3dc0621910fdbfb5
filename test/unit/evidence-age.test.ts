/**
 * The age format codec (src/evidence/age): keys in age's bech32 encodings, identity files, round
 * trips at the chunk boundaries, agreement with files built by hand from the specification, and
 * each refusal of a damaged, altered or foreign file with its own reason.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Duplex, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { bech32Decode, bech32Encode } from '../../src/evidence/age/bech32.ts';
import {
  type AgeErrorCode,
  CHUNK_SIZE,
  decryptStream,
  encryptFile,
  encryptStream,
  formatIdentityFile,
  generateIdentity,
  isAgeError,
  parseIdentityFile,
  recipientOf,
} from '../../src/evidence/age/index.ts';
import { buildAgeFile, type HandBuiltFile, x25519PublicOf } from '../helpers/age-files.ts';

// A fixed identity whose recipient Debian's `age-keygen -y` gives as below.
const SCALAR = Buffer.from(Array.from({ length: 32 }, (_, index) => index + 1));
const IDENTITY = 'AGE-SECRET-KEY-1QYPQXPQ9QCRSSZG2PVXQ6RS0ZQG3YYC5Z5TPWXQERGD3C8G7RUSQGPQYEE';
const RECIPIENT = 'age1q73he0q5yzfu3d64msd3p6rvksnrwjk3d2598mgtmlqt9wrdr37q2vrn72';

/** Feeds data in pieces of `piece` bytes (odd sizes cross every boundary). */
async function through(transform: Duplex, data: Buffer, piece = 7919): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for (let start = 0; start < data.length; start += piece) pieces.push(data.subarray(start, start + piece));
  const output: Buffer[] = [];
  await pipeline(Readable.from(pieces), transform, async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) output.push(chunk);
  });
  return Buffer.concat(output);
}

const encrypt = (data: Buffer, recipients = [RECIPIENT], piece?: number) =>
  through(encryptStream(recipients), data, piece);
const decrypt = (file: Buffer, identities = [IDENTITY], piece?: number) =>
  through(decryptStream(identities), file, piece);

async function refusal(
  file: Buffer,
  identities = [IDENTITY],
): Promise<{ code: AgeErrorCode; message: string }> {
  try {
    await decrypt(file, identities);
  } catch (error) {
    if (isAgeError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  assert.fail('the file was accepted');
}

/** Where the payload's chunks start in a file with one X25519 stanza (header + 16-byte nonce). */
function payloadStart(file: Buffer): number {
  return file.indexOf('\n', file.indexOf('\n---') + 1) + 1 + 16;
}

function handBuilt(overrides: Partial<HandBuiltFile>): Buffer {
  return buildAgeFile({
    fileKey: Buffer.alloc(16, 0x2a),
    recipientKey: x25519PublicOf(SCALAR),
    ephemeralScalar: Buffer.alloc(32, 0x07),
    payloadNonce: Buffer.alloc(16, 0x11),
    chunks: [{ plaintext: Buffer.from('evidence'), isLast: true }],
    ...overrides,
  });
}

describe('age keys', () => {
  it('encodes identities and recipients in bech32 as age does', () => {
    assert.equal(bech32Encode('age-secret-key-', SCALAR).toUpperCase(), IDENTITY);
    assert.equal(recipientOf(IDENTITY), RECIPIENT);
    assert.deepEqual(bech32Decode(RECIPIENT)?.data, x25519PublicOf(SCALAR));
  });

  it('refuses a recipient with a wrong checksum, mixed case or another type', () => {
    const flipped = `${RECIPIENT.slice(0, -1)}${RECIPIENT.endsWith('2') ? '3' : '2'}`;
    assert.throws(() => encryptStream([flipped]), /is not an age recipient/);
    assert.throws(() => encryptStream([RECIPIENT.toUpperCase()]), /is not an age recipient/);
    assert.throws(
      () => encryptStream([bech32Encode('age1other', Buffer.alloc(32))]),
      /not an X25519 age recipient/,
    );
  });

  it('generates identities whose recipient decrypts what is encrypted to it', async () => {
    const { identity, recipient } = generateIdentity();
    assert.match(identity, /^AGE-SECRET-KEY-1[0-9A-Z]{58}$/);
    assert.equal(recipientOf(identity), recipient);
    const data = randomBytes(1000);
    assert.deepEqual(await decrypt(await encrypt(data, [recipient]), [identity]), data);
  });

  it('reads identity files with comments, blank lines and CRLF, and refuses one without identity', () => {
    const text = `${formatIdentityFile(IDENTITY, new Date('2026-12-05T00:00:00Z'))}\r\n# another\r\n\r\n${generateIdentity().identity}\r\n`;
    assert.match(text, /^# created: 2026-12-05T00:00:00Z\n# public key: age1q73he0q5/);
    const identities = parseIdentityFile(text);
    assert.equal(identities.length, 2);
    assert.equal(identities[0], IDENTITY);
    assert.throws(() => parseIdentityFile('# nothing\n\n'), /holds no identity/);
    assert.throws(() => parseIdentityFile(`# x\n${IDENTITY.slice(0, -1)}Q\n`), /line 2: not an age identity/);
    assert.throws(() => parseIdentityFile('AGE-PLUGIN-YUBIKEY-1QQQQQQ\n'), /line 1: not an age identity/);
  });
});

describe('age files: round trips', () => {
  for (const size of [
    0,
    1,
    CHUNK_SIZE - 1,
    CHUNK_SIZE,
    CHUNK_SIZE + 1,
    2 * CHUNK_SIZE,
    // Sealed on a worker thread in slots of 16 chunks: one slot exactly (sealed on the caller's
    // thread), one byte more, two slots exactly, and several slots.
    16 * CHUNK_SIZE,
    16 * CHUNK_SIZE + 1,
    32 * CHUNK_SIZE,
    5 * 1024 * 1024 + 3,
  ]) {
    it(`${size} bytes, written and read in odd pieces`, async () => {
      const data = randomBytes(size);
      const file = await encrypt(data);
      const chunks = Math.max(1, Math.ceil(size / CHUNK_SIZE));
      assert.equal(file.length, payloadStart(file) + size + 16 * chunks);
      assert.deepEqual(await decrypt(file), data);
    });
  }

  it('in one write and with several recipients, each of which decrypts', async () => {
    const data = randomBytes(3 * CHUNK_SIZE + 5);
    const other = generateIdentity();
    const file = await encrypt(data, [other.recipient, RECIPIENT], data.length);
    assert.deepEqual(await decrypt(file, [IDENTITY], file.length), data);
    assert.deepEqual(await decrypt(file, [other.identity]), data);
  });

  it('encrypts file to file (encryptFile) with the SHA-256 of the plaintext, and leaves no file on failure', async () => {
    const directory = await mkdtemp(path.join(os.tmpdir(), 'comity-age-file-'));
    try {
      for (const size of [0, 100, 16 * CHUNK_SIZE, 3 * 1024 * 1024 + 7]) {
        const data = randomBytes(size);
        await writeFile(path.join(directory, 'plain'), data);
        const output = path.join(directory, `sealed-${size}`);
        const sealed = await encryptFile([RECIPIENT], path.join(directory, 'plain'), output);
        assert.deepEqual(sealed, { sha256: createHash('sha256').update(data).digest('hex'), bytes: size });
        assert.equal((await stat(output)).mode & 0o777, 0o600);
        assert.deepEqual(await decrypt(await readFile(output)), data);
      }
      await assert.rejects(
        encryptFile([RECIPIENT], path.join(directory, 'plain'), path.join(directory, 'sealed-0')),
        /EEXIST/,
      );
      await assert.rejects(
        encryptFile([RECIPIENT], path.join(directory, 'missing'), path.join(directory, 'out')),
        /ENOENT/,
      );
      assert.equal(existsSync(path.join(directory, 'out')), false);
      await assert.rejects(
        encryptFile(['age1nope'], path.join(directory, 'plain'), path.join(directory, 'out')),
        /is not an age recipient/,
      );
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('writes the header as the specification lays it out', async () => {
    const file = await encrypt(Buffer.from('x'));
    const header = file.subarray(0, payloadStart(file) - 16).toString('latin1');
    assert.match(
      header,
      /^age-encryption\.org\/v1\n-> X25519 [A-Za-z0-9+/]{43}\n[A-Za-z0-9+/]{43}\n--- [A-Za-z0-9+/]{43}\n$/,
    );
  });
});

describe('age files built by hand from the specification', () => {
  it('decrypts a single-chunk file and a file of two chunks', async () => {
    assert.equal((await decrypt(handBuilt({}))).toString(), 'evidence');
    const first = randomBytes(CHUNK_SIZE);
    const file = handBuilt({
      chunks: [
        { plaintext: first, isLast: false },
        { plaintext: Buffer.from('tail'), isLast: true },
      ],
    });
    assert.deepEqual(await decrypt(file), Buffer.concat([first, Buffer.from('tail')]));
  });

  it('skips stanzas of other types when an X25519 stanza matches', async () => {
    const file = handBuilt({ extraStanzas: ['-> ssh-ed25519 abc ZGVm\nAAAA\n'] });
    assert.equal((await decrypt(file)).toString(), 'evidence');
  });

  it('refuses a final chunk not marked as last', async () => {
    const refused = await refusal(
      handBuilt({ chunks: [{ plaintext: Buffer.from('evidence'), isLast: false }] }),
    );
    assert.deepEqual(refused, {
      code: 'last-chunk-flag',
      message: 'bad last-chunk flag: the final chunk (chunk 1) is not marked as last',
    });
  });

  it('refuses an empty final chunk after a full one', async () => {
    const file = handBuilt({
      chunks: [
        { plaintext: randomBytes(CHUNK_SIZE), isLast: false },
        { plaintext: Buffer.alloc(0), isLast: true },
      ],
    });
    assert.equal((await refusal(file)).code, 'truncated');
  });

  it('refuses chunks after one marked last (trailing data)', async () => {
    const file = handBuilt({
      chunks: [
        { plaintext: randomBytes(CHUNK_SIZE), isLast: true },
        { plaintext: Buffer.from('more'), isLast: true, counter: 1 },
      ],
    });
    assert.deepEqual(await refusal(file), {
      code: 'trailing-data',
      message: 'trailing data after the final chunk (chunk 1)',
    });
  });

  it('refuses a file for other recipient types only', async () => {
    const file = handBuilt({
      withoutX25519: true,
      extraStanzas: ['-> scrypt c2FsdHNhbHRzYWx0c2FsdA 18\nAAAA\n'],
    });
    assert.deepEqual(await refusal(file), {
      code: 'unsupported-stanza',
      message: 'unsupported recipient stanza "scrypt": Comity decrypts X25519 (age1...) recipients only',
    });
  });
});

describe('age files: refusals', () => {
  const data = randomBytes(3 * CHUNK_SIZE + 100);
  const file = encrypt(data);

  it('a header MAC that does not match', async () => {
    const altered = Buffer.from(await file);
    const macAt = altered.indexOf('\n--- ') + 5;
    altered[macAt] = altered[macAt] === 0x41 ? 0x42 : 0x41;
    assert.deepEqual(await refusal(altered), {
      code: 'header-mac-wrong',
      message: 'the header MAC is wrong: the header was altered or damaged',
    });
  });

  it('a file cut at a chunk boundary, inside a chunk, or inside the nonce', async () => {
    const whole = await file;
    const start = payloadStart(whole);
    assert.deepEqual(await refusal(whole.subarray(0, start + 2 * (CHUNK_SIZE + 16))), {
      code: 'truncated',
      message: 'the encrypted file is truncated: it ends after chunk 2, which is not its final chunk',
    });
    assert.equal((await refusal(whole.subarray(0, start + CHUNK_SIZE + 16 + 10))).code, 'truncated');
    assert.equal((await refusal(whole.subarray(0, start - 3))).code, 'truncated');
    assert.equal((await refusal(whole.subarray(0, start + 1000))).code, 'chunk-tampered');
  });

  it('a flipped byte in a chunk', async () => {
    const altered = Buffer.from(await file);
    const at = payloadStart(altered) + CHUNK_SIZE + 16 + 500;
    altered[at] = (altered[at] ?? 0) ^ 0x01;
    assert.deepEqual(await refusal(altered), {
      code: 'chunk-tampered',
      message: 'chunk 2 fails authentication: the payload was altered, reordered or cut',
    });
  });

  it('two swapped chunks', async () => {
    const whole = await file;
    const start = payloadStart(whole);
    const sealed = CHUNK_SIZE + 16;
    const swapped = Buffer.concat([
      whole.subarray(0, start),
      whole.subarray(start + sealed, start + 2 * sealed),
      whole.subarray(start, start + sealed),
      whole.subarray(start + 2 * sealed),
    ]);
    assert.equal(swapped.length, whole.length);
    assert.deepEqual(await refusal(swapped), {
      code: 'chunk-tampered',
      message: 'chunk 1 fails authentication: the payload was altered, reordered or cut',
    });
  });

  it('bytes appended after a full final chunk', async () => {
    const full = await encrypt(randomBytes(CHUNK_SIZE));
    assert.equal((await refusal(Buffer.concat([full, Buffer.from('extra')]))).code, 'trailing-data');
  });

  it('a file for another identity', async () => {
    const refused = await refusal(await file, [generateIdentity().identity]);
    assert.equal(refused.code, 'no-identity-matches');
    assert.match(refused.message, /^no identity matches: the file is encrypted to 1 X25519 recipient/);
  });

  it('what is not an age file, an armored one, an empty one, a header cut short', async () => {
    assert.equal((await refusal(Buffer.from('just some text that is long enough'))).code, 'not-age-file');
    assert.match(
      (await refusal(Buffer.from('-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n'))).message,
      /ASCII-armored/,
    );
    assert.deepEqual(await refusal(Buffer.alloc(0)), {
      code: 'not-age-file',
      message: 'not an age file: it is empty',
    });
    const whole = await file;
    assert.equal((await refusal(whole.subarray(0, 60))).code, 'malformed-header');
  });

  it('a malformed X25519 stanza', async () => {
    const whole = (await file).toString('latin1');
    const altered = Buffer.from(whole.replace(/-> X25519 (\S+)\n/, '-> X25519 $1 extra\n'), 'latin1');
    assert.equal((await refusal(altered)).code, 'malformed-header');
  });
});
