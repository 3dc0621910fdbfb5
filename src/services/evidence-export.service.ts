/**
 * The court-ready export of an evidence package (docs/evidence.md, "Exporting for a court"): the
 * signed manifest as received, the signer's public key from the directory, every custody event of
 * every item, a custody report (PDF, in the user's language), the items decrypted or encrypted with
 * age to a recipient the user names, and SHA256SUMS, as one tar stream (src/evidence/tar.ts). The
 * folder it unpacks to is checked offline by `comity evidence verify` (src/evidence/export-bundle.ts).
 *
 * Exporting is a custody event: `exported`, with who, the reason the user gave and the form, in
 * each item's chain before the archive is written (so the export holds its own event).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import type { AppContext } from '../app-context.ts';
import { AppError } from '../core/errors.ts';
import type { Locale } from '../core/i18n.ts';
import { UUID_PATTERN } from '../core/ids.ts';
import { type CustodyReportLabels, loadCustodyReportLabels } from '../data/custody-report-labels/index.ts';
import { encryptStream, isAgeError } from '../evidence/age/index.ts';
import { openAtRest } from '../evidence/at-rest.ts';
import {
  type CustodyFile,
  EXPORT_FILES,
  EXPORT_FORMAT,
  type ExportIndex,
  itemFileName,
  type SignerFile,
  sha256Tap,
  sha256sums,
} from '../evidence/export-bundle.ts';
import { type EvidenceManifest, readManifest } from '../evidence/package-manifest.ts';
import { tarEnd, tarHeader, tarPadding } from '../evidence/tar.ts';
import { type Actor, can } from '../policies/access.ts';
import {
  findEvidencePackage,
  listEvidencePackagesOfRequest,
  type StoredEvidencePackage,
} from '../storage/evidence-packages.repository.ts';
import {
  listCustodyEvents,
  listEvidenceItems,
  type StoredEvidenceItem,
} from '../storage/evidence.repository.ts';
import { findRequestById } from '../storage/requests.repository.ts';
import { custodyReport } from './custody-report.ts';
import { appendCustody, evidencePaths, findEvidenceRequest } from './evidence.service.ts';

export const EvidenceExportSchema = z
  .object({
    id: z.string().regex(UUID_PATTERN).describe('a request id (its one evidence package) or a package id'),
    reason: z.string().trim().min(1).max(2000).describe('why the evidence is exported (recorded in custody)'),
    form: z
      .enum(['decrypted', 'age'])
      .describe('decrypted: the items as plain files; age: each item encrypted to ageRecipient'),
    ageRecipient: z
      .string()
      .trim()
      .regex(/^age1[0-9a-z]{58}$/)
      .optional()
      .describe('age: the recipient (age1...) the items are encrypted to'),
  })
  .strict();
export type EvidenceExportInput = z.infer<typeof EvidenceExportSchema>;

/** An export ready to stream: its file name and the tar bytes. */
export type EvidenceExport = Readonly<{ fileName: string; packageId: string; archive: Readable }>;

async function findPackageToExport(
  context: AppContext,
  actor: Actor,
  id: string,
): Promise<StoredEvidencePackage> {
  const request = await findRequestById(context.db, id);
  if (request) {
    await findEvidenceRequest(context, actor, id, 'read');
    const packages = (await listEvidencePackagesOfRequest(context.db, id)).filter((candidate) =>
      candidate.direction === 'incoming' ? candidate.status === 'verified' : candidate.status !== 'failed',
    );
    if (packages.length === 0) {
      throw new AppError('invalid-state', `request ${id} has no verified evidence package to export`);
    }
    if (packages.length > 1) {
      throw new AppError(
        'invalid-input',
        `request ${id} has ${packages.length} evidence packages: export one by its id (${packages.map((p) => p.id).join(', ')})`,
        [{ path: 'id', message: 'name the package' }],
      );
    }
    return packages[0] as StoredEvidencePackage;
  }
  const stored = await findEvidencePackage(context.db, id);
  if (!stored) throw new AppError('not-found', `no request or evidence package ${id}`);
  await findEvidenceRequest(context, actor, stored.requestId, 'read');
  if (stored.direction === 'incoming' && stored.status !== 'verified') {
    throw new AppError(
      'invalid-state',
      `evidence package ${id} is ${stored.status}; only a verified package can be exported`,
    );
  }
  return stored;
}

