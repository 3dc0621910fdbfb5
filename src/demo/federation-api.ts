/**
 * The federation parts of a node's API as the demo, the process tests and the benchmark use them:
 * send a validated request, find the incoming request at the receiving node, and read the
 * delivery state and receipt at the sending node (docs/api.md, "Federation").
 */
import { answer } from '../api-client/client.ts';
import type { RequestContent } from '../core/request/draft.ts';
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

/** The incoming requests the client may read at the receiving node (GET /api/v1/requests). */
export async function listIncomingRequests(client: ApiClient): Promise<IncomingSummary[]> {
  const { items } = await answer(
    client.api.GET('/api/v1/requests', { params: { query: { direction: 'incoming' } } }),
  );
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

/** The case of a request as the client's node holds it (GET /api/v1/requests/{id}/history). */
export async function readCase(client: ApiClient, requestId: string) {
  const { case: current } = await answer(
    client.api.GET('/api/v1/requests/{id}/history', { params: { path: { id: requestId } } }),
  );
  return current;
}
