/**
 * A court-ready evidence export (docs/evidence.md, "Exporting for a court"): one folder that a court
 * or a defence expert checks with nothing but the folder, offline:
 *
 *   manifest.jws         the signed manifest exactly as the sending node signed it (compact JWS, EdDSA)
 *   manifest.json        the same manifest, readable
 *   signer.jwk.json      the sending node's public signing key (from the signed directory) with its kid
 *   custody.json         every custody event of every item, with its hash chain
 *   custody-report.pdf   the same, for a reader: items, digests, acquisition, conditions, timeline
 *   export.json          what this export holds: each item's file, form (decrypted or age) and digests
 *   items/<n>-<name>     each item decrypted, or `.age` encrypted to one recipient (Debian's age reads it)
 *   SHA256SUMS           every other file's SHA-256, in the format `sha256sum -c` reads
 *
 * `verifyExportFolder` is what `comity evidence verify` runs: one check per line, the first failure
 * naming what failed.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type TransformCallback, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { decryptStream, isAgeError } from './age/index.ts';
import { type CustodyEvent, checkCustodyChain } from './custody-chain.ts';
import { type EvidenceManifest, verifyManifest } from './package-manifest.ts';

export const EXPORT_FORMAT = 'comity-evidence-export/1';
export const EXPORT_FILES = {
  manifestJws: 'manifest.jws',
  manifestJson: 'manifest.json',
  signer: 'signer.jwk.json',
  custody: 'custody.json',
  report: 'custody-report.pdf',
  index: 'export.json',
  sums: 'SHA256SUMS',
} as const;

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

export const SignerFileSchema = z
  .object({
    nodeId: z.string().min(1),
    kid: z.string().min(1),
    use: z.literal('sig'),
    jwk: z.object({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string() }).loose(),
  })
  .strict();
export type SignerFile = z.infer<typeof SignerFileSchema>;

const CustodyEventSchema = z
  .object({
    id: z.string(),
    itemId: z.string(),
    sequence: z.number().int(),
    kind: z.string(),
    actor: z.object({ id: z.string().nullable(), name: z.string() }).strict(),
    at: z.string(),
    details: z.unknown(),
    previousHash: z.string().nullable(),
    hash: z.string(),
  })
  .strict();

export const CustodyFileSchema = z
  .object({
    items: z.array(
      z
        .object({
          /** The item's id on the exporting node (custody events name it). */
          itemId: z.string(),
          /** The item's id in the manifest (on the sending node). */
          manifestItemId: z.string(),
          events: z.array(CustodyEventSchema),
        })
        .strict(),
    ),
  })
  .strict();
export type CustodyFile = z.infer<typeof CustodyFileSchema>;

export const ExportIndexSchema = z
  .object({
    format: z.literal(EXPORT_FORMAT),
    packageId: z.string(),
    requestId: z.string(),
    exportedAt: z.string(),
    exportedBy: z.string(),
    exportedFrom: z.string().describe('the node that made the export'),
    reason: z.string(),
    form: z.enum(['decrypted', 'age']),
    /** age: the recipient the items are encrypted to. */
    recipient: z.string().nullable(),
    items: z.array(
      z
        .object({
          manifestItemId: z.string(),
          itemId: z.string(),
          file: z.string(),
          /** SHA-256 of the plaintext (the manifest's). */
          sha256: Sha256Hex,
          /** age: SHA-256 of the encrypted file as written (null for decrypted items). */
          encryptedSha256: Sha256Hex.nullable(),
        })
        .strict(),
    ),
  })
  .strict();
export type ExportIndex = z.infer<typeof ExportIndexSchema>;

/** The RFC 7638 thumbprint of an Ed25519 public JWK: the kid every node publishes its key under. */
export function okpThumbprint(jwk: Readonly<{ crv: string; kty: string; x: string }>): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
  return createHash('sha256').update(canonical, 'utf8').digest('base64url');
}

/** A file name safe in every archive and file system, from an item's name. */
export function itemFileName(index: number, name: string, form: 'decrypted' | 'age'): string {
  const base =
    name
      .replace(/[^A-Za-z0-9._-]+/g, '_')
      .replace(/^[._]+/, '')
      .slice(0, 70) || 'item';
  return `items/${String(index + 1).padStart(3, '0')}-${base}${form === 'age' ? '.age' : ''}`;
}

