/**
 * The tus data store of evidence uploads (@tus/server calls it; docs/evidence.md, "Upload").
 *
 * Each PATCH is sealed at rest as it arrives, as one part file in <evidence dir>/uploads/<item id>/,
 * and state.json (written whole, then renamed) says which parts hold how many bytes: an interrupted
 * PATCH keeps what arrived, a node that stops keeps every part whose state.json was written, and
 * HEAD answers the offset to resume at. No plaintext touches the disk.
 *
 * The PATCH that brings the last byte seals the item: it reads the parts once, in order, and in the
 * same pass hashes the bytes (SHA-256) and seals them into <evidence dir>/items/<item id>.sealed
 * (an item that came whole in its first PATCH was hashed as it arrived: its one part is moved there);
 * then it records `acquired` and `sealed` in the chain of custody with the item stored, and removes
 * the parts. If that fails, the last part is dropped and the client resends it.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import { DataStore, ERRORS, Upload } from '@tus/utils';
import type { AppContext } from '../app-context.ts';
import { resealAtRest, sealAtRest } from '../evidence/at-rest.ts';
import { appendCustody, evidencePaths, type UploadState } from './evidence.service.ts';
import { findEvidenceItem } from '../storage/evidence.repository.ts';

const STATE_FILE = 'state.json';

async function writeInto(target: Writable, chunk: Buffer): Promise<void> {
  if (!target.write(chunk)) await once(target, 'drain');
}

export class EvidenceUploadStore extends DataStore {
  readonly #context: AppContext;

  constructor(context: AppContext) {
    super();
    this.#context = context;
    this.extensions = ['creation'];
  }

  #directory(id: string): string {
    return evidencePaths(this.#context).uploadDirectory(id);
  }

  async #readState(id: string): Promise<UploadState> {
    try {
      return JSON.parse(await readFile(path.join(this.#directory(id), STATE_FILE), 'utf8')) as UploadState;
    } catch {
      throw ERRORS.FILE_NOT_FOUND;
    }
  }

  async #writeState(state: UploadState): Promise<void> {
    const file = path.join(this.#directory(state.itemId), STATE_FILE);
    await writeFile(`${file}.tmp`, JSON.stringify(state), { mode: 0o600 });
    await rename(`${file}.tmp`, file);
  }

  /** Called by the upload route once the service recorded the item: the upload's first state. */
  async begin(state: UploadState): Promise<void> {
    await mkdir(evidencePaths(this.#context).uploads, { recursive: true, mode: 0o700 });
    await mkdir(this.#directory(state.itemId), { recursive: true, mode: 0o700 });
    await this.#writeState(state);
  }

  override async create(upload: Upload): Promise<Upload> {
    await this.#readState(upload.id);
    return upload;
  }

  override async getUpload(id: string): Promise<Upload> {
    const state = await this.#readState(id);
    return new Upload({ id, size: state.size, offset: state.offset });
  }

  override async write(stream: Readable, id: string, offset: number): Promise<number> {
    const state = await this.#readState(id);
    if (offset !== state.offset) throw ERRORS.INVALID_OFFSET;
    const directory = this.#directory(id);
    const partFile = `part-${String(state.parts.length + 1).padStart(6, '0')}.sealed`;
    const partPath = path.join(directory, partFile);
    const sealer = sealAtRest(evidencePaths(this.#context).root);
    const output = createWriteStream(`${partPath}.tmp`, { mode: 0o600 });
    sealer.pipe(output);
    let length = 0;
    // The first PATCH is hashed as it arrives: when it brings the whole item (the usual case for
    // a script or curl), its part becomes the item file as it is, with no second pass.
    const hash = state.parts.length === 0 ? createHash('sha256') : undefined;
    try {
      for await (const chunk of stream) {
        const bytes = chunk as Buffer;
        if (state.offset + length + bytes.length > state.size) throw ERRORS.ERR_SIZE_EXCEEDED;
        length += bytes.length;
        hash?.update(bytes);
        await writeInto(sealer, bytes);
      }
    } catch (error) {
      // An interrupted PATCH keeps the bytes that arrived; anything else is refused whole.
      if (error === ERRORS.ERR_SIZE_EXCEEDED) {
        sealer.destroy();
        await rm(`${partPath}.tmp`, { force: true });
        throw error;
      }
    }
    sealer.end();
    await finished(output);
    if (length === 0) {
      await rm(`${partPath}.tmp`, { force: true });
      return state.offset;
    }
    await rename(`${partPath}.tmp`, partPath);
    const next: UploadState = {
      ...state,
      offset: state.offset + length,
      parts: [...state.parts, { file: partFile, length }],
    };
    if (next.offset === next.size) {
      try {
        await this.#sealItem(next, hash && next.parts.length === 1 ? hash.digest('hex') : undefined);
      } catch (error) {
        await rm(partPath, { force: true });
        throw error;
      }
      return next.offset;
    }
    await this.#writeState(next);
    return next.offset;
  }

  /**
   * Parts -> one sealed item file, hashed in the same pass; custody `acquired` and `sealed`. An
   * item that came in one part (`wholeSha256`: its SHA-256, taken as it arrived) is that part,
   * sealed already: it is moved into place.
   */
  async #sealItem(state: UploadState, wholeSha256?: string): Promise<void> {
    const paths = evidencePaths(this.#context);
    const item = await findEvidenceItem(this.#context.db, state.itemId);
    if (!item) throw ERRORS.FILE_NOT_FOUND;
    await mkdir(paths.items, { recursive: true, mode: 0o700 });
    const target = paths.itemFile(item.storageKey);
    const [onlyPart] = state.parts;
    let sha256: string;
    if (wholeSha256 !== undefined && onlyPart && state.parts.length === 1 && onlyPart.length === state.size) {
      // The item came whole in one PATCH, hashed as it arrived: its sealed part is the item file.
      await rename(path.join(this.#directory(state.itemId), onlyPart.file), target);
      sha256 = wholeSha256;
    } else {
      await rm(`${target}.tmp`, { force: true }); // left by a node stopped while sealing
      const resealed = await resealAtRest(
        paths.root,
        state.parts.map((part) => path.join(this.#directory(state.itemId), part.file)),
        `${target}.tmp`,
      );
      if (resealed.length !== state.size)
        throw new Error(`evidence upload ${state.itemId}: ${resealed.length} bytes, expected ${state.size}`);
      await rename(`${target}.tmp`, target);
      sha256 = resealed.sha256;
    }
    const at = this.#context.now();
    await appendCustody(
      this.#context,
      item.id,
      [
        {
          kind: 'acquired',
          actor: state.actor,
          at,
          details: {
            fileName: item.fileName,
            mediaType: item.mediaType,
            sizeBytes: item.sizeBytes,
            sha256,
            description: item.description,
            acquisition: item.acquisition,
            isSensitive: item.isSensitive,
            retentionUntil: item.retentionUntil,
          },
        },
        {
          kind: 'sealed',
          actor: state.actor,
          at,
          details: { storageKey: item.storageKey, atRest: 'aes-256-gcm, 64 KiB chunks, node at-rest key' },
        },
      ],
      { kind: 'stored', sha256, at },
    );
    await rm(this.#directory(state.itemId), { recursive: true, force: true });
  }

  override async remove(id: string): Promise<void> {
    await rm(this.#directory(id), { recursive: true, force: true });
  }
}
