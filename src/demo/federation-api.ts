/**
 * The federation parts of a node's API as the demo, the process tests and the benchmark use them:
 * send a validated request, find the incoming request at the receiving node, and read the
 * delivery state and receipt at the sending node (docs/api.md, "Federation"); upload evidence (tus),
 * make and send a package, list packages, download an item and export a package for a court
 * (docs/evidence.md).
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { answer } from '../api-client/client.ts';
import type { RequestContent } from '../core/request/draft.ts';
import { unpackTar } from '../evidence/tar.ts';
import type { ApiClient } from './node-api.ts';

export type DraftedRequest = Readonly<{ id: string; isReady: boolean; blocking: readonly string[] }>;

/** Creates a draft (POST /api/v1/requests) and reports whether validation lets it be sent. */
export async function draftRequest(client: ApiClient, content: RequestContent): Promise<DraftedRequest> {
  const saved = await answer(client.api.POST('/api/v1/requests', { body: content }));
  return {
    id: saved.request.id,
    isReady: saved.isReady,
    blocking: saved.findings
      .filter((finding) => finding.severity === 'blocking')
      .map((finding) => finding.message),
  };
}

/**
 * Sends a request under the two-person rule: its author submits it (POST
 * /api/v1/requests/{id}/submit) and a second person, a supervisor, approves it (POST
 * /api/v1/requests/{id}/approve), which commits the approval, the request and its outgoing
 * message together. `decisionReference`: the authorising decision of an intrusive measure.
 */
export async function sendRequest(
  drafter: ApiClient,
  approver: ApiClient,
  requestId: string,
  decisionReference?: string,
): Promise<void> {
  await submitRequest(drafter, requestId);
  await approveRequest(approver, requestId, decisionReference);
}

/** POST /api/v1/requests/{id}/submit: the author submits a ready draft for approval. */
export async function submitRequest(drafter: ApiClient, requestId: string): Promise<void> {
  await answer(drafter.api.POST('/api/v1/requests/{id}/submit', { params: { path: { id: requestId } } }));
}

/** POST /api/v1/requests/{id}/approve: a supervisor other than the author approves, which sends it. */
export async function approveRequest(
  approver: ApiClient,
  requestId: string,
  decisionReference?: string,
): Promise<void> {
  await answer(
    approver.api.POST('/api/v1/requests/{id}/approve', {
      params: { path: { id: requestId } },
      body: decisionReference === undefined ? {} : { decisionReference },
    }),
  );
}

/**
 * POST /api/v1/requests/{id}/response-approval: a supervisor other than the person who made it
 * approves the response (execution result, refusal) that waits on a case, which sends it.
 */
export async function approveResponse(
  approver: ApiClient,
  requestId: string,
  decisionReference?: string,
): Promise<void> {
  await answer(
    approver.api.POST('/api/v1/requests/{id}/response-approval', {
      params: { path: { id: requestId } },
      body: { decision: 'approve', ...(decisionReference === undefined ? {} : { decisionReference }) },
    }),
  );
}

/** What the sending node says about a sent request's delivery. */
export type DeliveryView = Readonly<{ state: string | undefined; receipt: string | undefined }>;

export async function readDelivery(client: ApiClient, requestId: string): Promise<DeliveryView> {
  const { request } = await answer(
    client.api.GET('/api/v1/requests/{id}', { params: { path: { id: requestId } } }),
  );
  return {
    state: request.delivery?.state ?? request.deliveryState ?? undefined,
    receipt: request.delivery?.receipt ?? undefined,
  };
}

export type IncomingSummary = Readonly<{
  id: string;
  peerNodeId: string | undefined;
  remoteRequestId: string | undefined;
  caseReference: string | null;
}>;

function listPage(client: ApiClient, direction: 'incoming' | 'outgoing', cursor: string | undefined) {
  return answer(
    client.api.GET('/api/v1/requests', {
      params: { query: { direction, limit: 500, ...(cursor ? { cursor } : {}) } },
    }),
  );
}

/** A request as the list gives it. */
type ListedRequest = Awaited<ReturnType<typeof listPage>>['items'][number];

