/**
 * Fetching one chunk of an evidence package from the node that offered it:
 * GET {endpoint}/federation/v1/evidence/{package}/chunks/{hash}, signed by this node's federation
 * key (protocol/request-signature.ts). Answers the bytes; throws ChunkFetchError otherwise
 * (`isFinal`: the peer refused for good, 403 or 404; else transient, retried later).
 */
import type { FederationRuntime } from '../context.ts';
import { REQUEST_SIGNATURE_HEADER, signRequest } from '../protocol/request-signature.ts';
import type { DirectoryNode } from '../protocol/types.ts';

export function evidenceChunkPath(packageId: string, hash: string): string {
  return `/federation/v1/evidence/${packageId}/chunks/${hash}`;
}

export class ChunkFetchError extends Error {
  readonly isFinal: boolean;
  constructor(message: string, isFinal: boolean) {
    super(message);
    this.name = 'ChunkFetchError';
    this.isFinal = isFinal;
  }
}

export async function fetchEvidenceChunk(
  federation: FederationRuntime,
  peer: DirectoryNode,
  packageId: string,
  hash: string,
  now: Date,
  timeoutMs = 60_000,
): Promise<Buffer> {
  const path = evidenceChunkPath(packageId, hash);
  const signature = await signRequest(
    { method: 'GET', path, from: federation.identity.nodeId, to: peer.nodeId, at: now.toISOString() },
    federation.identity.keys.signing,
  );
  let response: Response;
  try {
    response = await fetch(`${peer.endpoint.replace(/\/+$/, '')}${path}`, {
      headers: { [REQUEST_SIGNATURE_HEADER]: signature },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new ChunkFetchError(`node ${peer.nodeId} did not answer: ${String(error)}`, false);
  }
  if (response.status !== 200) {
    const text = await response.text().catch(() => '');
    throw new ChunkFetchError(
      `node ${peer.nodeId} answered ${response.status} for chunk ${hash}: ${text.slice(0, 300)}`,
      response.status === 403 || response.status === 404,
    );
  }
  return Buffer.from(await response.arrayBuffer());
}