type ExportedItem = Readonly<{ manifestItem: EvidenceManifest['items'][number]; item: StoredEvidenceItem }>;

function itemsOf(
  stored: StoredEvidencePackage,
  manifest: EvidenceManifest,
  items: readonly StoredEvidenceItem[],
): ExportedItem[] {
  return manifest.items.map((manifestItem) => {
    const item = items.find((candidate) => {
      if (stored.direction === 'outgoing') return candidate.id === manifestItem.id;
      const source = (candidate.acquisition as { sourceItemId?: unknown } | null)?.sourceItemId;
      return candidate.packageId === stored.id && source === manifestItem.id;
    });
    if (!item)
      throw new AppError('invalid-state', `item ${manifestItem.name} of the package is not held here`);
    if (item.status !== 'stored') {
      throw new AppError(
        'invalid-state',
        `evidence item ${item.id} (${manifestItem.name}) is ${item.status}; it cannot be exported`,
      );
    }
    return { manifestItem, item };
  });
}

type Entry = Readonly<{ name: string; size: number; content: () => AsyncIterable<Buffer> }>;

function bufferEntry(name: string, content: Buffer | string): Entry {
  const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
  return {
    name,
    size: bytes.length,
    content: async function* () {
      yield bytes;
    },
  };
}

/**
 * Prepares an export of a package (or of a request's one package) for the actor: checks, age
 * encryption to a temporary folder (ciphertext only), custody `exported`, then the tar stream.
 */