/** SHA256SUMS as `sha256sum` writes it: `<hex>  <name>` per line, in the order given. */
export function sha256sums(files: readonly Readonly<{ name: string; sha256: string }>[]): string {
  return files.map((file) => `${file.sha256}  ${file.name}\n`).join('');
}

/** A pass-through that hashes what flows through it. */
export function sha256Tap(): { tap: Transform; digest: () => string; bytes: () => number } {
  const hash = createHash('sha256');
  let count = 0;
  const tap = new Transform({
    transform(data: Buffer, _encoding, callback: TransformCallback) {
      hash.update(data);
      count += data.length;
      callback(null, data);
    },
  });
  return { tap, digest: () => hash.digest('hex'), bytes: () => count };
}

async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const piece of createReadStream(file)) hash.update(piece as Buffer);
  return hash.digest('hex');
}

/** One line of the verification: what was checked and whether it holds. */
export type ExportCheck = Readonly<{ ok: boolean; line: string }>;

class CheckFailed extends Error {}

/**
 * Checks an export folder, offline: the manifest's signature against signer.jwk.json, each item's
 * SHA-256 against the manifest (decrypting age items with `identities` when given, otherwise the
 * encrypted file against the digest recorded at export), each item's custody chain (hashes and
 * links), and SHA256SUMS. Stops at the first failure, which is the last check returned.
 */
