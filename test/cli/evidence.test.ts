/**
 * `comity evidence keygen|encrypt|decrypt` as a user runs them, beside Debian's `age`: each reads
 * what the other writes, and a damaged or altered file is refused in one line, with a non-zero
 * exit and no output file left behind.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ageSkipReason, buildAgeFile, runAge } from '../helpers/age-files.ts';
import { runComity } from '../helpers/cli.ts';
import { bech32Decode } from '../../src/evidence/age/bech32.ts';

const CHUNK = 64 * 1024;

describe("comity evidence, with Debian's age", { skip: ageSkipReason }, () => {
  let directory: string;
  let identityFile: string;
  let recipient: string;
  const data = randomBytes(3 * CHUNK + 777);
  const at = (name: string): string => path.join(directory, name);
  const comity = (args: readonly string[]) => runComity(directory, args);

  before(async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'comity-cli-evidence-'));
    identityFile = at('identity.txt');
    await writeFile(at('plain.bin'), data);
    const keygen = await comity(['evidence', 'keygen', '-o', identityFile]);
    assert.equal(keygen.code, 0, keygen.stderr);
    recipient = keygen.stdout.trim();
  });

  after(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  /** Runs a decryption that must be refused: one line, exit 1, nothing written. */
  async function assertRefused(file: string, expected: string, identity = identityFile): Promise<void> {
    const before = await readdir(directory);
    const run = await comity(['evidence', 'decrypt', '-i', identity, file, at('refused.out')]);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.equal(run.stderr, `comity: ${file}: ${expected}\n`);
    assert.deepEqual(await readdir(directory), before, 'no output or partial file is left');
  }

  it('keygen writes an identity file of mode 0600 whose recipient age-keygen agrees with', async () => {
    assert.match(recipient, /^age1[0-9a-z]{58}$/);
    assert.equal((await stat(identityFile)).mode & 0o777, 0o600);
    assert.equal(
      runAge(['-d', '-i', identityFile], runAge(['-r', recipient], Buffer.from('x'))).toString(),
      'x',
    );
    const again = await comity(['evidence', 'keygen', '-o', identityFile]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^comity: cannot write .*identity\.txt: EEXIST\n$/);
  });

  it("Comity encrypts, age -d decrypts the same bytes; the SHA-256 printed is the plaintext's", async () => {
    const run = await comity(['evidence', 'encrypt', '-r', recipient, at('plain.bin'), at('comity.age')]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '', 'no progress bar when standard error is not a terminal');
    const sha256 = createHash('sha256').update(data).digest('hex');
    assert.match(run.stdout, new RegExp(`: ${data.length} bytes, sha256 ${sha256}\\n$`));
    const viaAge = runAge(['-d', '-i', identityFile, at('comity.age')]);
    assert.deepEqual(viaAge, data);
  });

  it('encrypts a file of several slots (sealed on a worker thread) that age -d decrypts', async () => {
    const large = randomBytes(2 * 1024 * 1024 + 777);
    await writeFile(at('large.bin'), large);
    const run = await comity(['evidence', 'encrypt', '-r', recipient, at('large.bin'), at('large.age')]);
    assert.equal(run.code, 0, run.stderr);
    const sha256 = createHash('sha256').update(large).digest('hex');
    assert.match(run.stdout, new RegExp(`: ${large.length} bytes, sha256 ${sha256}\\n$`));
    assert.deepEqual(runAge(['-d', '-i', identityFile, at('large.age')]), large);
    await rm(at('large.bin'));
    await rm(at('large.age'));
  });

  it('age -r and age -e -i encrypt, Comity decrypts the same bytes', async () => {
    await writeFile(at('age-r.age'), runAge(['-r', recipient], data));
    await writeFile(at('age-i.age'), runAge(['-e', '-i', identityFile], data));
    for (const name of ['age-r.age', 'age-i.age']) {
      const run = await comity(['evidence', 'decrypt', '-i', identityFile, at(name), at(`${name}.out`)]);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(await readFile(at(`${name}.out`)), data);
    }
  });

  it('refuses a wrong header MAC, a truncated file, a flipped byte, swapped chunks, a wrong identity', async () => {
    const file = await readFile(at('comity.age'));
    const start = file.indexOf('\n', file.indexOf('\n---') + 1) + 1 + 16;
    const sealed = CHUNK + 16;

    const mac = Buffer.from(file);
    const macAt = mac.indexOf('\n--- ') + 5;
    mac[macAt] = mac[macAt] === 0x41 ? 0x42 : 0x41;
    await writeFile(at('mac.age'), mac);
    await assertRefused(at('mac.age'), 'the header MAC is wrong: the header was altered or damaged');

    await writeFile(at('cut.age'), file.subarray(0, start + sealed));
    await assertRefused(
      at('cut.age'),
      'the encrypted file is truncated: it ends after chunk 1, which is not its final chunk',
    );

    const flipped = Buffer.from(file);
    flipped[start + sealed + 9] = (flipped[start + sealed + 9] ?? 0) ^ 0x80;
    await writeFile(at('flipped.age'), flipped);
    await assertRefused(
      at('flipped.age'),
      'chunk 2 fails authentication: the payload was altered, reordered or cut',
    );

    const swapped = Buffer.concat([
      file.subarray(0, start + sealed),
      file.subarray(start + 2 * sealed, start + 3 * sealed),
      file.subarray(start + sealed, start + 2 * sealed),
      file.subarray(start + 3 * sealed),
    ]);
    await writeFile(at('swapped.age'), swapped);
    await assertRefused(
      at('swapped.age'),
      'chunk 2 fails authentication: the payload was altered, reordered or cut',
    );

    const other = at('other.txt');
    assert.equal((await comity(['evidence', 'keygen', '-o', other])).code, 0);
    await assertRefused(
      at('comity.age'),
      'no identity matches: the file is encrypted to 1 X25519 recipient, none of them the given identities',
      other,
    );
    await rm(other);
  });

  it('refuses a final chunk not marked as last, which age refuses too', async () => {
    const spec = {
      fileKey: randomBytes(16),
      recipientKey: bech32Decode(recipient)?.data ?? Buffer.alloc(0),
      ephemeralScalar: randomBytes(32),
      payloadNonce: randomBytes(16),
    };
    await writeFile(
      at('flag.age'),
      buildAgeFile({ ...spec, chunks: [{ plaintext: Buffer.from('evidence'), isLast: false }] }),
    );
    await assertRefused(
      at('flag.age'),
      'bad last-chunk flag: the final chunk (chunk 1) is not marked as last',
    );
    assert.throws(() => runAge(['-d', '-i', identityFile, at('flag.age')]));
    // The same file with its flag set is read by age: only the flag is wrong above.
    const marked = buildAgeFile({ ...spec, chunks: [{ plaintext: Buffer.from('evidence'), isLast: true }] });
    assert.equal(runAge(['-d', '-i', identityFile], marked).toString(), 'evidence');
  });

  it('refuses a recipient that is not one, in one line', async () => {
    const run = await comity(['evidence', 'encrypt', '-r', 'age1nope', at('plain.bin'), at('x.age')]);
    assert.equal(run.code, 1);
    assert.equal(run.stderr, 'comity: "age1nope" is not an age recipient (age1...)\n');
  });
});