export async function exportEvidence(
  context: AppContext,
  actor: Actor,
  input: EvidenceExportInput,
  locale: Locale,
): Promise<EvidenceExport> {
  const federation = context.federation;
  if (!federation)
    throw new AppError('unavailable', 'this node has no federation identity yet (comity init)');
  if (input.form === 'age' && !input.ageRecipient) {
    throw new AppError('invalid-input', 'an age export needs the recipient to encrypt to', [
      { path: 'ageRecipient', message: 'required when form is age' },
    ]);
  }
  const stored = await findPackageToExport(context, actor, input.id);
  const reading = readManifest(stored.manifest);
  if (!reading.ok)
    throw new AppError('invalid-state', `the package's manifest does not read: ${reading.reason}`);
  const { manifest } = reading;
  const key = federation.directory.findKey(manifest.from, reading.kid);
  if (key?.use !== 'sig') {
    throw new AppError(
      'unavailable',
      `the directory does not list key ${reading.kid} of node ${manifest.from}: refresh the directory and retry`,
    );
  }
  const signer: SignerFile = {
    nodeId: manifest.from,
    kid: key.kid,
    use: 'sig',
    jwk: key.jwk as SignerFile['jwk'],
  };
  const exported = itemsOf(stored, manifest, await listEvidenceItems(context.db, stored.requestId));
  if (exported.some(({ item }) => item.isSensitive) && !can(actor, 'evidence:read-sensitive')) {
    throw new AppError(
      'forbidden',
      'the package holds sensitive items: your roles do not allow evidence:read-sensitive',
    );
  }
  const paths = evidencePaths(context);
  const files = exported.map(({ manifestItem }, index) => itemFileName(index, manifestItem.name, input.form));
  const work = path.join(paths.root, 'exports', randomUUID());
  const encrypted = new Map<string, string>();
  if (input.form === 'age') {
    await mkdir(work, { recursive: true, mode: 0o700 });
    try {
      for (const [index, { item, manifestItem }] of exported.entries()) {
        const plain = sha256Tap();
        const sealed = sha256Tap();
        await pipeline(
          createReadStream(paths.itemFile(item.storageKey)),
          openAtRest(paths.root),
          plain.tap,
          encryptStream([input.ageRecipient ?? '']),
          sealed.tap,
          createWriteStream(path.join(work, String(index)), { mode: 0o600 }),
        );
        if (plain.digest() !== manifestItem.sha256) {
          throw new AppError(
            'invalid-state',
            `evidence item ${item.id} no longer matches the manifest's SHA-256: it is not exported`,
          );
        }
        encrypted.set(item.id, sealed.digest());
      }
    } catch (error) {
      await rm(work, { recursive: true, force: true });
      if (isAgeError(error)) {
        throw new AppError('invalid-input', error.message, [
          { path: 'ageRecipient', message: error.message },
        ]);
      }
      throw error;
    }
  }
  const now = context.now();
  const reason = input.reason.trim();
  for (const { item } of exported) {
    await appendCustody(context, item.id, [
      {
        kind: 'exported',
        actor: { id: actor.userId, name: actor.username },
        at: now,
        details: {
          reason,
          packageId: stored.id,
          form: input.form,
          ...(input.form === 'age' ? { recipient: input.ageRecipient } : {}),
        },
      },
    ]);
  }
  const events = await listCustodyEvents(
    context.db,
    exported.map(({ item }) => item.id),
  );
  const custody: CustodyFile = {
    items: exported.map(({ item, manifestItem }) => ({
      itemId: item.id,
      manifestItemId: manifestItem.id,
      events: events
        .filter((event) => event.itemId === item.id)
        .map((event) => ({ ...event, at: event.at.toISOString() })),
    })),
  };
  const index: ExportIndex = {
    format: EXPORT_FORMAT,
    packageId: stored.id,
    requestId: stored.requestId,
    exportedAt: now.toISOString(),
    exportedBy: actor.username,
    exportedFrom: federation.identity.nodeId,
    reason,
    form: input.form,
    recipient: input.form === 'age' ? (input.ageRecipient ?? null) : null,
    items: exported.map(({ item, manifestItem }, position) => ({
      manifestItemId: manifestItem.id,
      itemId: item.id,
      file: files[position] ?? '',
      sha256: manifestItem.sha256,
      encryptedSha256: encrypted.get(item.id) ?? null,
    })),
  };
  const labels = loadCustodyReportLabels();
  // The PDF renderer (pdfkit, fontkit and their fonts) loads with the first report, not at start.
  const { renderReportPdf } = await import('../document/render-pdf.ts');
  const report = await renderReportPdf(
    custodyReport(labels.get(locale) ?? (labels.get('en') as CustodyReportLabels), {
      manifest,
      signer,
      index,
      custody,
    }),
    { createdAt: now },
  );
  const entries: Entry[] = [];
  for (const [position, { item, manifestItem }] of exported.entries()) {
    const name = files[position] ?? '';
    if (input.form === 'age') {
      const file = path.join(work, String(position));
      entries.push({
        name,
        size: (await stat(file)).size,
        content: () => createReadStream(file),
      });
    } else {
      entries.push({
        name,
        size: manifestItem.sizeBytes,
        content: () => createReadStream(paths.itemFile(item.storageKey)).pipe(openAtRest(paths.root)),
      });
    }
  }
  entries.push(
    bufferEntry(EXPORT_FILES.manifestJws, `${stored.manifest}\n`),
    bufferEntry(EXPORT_FILES.manifestJson, `${JSON.stringify(manifest, null, 2)}\n`),
    bufferEntry(EXPORT_FILES.signer, `${JSON.stringify(signer, null, 2)}\n`),
    bufferEntry(EXPORT_FILES.custody, `${JSON.stringify(custody, null, 2)}\n`),
    bufferEntry(EXPORT_FILES.index, `${JSON.stringify(index, null, 2)}\n`),
    bufferEntry(EXPORT_FILES.report, report),
  );
  async function* archive(): AsyncGenerator<Buffer> {
    try {
      const digests: { name: string; sha256: string }[] = [];
      for (const entry of entries) {
        yield tarHeader(entry.name, entry.size, now);
        const hash = createHash('sha256');
        let written = 0;
        for await (const piece of entry.content()) {
          const bytes = piece as Buffer;
          hash.update(bytes);
          written += bytes.length;
          yield bytes;
        }
        if (written !== entry.size) throw new Error(`${entry.name}: ${written} bytes, not ${entry.size}`);
        yield tarPadding(entry.size);
        digests.push({ name: entry.name, sha256: hash.digest('hex') });
      }
      const sums = Buffer.from(sha256sums(digests), 'utf8');
      yield tarHeader(EXPORT_FILES.sums, sums.length, now);
      yield sums;
      yield tarPadding(sums.length);
      yield tarEnd();
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
  return {
    fileName: `evidence-export-${stored.id}.tar`,
    packageId: stored.id,
    archive: Readable.from(archive(), { objectMode: false }),
  };
}
