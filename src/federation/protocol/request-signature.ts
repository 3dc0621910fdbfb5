/**
 * A node's signed HTTP request to a peer (today: fetching an evidence package's chunks): the header
 * `Comity-Signature: <compact JWS>` with header `{"alg":"EdDSA","kid","typ":"comity-request+jws"}`
 * over `{method, path, from, to, at}`, signed by the requesting node's federation signing key. The
 * peer checks the algorithm and header first (parseCompactJws), then that the signature verifies
 * with the `from` node's signing key in the directory, that `to` is itself, that method and path are
 * the request's own, and that `at` is within the clock skew allowed for messages.
 */
import { z } from 'zod';
import type { DirectoryLookup } from '../context.ts';
import { JWS_TYPES, parseCompactJws, signCompactJws, verifyCompactJws } from './compact-jws.ts';
import { importVerificationKey, isKeyValidAt } from './keys.ts';
import type { KeyPairJwk } from './types.ts';

export const REQUEST_SIGNATURE_HEADER = 'comity-signature';
const DEFAULT_SKEW_SECONDS = 300;

const SignedRequestSchema = z
  .object({
    method: z.string().min(1).max(10),
    path: z.string().min(1).max(2000),
    from: z.string().min(1).max(200),
    to: z.string().min(1).max(200),
    at: z.iso.datetime(),
  })
  .strict();
export type SignedRequest = z.infer<typeof SignedRequestSchema>;

export function signRequest(request: SignedRequest, signing: KeyPairJwk): Promise<string> {
  return signCompactJws(SignedRequestSchema.parse(request), signing, JWS_TYPES.request);
}

export type RequestSignatureCheck =
  | Readonly<{ ok: true; from: string }>
  | Readonly<{ ok: false; detail: string }>;

/** Checks a request's signature header; never throws. */
export async function checkRequestSignature(
  compact: string | undefined,
  expected: Readonly<{ method: string; path: string; self: string; now: Date; skewSeconds?: number }>,
  directory: DirectoryLookup,
): Promise<RequestSignatureCheck> {
  if (!compact) return { ok: false, detail: `the request carries no ${REQUEST_SIGNATURE_HEADER} header` };
  const parsed = parseCompactJws(compact, JWS_TYPES.request);
  if (!parsed.ok) return { ok: false, detail: `the signature header: ${parsed.detail}` };
  const payload = SignedRequestSchema.safeParse(parsed.payload);
  if (!payload.success) return { ok: false, detail: 'the signed request does not fit its schema' };
  const { from, to, method, path, at } = payload.data;
  const key = directory.findKey(from, parsed.header.kid);
  if (key?.use !== 'sig' || !isKeyValidAt(key, expected.now)) {
    return {
      ok: false,
      detail: `node ${from} has no valid signing key ${parsed.header.kid} in the directory`,
    };
  }
  if (!(await verifyCompactJws(compact, await importVerificationKey(key.jwk)))) {
    return { ok: false, detail: 'the signature does not verify' };
  }
  if (to !== expected.self) return { ok: false, detail: `the request is addressed to ${to}` };
  if (method !== expected.method || path !== expected.path) {
    return { ok: false, detail: 'the signature is for another request' };
  }
  const skewMs = Math.abs(expected.now.getTime() - Date.parse(at));
  if (!(skewMs <= (expected.skewSeconds ?? DEFAULT_SKEW_SECONDS) * 1000)) {
    return { ok: false, detail: 'the signed request is not fresh' };
  }
  return { ok: true, from };
}
