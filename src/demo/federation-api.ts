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

/** POST /api/v1/requests/{id}/send: the request and its outgoing message commit together. */
export async function sendRequest(client: ApiClient, requestId: string): Promise<void> {
  await answer(client.api.POST('/api/v1/requests/{id}/send', { params: { path: { id: requestId } } }));
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