/** Every request of one direction the client may read: GET /api/v1/requests, page after page. */
export async function listAllRequests(
  client: ApiClient,
  direction: 'incoming' | 'outgoing',
): Promise<ListedRequest[]> {
  const items: ListedRequest[] = [];
  let cursor: string | undefined;
  do {
    const page = await listPage(client, direction, cursor);
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return items;
}

/** The incoming requests the client may read at the receiving node (GET /api/v1/requests). */
export async function listIncomingRequests(client: ApiClient): Promise<IncomingSummary[]> {
  const items = await listAllRequests(client, 'incoming');
  return items
    .filter((item) => item.direction === 'incoming')
    .map((item) => ({
      id: item.id,
      peerNodeId: item.peerNodeId ?? undefined,
      remoteRequestId: item.remoteRequestId ?? undefined,
      caseReference: item.caseReference,
    }));
}

/** A transition of the case (POST /api/v1/requests/{id}/transitions); answers the case's new status. */
export async function makeTransition(
  client: ApiClient,
  requestId: string,
  name: string,
  payload: Record<string, unknown> = {},
): Promise<string> {
  const { case: current } = await answer(
    client.api.POST('/api/v1/requests/{id}/transitions', {
      params: { path: { id: requestId } },
      body: { name, payload },
    }),
  );
  return current.status;
}

/**
 * Brings the case of a request received here to execution, as its people do: acknowledged and
 * assessed by a duty officer, accepted by a legal reviewer, its execution begun. Evidence answers
 * only a request in execution.
 */
export async function bringToExecution(
  duty: ApiClient,
  reviewer: ApiClient,
  requestId: string,
): Promise<void> {
  for (const [who, name] of STEPS_TO_EXECUTION) {
    await makeTransition(who === 'reviewer' ? reviewer : duty, requestId, name);
  }
}

/** The steps from a request's delivery to its execution, each with who makes it (bringToExecution). */
export const STEPS_TO_EXECUTION: ReadonlyArray<readonly ['duty' | 'reviewer', string]> = [
  ['duty', 'acknowledge'],
  ['duty', 'begin-assessment'],
  ['reviewer', 'accept'],
  ['duty', 'begin-execution'],
];

/** The case of a request as the client's node holds it (GET /api/v1/requests/{id}/history). */
export async function readCase(client: ApiClient, requestId: string) {
  const { case: current } = await answer(
    client.api.GET('/api/v1/requests/{id}/history', { params: { path: { id: requestId } } }),
  );
  return current;
}

function authorizationOf(client: ApiClient): Record<string, string> {
  if (client.credentials?.kind === 'token') return { authorization: `Bearer ${client.credentials.token}` };
  if (client.credentials?.kind === 'session') {
    return { cookie: client.credentials.cookie, 'x-csrf-token': client.credentials.csrfToken };
  }
  return {};
}

/** One tus answer, checked: a status other than the one expected throws with the node's words. */
async function tusCall(
  client: ApiClient,
  url: string,
  init: Readonly<{ method: string; headers: Record<string, string>; body?: Uint8Array }>,
  expected: number,
): Promise<Response> {
  const response = await fetch(url, {
    method: init.method,
    headers: { ...authorizationOf(client), 'tus-resumable': '1.0.0', ...init.headers },
    ...(init.body ? { body: init.body } : {}),
    signal: AbortSignal.timeout(300_000),
  });
  if (response.status !== expected) {
    throw new Error(
      `${init.method} ${new URL(url).pathname} answered ${response.status}: ${(await response.text()).slice(0, 300)}`,
    );
  }
  return response;
}

/**
 * Uploads an evidence item to a request received here by tus 1.0.0 through the API, as the
 * evidence screen and `comity evidence upload` do: a creation, then one PATCH per piece that
 * `pieces` yields. Answers the item's id (the upload's last path segment).
 */
export async function uploadEvidence(
  client: ApiClient,
  requestId: string,
  input: Readonly<{
    fileName: string;
    sizeBytes: number;
    pieces: AsyncIterable<Uint8Array>;
    description?: string;
  }>,
): Promise<string> {
  const metadata = Object.entries({ filename: input.fileName, description: input.description ?? '' })
    .filter(([, value]) => value !== '')
    .map(([key, value]) => `${key} ${Buffer.from(value).toString('base64')}`)
    .join(',');
  const created = await tusCall(
    client,
    `${client.url}/api/v1/requests/${requestId}/evidence/uploads`,
    { method: 'POST', headers: { 'upload-length': String(input.sizeBytes), 'upload-metadata': metadata } },
    201,
  );
  const location = new URL(created.headers.get('location') ?? '', client.url).toString();
  let offset = 0;
  for await (const piece of input.pieces) {
    await tusCall(
      client,
      location,
      {
        method: 'PATCH',
        headers: { 'content-type': 'application/offset+octet-stream', 'upload-offset': String(offset) },
        body: piece,
      },
      204,
    );
    offset += piece.byteLength;
  }
  return new URL(location).pathname.split('/').at(-1) ?? '';
}

export type EvidencePackageSummary = Readonly<{
  id: string;
  status: string;
  failureReason: string | null;
  receivedItems: readonly Readonly<{ id: string; sourceItemId: string | null; sha256: string | null }>[];
}>;

/** Makes a package of stored items of a request received here (POST .../evidence/packages): sealed, not sent. */
export async function makeEvidencePackage(
  client: ApiClient,
  requestId: string,
  itemIds: readonly string[],
  timeoutMs?: number,
): Promise<EvidencePackageSummary> {
  // Packaging reads, encrypts and writes every item before it answers: a big item takes minutes.
  const answered = await client.call<{ package: EvidencePackageSummary }>(
    'POST',
    `/api/v1/requests/${encodeURIComponent(requestId)}/evidence/packages`,
    {
      itemIds: [...itemIds],
      conditions: { limitedToRequestPurpose: true, onwardTransferNeedsConsent: true },
    },
    timeoutMs,
  );
  if (answered.status !== 201) {
    throw new Error(`making the package answered ${answered.status}: ${answered.text.slice(0, 300)}`);
  }
  return answered.body.package;
}

/**
 * Sends a package to the requesting node under the two-person rule: the custodian asks (POST
 * .../evidence/packages/{packageId}/send) and a supervisor approves (POST .../approval), which
 * offers it: the one step that lets evidence leave.
 */
export async function sendEvidencePackage(
  custodian: ApiClient,
  approver: ApiClient,
  requestId: string,
  packageId: string,
): Promise<void> {
  await answer(
    custodian.api.POST('/api/v1/requests/{id}/evidence/packages/{packageId}/send', {
      params: { path: { id: requestId, packageId } },
    }),
  );
  await answer(
    approver.api.POST('/api/v1/requests/{id}/evidence/packages/{packageId}/approval', {
      params: { path: { id: requestId, packageId } },
      body: { decision: 'approve' },
    }),
  );
}

/** A request's evidence packages on the client's node (GET .../evidence/packages). */
export async function listEvidencePackages(
  client: ApiClient,
  requestId: string,
): Promise<EvidencePackageSummary[]> {
  const { packages } = await answer(
    client.api.GET('/api/v1/requests/{id}/evidence/packages', { params: { path: { id: requestId } } }),
  );
  return packages;
}

/** Downloads an item decrypted (GET .../evidence/{itemId}/content), streaming: its size and SHA-256. */
export async function downloadEvidence(
  client: ApiClient,
  requestId: string,
  itemId: string,
): Promise<Readonly<{ sizeBytes: number; sha256: string }>> {
  const response = await fetch(`${client.url}/api/v1/requests/${requestId}/evidence/${itemId}/content`, {
    headers: authorizationOf(client),
    signal: AbortSignal.timeout(1_800_000),
  });
  if (response.status !== 200 || !response.body) {
    throw new Error(`the download answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  }
  const hash = createHash('sha256');
  let sizeBytes = 0;
  for await (const piece of response.body) {
    hash.update(piece);
    sizeBytes += piece.byteLength;
  }
  return { sizeBytes, sha256: hash.digest('hex') };
}

/**
 * A court-ready export of a request's evidence package (POST /api/v1/evidence/exports), its items
 * encrypted to `ageRecipient`, unpacked into `folder`, as `comity evidence export` does: the names
 * of the files written.
 */
export async function exportEvidenceForCourt(
  client: ApiClient,
  requestId: string,
  folder: string,
  input: Readonly<{ reason: string; ageRecipient: string }>,
): Promise<string[]> {
  const response = await fetch(`${client.url}/api/v1/evidence/exports`, {
    method: 'POST',
    headers: { ...authorizationOf(client), 'content-type': 'application/json' },
    body: JSON.stringify({
      id: requestId,
      reason: input.reason,
      form: 'age',
      ageRecipient: input.ageRecipient,
    }),
    signal: AbortSignal.timeout(1_800_000),
  });
  if (response.status !== 200 || !response.body) {
    throw new Error(`the export answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  }
  return unpackTar(Readable.fromWeb(response.body as Parameters<typeof Readable.fromWeb>[0]), folder);
}
