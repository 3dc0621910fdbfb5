/**
 * The worker thread of sealed-slots.ts: it seals the slots of plaintext it is sent, in order, and
 * writes them to the file descriptor it was given (reusing one output buffer); each slot goes back
 * to the sender (transferred, not copied) to be filled again.
 */
import { writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { type SealAlgorithm, sealChunksInto, sealedSize } from './sealed-chunks.ts';

export type SealWorkerData = { algorithm: SealAlgorithm; key: Uint8Array; fd: number; slotSize: number };
export type SealRequest = { input: ArrayBuffer; length: number; counter: number; isFinal: boolean };
export type SealReply = { input: ArrayBuffer; error?: { message: string; code?: string } };

const options = workerData as SealWorkerData;
const key = Buffer.from(options.key);
const out = Buffer.allocUnsafe(sealedSize(options.slotSize));

function writeAll(fd: number, data: Buffer): void {
  let offset = 0;
  while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset);
}

parentPort?.on('message', (request: SealRequest) => {
  const plaintext = Buffer.from(request.input, 0, request.length);
  let reply: SealReply;
  try {
    const length = sealChunksInto(options.algorithm, key, request.counter, request.isFinal, plaintext, out);
    writeAll(options.fd, out.subarray(0, length));
    reply = { input: request.input };
  } catch (error) {
    const { message, code } = error as NodeJS.ErrnoException;
    reply = { input: request.input, error: { message, ...(code === undefined ? {} : { code }) } };
  }
  parentPort?.postMessage(reply, [reply.input]);
});