export async function verifyExportFolder(
  folder: string,
  options: Readonly<{ identities?: readonly string[] }> = {},
): Promise<ExportCheck[]> {
  const checks: ExportCheck[] = [];
  const pass = (line: string) => checks.push({ ok: true, line });
  const fail = (line: string): never => {
    throw new CheckFailed(line);
  };
  const at = (name: string) => path.join(folder, name);
  const readText = async (name: string): Promise<string> =>
    readFile(at(name), 'utf8').catch(() => fail(`${name} is missing from ${folder}`));
  const readJson = async <T>(name: string, schema: z.ZodType<T>): Promise<T> => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readText(name));
    } catch (error) {
      if (error instanceof CheckFailed) throw error;
      return fail(`${name} is not JSON`);
    }
    const result = schema.safeParse(parsed);
    if (!result.success) {
      const issue = result.error.issues[0];
      return fail(`${name} does not have the expected form (${issue?.path.join('.')}: ${issue?.message})`);
    }
    return result.data;
  };
  try {
    // 1. The manifest's signature, with the signer's key.
    const signer = await readJson(EXPORT_FILES.signer, SignerFileSchema);
    if (okpThumbprint(signer.jwk) !== signer.kid) {
      fail(`signer.jwk.json: the key's thumbprint is not its kid ${signer.kid}`);
    }
    const compact = (await readText(EXPORT_FILES.manifestJws)).trim();
    const verified = verifyManifest(compact, { kid: signer.kid, jwk: signer.jwk });
    if (!verified.ok) fail(`manifest.jws: ${verified.reason} (key ${signer.kid} of node ${signer.nodeId})`);
    const manifest = (verified as { manifest: EvidenceManifest }).manifest;
    if (manifest.from !== signer.nodeId) {
      fail(`manifest.jws was sent by ${manifest.from}, but signer.jwk.json is the key of ${signer.nodeId}`);
    }
    pass(
      `manifest signature: valid, by node ${signer.nodeId} with key ${signer.kid} (compare with the directory)`,
    );
    const readable = await readText(EXPORT_FILES.manifestJson);
    let sameManifest = false;
    try {
      sameManifest = JSON.stringify(JSON.parse(readable)) === JSON.stringify(manifest);
    } catch {
      sameManifest = false;
    }
    if (!sameManifest) fail('manifest.json is not the content of the signed manifest.jws');
    pass('manifest.json: the signed manifest, readable');

    // 2. Each item against the manifest.
    const index = await readJson(EXPORT_FILES.index, ExportIndexSchema);
    if (index.packageId !== manifest.packageId) fail('export.json names another package than the manifest');
    const byId = new Map(manifest.items.map((item) => [item.id, item]));
    for (const item of manifest.items) {
      if (!index.items.some((entry) => entry.manifestItemId === item.id)) {
        fail(`item ${item.name} (${item.id}) of the manifest is not in the export`);
      }
    }
    for (const entry of index.items) {
      const item = byId.get(entry.manifestItemId);
      if (!item) return fail(`${entry.file} is not an item of the signed manifest`);
      if (entry.sha256 !== item.sha256)
        fail(`${entry.file}: export.json records another SHA-256 than the manifest`);
      const file = at(entry.file);
      const size = await stat(file).then(
        (info) => info.size,
        () => fail(`${entry.file} (item ${item.name}) is missing`),
      );
      if (index.form === 'decrypted') {
        const actual = await fileSha256(file);
        if (actual !== item.sha256 || size !== item.sizeBytes) {
          fail(`${entry.file} (item ${item.name}): its SHA-256 does not match the signed manifest`);
        }
        pass(`${entry.file}: SHA-256 ${item.sha256} matches the signed manifest (${item.sizeBytes} bytes)`);
      } else if (options.identities && options.identities.length > 0) {
        const tap = sha256Tap();
        try {
          await pipeline(
            createReadStream(file),
            decryptStream(options.identities),
            tap.tap,
            new Writable({ write: (_chunk, _encoding, done) => done() }),
          );
        } catch (error) {
          if (isAgeError(error)) fail(`${entry.file} (item ${item.name}) does not decrypt: ${error.message}`);
          throw error;
        }
        if (tap.digest() !== item.sha256 || tap.bytes() !== item.sizeBytes) {
          fail(`${entry.file} (item ${item.name}): the decrypted SHA-256 does not match the signed manifest`);
        }
        pass(`${entry.file}: decrypted, SHA-256 ${item.sha256} matches the signed manifest`);
      } else {
        const actual = await fileSha256(file);
        if (actual !== entry.encryptedSha256) {
          fail(
            `${entry.file} (item ${item.name}): the encrypted file does not match the digest recorded at export`,
          );
        }
        pass(
          `${entry.file}: encrypted form matches the digest recorded at export (give --identity to check the plaintext against the manifest)`,
        );
      }
    }

    // 3. The custody chains.
    const custody = await readJson(EXPORT_FILES.custody, CustodyFileSchema);
    for (const entry of index.items) {
      const chain = custody.items.find((candidate) => candidate.itemId === entry.itemId);
      if (!chain) return fail(`custody.json has no chain for item ${entry.itemId} (${entry.file})`);
      if (chain.manifestItemId !== entry.manifestItemId) {
        fail(`custody.json: the chain of item ${entry.itemId} names another manifest item`);
      }
      const events = chain.events as CustodyEvent[];
      const foreign = events.find((event) => event.itemId !== chain.itemId);
      if (foreign) fail(`custody.json: event ${foreign.sequence} (${foreign.id}) belongs to another item`);
      const check = checkCustodyChain(events);
      if (!check.isIntact) {
        const bad = check.firstBadEvent;
        fail(`custody chain of ${entry.file}: event ${bad.sequence} (${bad.id}) is broken: ${bad.reason}`);
      }
      if (events.length === 0) fail(`custody chain of ${entry.file} is empty`);
      pass(
        `custody chain of ${entry.file}: ${events.length} events, hashes and links intact, last ${events.at(-1)?.hash}`,
      );
    }

    // 4. SHA256SUMS: every file listed is there and matches, and no file of the export is left out.
    const sums = await readText(EXPORT_FILES.sums);
    const listed = new Map<string, string>();
    for (const [index, line] of sums.split('\n').entries()) {
      if (line === '') continue;
      const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
      if (!match) fail(`SHA256SUMS line ${index + 1} is not "<sha256>  <file>"`);
      listed.set(match?.[2] ?? '', match?.[1] ?? '');
    }
    for (const [name, expected] of listed) {
      if (name.includes('..') || path.isAbsolute(name))
        fail(`SHA256SUMS names a file outside the export: ${name}`);
      const actual = await fileSha256(at(name)).catch(() =>
        fail(`${name}, listed in SHA256SUMS, is missing`),
      );
      if (actual !== expected)
        fail(`${name} does not match its SHA-256 in SHA256SUMS (changed after export)`);
    }
    for (const name of Object.values(EXPORT_FILES)) {
      if (name !== EXPORT_FILES.sums && !listed.has(name)) fail(`SHA256SUMS does not list ${name}`);
    }
    pass(`SHA256SUMS: ${listed.size} files match`);
  } catch (error) {
    if (!(error instanceof CheckFailed)) throw error;
    checks.push({ ok: false, line: error.message });
  }
  return checks;
}
