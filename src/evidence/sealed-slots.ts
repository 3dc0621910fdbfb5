/**
 * A sealed file written on a worker thread (seal-worker.ts), so that the calling thread goes on
 * reading and hashing while another core encrypts and writes: plaintext is copied into slots of 16
 * chunks (1 MiB); each slot is handed to the worker (transferred, not copied) and comes back once
 * written. At most SLOTS slots exist and the worker reuses one output buffer, so memory stays
 * bounded whatever the size. A payload of one slot or less is sealed on the calling thread (no
 * thread to start). (A worker behind a node:stream, the sealed bytes pushed back to the caller,
 * gained nothing on the shared machine and cost memory: each slot then crosses threads twice more.)
 */
import { write as writeToFile } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import type { SealReply, SealRequest, SealWorkerData } from './seal-worker.ts';
import { CHUNK_SIZE, chunkCount, type SealAlgorithm, sealChunks } from './sealed-chunks.ts';

const SLOT_SIZE = 16 * CHUNK_SIZE;
const SLOTS = 4;
/** A small young generation: the worker's short-lived chunk buffers are collected early. */
const WORKER_YOUNG_GENERATION_MB = 2;

type Done = (error?: Error | null) => void;

export type SlotSealer = {
  /** Takes data (copied before done is called; the caller may reuse it then). */
  write(data: Buffer, done: Done): void;
  /** Seals what is left as the final chunk; done once every slot is sealed (and written). */
  end(done: Done): void;
  /** Stops the worker; resolves once it has exited (it writes no more to the file then). */
  destroy(): Promise<void>;
};

export function slotSealer(options: {
  algorithm: SealAlgorithm;
  key: Buffer;
  /** The worker writes the sealed slots to this file descriptor, at its current offset. */
  fd: number;
}): SlotSealer {
  const free: ArrayBuffer[] = [];
  let slotsMade = 0;
  let slot: Buffer | undefined;
  let slotLength = 0;
  let counter = 0;
  let inFlight = 0;
  let worker: Worker | undefined;
  let isDone = false;
  let failure: Error | undefined;
  /** The one step (a write or the end) waiting for a free slot, a reply or the reader. */
  let waiting: (() => void) | undefined;
  const wake = (): void => {
    const next = waiting;
    waiting = undefined;
    next?.();
  };

  const fail = (error: Error): void => {
    if (failure !== undefined) return;
    failure = error;
    isDone = true;
    void worker?.terminate();
    wake();
  };

  const takeSlot = (): Buffer | undefined => {
    let buffer = free.pop();
    if (buffer === undefined && slotsMade < SLOTS) {
      slotsMade += 1;
      buffer = new ArrayBuffer(SLOT_SIZE);
    }
    return buffer === undefined ? undefined : Buffer.from(buffer);
  };

  const startWorker = (): Worker => {
    const workerData: SealWorkerData = {
      algorithm: options.algorithm,
      key: options.key,
      slotSize: SLOT_SIZE,
      fd: options.fd,
    };
    const thread = new Worker(new URL('./seal-worker.ts', import.meta.url), {
      workerData,
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    thread.on('message', (reply: SealReply) => {
      if (isDone && failure !== undefined) return;
      inFlight -= 1;
      // The thread keeps the process alive only while it has work.
      if (inFlight === 0) thread.unref();
      free.push(reply.input);
      if (reply.error !== undefined) {
        fail(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
        return;
      }
      wake();
    });
    thread.on('error', fail);
    thread.on('exit', (code) => {
      if (!isDone) fail(new Error(`the sealing thread stopped (exit code ${code})`));
    });
    return thread;
  };

  /** Sends the current slot; only a slot known to be followed by more data is sent as not final. */
  const send = (isFinal: boolean): void => {
    const thread = worker ?? startWorker();
    worker = thread;
    const request: SealRequest = {
      input: (slot as Buffer).buffer as ArrayBuffer,
      length: slotLength,
      counter,
      isFinal,
    };
    counter += chunkCount(slotLength);
    if (inFlight === 0) thread.ref();
    inFlight += 1;
    slot = undefined;
    slotLength = 0;
    thread.postMessage(request, [request.input]);
  };

  return {
    write(data, done) {
      let offset = 0;
      const step = (): void => {
        while (offset < data.length) {
          if (failure !== undefined) {
            done(failure);
            return;
          }
          // A full slot is sent as not final only once more data is known to follow it.
          if (slot !== undefined && slotLength === SLOT_SIZE) send(false);
          if (slot === undefined) {
            slot = takeSlot();
            if (slot === undefined) {
              waiting = step;
              return;
            }
          }
          const count = Math.min(SLOT_SIZE - slotLength, data.length - offset);
          data.copy(slot, slotLength, offset, offset + count);
          slotLength += count;
          offset += count;
        }
        done(failure);
      };
      step();
    },
    end(done) {
      if (failure !== undefined) {
        done(failure);
        return;
      }
      if (worker === undefined) {
        const plaintext = slot === undefined ? Buffer.alloc(0) : slot.subarray(0, slotLength);
        const sealed = sealChunks(options.algorithm, options.key, counter, true, plaintext);
        isDone = true;
        const fd = options.fd;
        const writeFrom = (offset: number): void => {
          if (offset === sealed.length) {
            done();
            return;
          }
          writeToFile(fd, sealed, offset, sealed.length - offset, null, (error, written) =>
            error ? done(error) : writeFrom(offset + written),
          );
        };
        return writeFrom(0);
      }
      send(true);
      const finish = (): void => {
        if (failure !== undefined) {
          done(failure);
          return;
        }
        if (inFlight > 0) {
          waiting = finish;
          return;
        }
        isDone = true;
        void worker?.terminate();
        done();
      };
      finish();
    },
    async destroy() {
      isDone = true;
      await worker?.terminate();
    },
  };
}

/**
 * Writes a new sealed file (mode 0600, refused if it exists): `prefix` (the format's header), then
 * the chunks of whatever `feed` writes, sealed and written by the worker. On any failure the file is
 * removed.
 */
export async function writeSealedFile(
  options: { algorithm: SealAlgorithm; key: Buffer; prefix: Buffer; file: string },
  feed: (write: (data: Buffer) => Promise<void>) => Promise<void>,
): Promise<void> {
  const handle = await open(options.file, 'wx', 0o600);
  let sealer: SlotSealer | undefined;
  try {
    await handle.write(options.prefix);
    const slots = slotSealer({ algorithm: options.algorithm, key: options.key, fd: handle.fd });
    sealer = slots;
    const promised = (step: (done: Done) => void) => (): Promise<void> =>
      new Promise((resolve, reject) => step((error) => (error ? reject(error) : resolve())));
    await feed((data) => promised((done) => slots.write(data, done))());
    await promised((done) => slots.end(done))();
  } catch (error) {
    await sealer?.destroy();
    await handle.close().catch(() => undefined);
    await rm(options.file, { force: true });
    throw error;
  }
  await sealer.destroy();
  await handle.close();
}
