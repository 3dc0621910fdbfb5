/**
 * The worker thread of encryptStream (stream.ts): it seals the slots of plaintext it is sent, in
 * order, and sends each slot back with its sealed chunks (both transferred, not copied), so that
 * the main thread hashes and moves bytes while this one encrypts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { sealChunks } from './payload-chunks.ts';

export type SealRequest = { input: ArrayBuffer; length: number; counter: number; isFinal: boolean };
export type SealReply = { input: ArrayBuffer; output: ArrayBuffer };

const key = Buffer.from((workerData as { key: Uint8Array }).key);

parentPort?.on('message', (request: SealRequest) => {
  const output = sealChunks(
    key,
    request.counter,
    request.isFinal,
    Buffer.from(request.input, 0, request.length),
  );
  const reply: SealReply = { input: request.input, output: output.buffer as ArrayBuffer };
  parentPort?.postMessage(reply, [request.input, reply.output]);
});
