/**
 * A plain POSIX tar (ustar) stream, written and read without a library: what an evidence export
 * travels in from the node to the user (`tar -xf` and every archive tool read it). Only regular
 * files with short relative names (an export's own names) are written; reading refuses anything
 * else (links, absolute names, `..`), so unpacking a hostile archive cannot write outside its folder.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type Readable, Transform, type TransformCallback, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const BLOCK = 512;
const SAFE_NAME = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

/** Whether a name is one an export writes and may unpack: relative, short, no `..`. */
export function isSafeEntryName(name: string): boolean {
  return (
    SAFE_NAME.test(name) &&
    name.length <= 100 &&
    !name.split('/').some((part) => part === '..' || part === '.')
  );
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

/** The 512-byte ustar header of a regular file. */
export function tarHeader(name: string, size: number, modifiedAt: Date): Buffer {
  if (!isSafeEntryName(name)) throw new Error(`tar: unsafe entry name ${JSON.stringify(name)}`);
  if (size > 0o77777777777) throw new Error(`tar: ${name} is too large for a ustar entry`);
  const header = Buffer.alloc(BLOCK);
  header.write(name, 0, 100, 'utf8');
  header.write(octal(0o644, 8), 100, 'ascii');
  header.write(octal(0, 8), 108, 'ascii');
  header.write(octal(0, 8), 116, 'ascii');
  header.write(octal(size, 12), 124, 'ascii');
  header.write(octal(Math.floor(modifiedAt.getTime() / 1000), 12), 136, 'ascii');
  header.write('        ', 148, 'ascii');
  header.write('0', 156, 'ascii');
  header.write('ustar\0', 257, 'ascii');
  header.write('00', 263, 'ascii');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return header;
}

/** Zero bytes that complete an entry of `size` bytes to a whole block. */
export function tarPadding(size: number): Buffer {
  const rest = size % BLOCK;
  return Buffer.alloc(rest === 0 ? 0 : BLOCK - rest);
}

/** The end of an archive: two zero blocks. */
export function tarEnd(): Buffer {
  return Buffer.alloc(2 * BLOCK);
}

export type TarEntryHandler = Readonly<{
  /** A file begins: its name, already checked to be safe, and its size. */
  begin: (name: string, size: number) => Promise<void> | void;
  data: (piece: Buffer) => Promise<void> | void;
  end: () => Promise<void> | void;
}>;

function readOctal(field: Buffer): number {
  const text = field
    .toString('ascii')
    .replace(/[\0 ]+$/g, '')
    .trim();
  if (!/^[0-7]*$/.test(text)) throw new Error('tar: a header field is not octal');
  return text === '' ? 0 : Number.parseInt(text, 8);
}

/**
 * A writable side that reads a tar stream and hands each regular file to `handler`; anything but
 * a regular file with a safe name, a bad header checksum or a truncated archive is refused.
 */
export function untar(handler: TarEntryHandler): Transform {
  let pending: Buffer = Buffer.alloc(0);
  let remaining = 0;
  let padding = 0;
  let inEntry = false;
  let isEnded = false;
  async function consume(): Promise<void> {
    for (;;) {
      if (isEnded) {
        pending = Buffer.alloc(0);
        return;
      }
      if (inEntry) {
        if (remaining > 0) {
          if (pending.length === 0) return;
          const take = Math.min(remaining, pending.length);
          await handler.data(pending.subarray(0, take));
          pending = pending.subarray(take);
          remaining -= take;
          if (remaining > 0) return;
        }
        if (pending.length < padding) return;
        pending = pending.subarray(padding);
        inEntry = false;
        await handler.end();
        continue;
      }
      if (pending.length < BLOCK) return;
      const header = pending.subarray(0, BLOCK);
      pending = pending.subarray(BLOCK);
      if (header.every((byte) => byte === 0)) {
        isEnded = true;
        continue;
      }
      const stored = readOctal(header.subarray(148, 156));
      let sum = 0;
      for (const [index, byte] of header.entries()) sum += index >= 148 && index < 156 ? 32 : byte;
      if (sum !== stored) throw new Error('tar: a header checksum is wrong (the archive is damaged)');
      const type = String.fromCharCode(header[156] ?? 0);
      const nameEnd = header.indexOf(0);
      const name = header.subarray(0, nameEnd >= 0 && nameEnd < 100 ? nameEnd : 100).toString('utf8');
      const prefixBytes = header.subarray(345, 500);
      const prefixEnd = prefixBytes.indexOf(0);
      const prefix = prefixBytes.subarray(0, prefixEnd >= 0 ? prefixEnd : 155).toString('utf8');
      const fullName = prefix ? `${prefix}/${name}` : name;
      if (type !== '0' && type !== '\0') throw new Error(`tar: ${fullName} is not a regular file`);
      if (!isSafeEntryName(fullName)) throw new Error(`tar: unsafe entry name ${JSON.stringify(fullName)}`);
      const size = readOctal(header.subarray(124, 136));
      remaining = size;
      padding = tarPadding(size).length;
      inEntry = true;
      await handler.begin(fullName, size);
    }
  }
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      consume().then(() => callback(), callback);
    },
    flush(callback: TransformCallback) {
      if (inEntry || !isEnded) return callback(new Error('tar: the archive is truncated'));
      callback();
    },
  });
}

/**
 * Unpacks a tar stream into `folder` (files 0600, folders 0700; an existing file is never
 * overwritten); answers the names written. Names outside the folder are refused by `untar`.
 */
export async function unpackTar(archive: Readable, folder: string): Promise<string[]> {
  const names: string[] = [];
  let current: WriteStream | undefined;
  const sink = untar({
    begin: async (name) => {
      const target = path.join(folder, name);
      await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      current = createWriteStream(target, { flags: 'wx', mode: 0o600 });
      names.push(name);
    },
    data: async (piece) => {
      if (!current?.write(piece))
        await new Promise<void>((resolve) => current?.once('drain', () => resolve()));
    },
    end: async () => {
      const stream = current;
      current = undefined;
      await new Promise<void>((resolve, reject) => {
        stream?.once('error', reject);
        stream?.end(() => resolve());
      });
    },
  });
  await pipeline(archive, sink, new Writable({ write: (_chunk, _encoding, done) => done() }));
  return names;
}
