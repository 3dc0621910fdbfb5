/**
 * The federation parts of a node's API as the demo, the process tests and the benchmark use them:
 * send a validated request, find the incoming request at the receiving node, and read the
 * delivery state and receipt at the sending node (docs/api.md, "Federation").
 */
import type { RequestContent } from '../../core/request/draft.ts';
import type { ApiClient } from './node-api.ts';

export type DraftedRequest = Readonly<{ id: string; isReady: boolean; blocking: readonly string[] }>;

type Finding = { severity: 'blocking' | 'warning'; message: string };
type SavedRequest = { request: { id: string }; findings: Finding[]; isReady: boolean };

/** Creates a draft (POST /api/v1/requests) and reports whether validation lets it be sent. */
export async function draftRequest(client: ApiClient, content: RequestContent): Promise<DraftedRequest> {
  const saved = await client.expect<SavedRequest>('POST', '/api/v1/requests', content);
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
  await client.expect('POST', `/api/v1/requests/${encodeURIComponent(requestId)}/send`);
}

/** What the sending node says about a sent request's delivery. */
export type DeliveryView = Readonly<{ state: string | undefined; receipt: string | undefined }>;

type RequestWithDelivery = {
  request: {
    deliveryState?: string | null;
    delivery?: { state?: string; receipt?: string | null; receiptReceivedAt?: string | null } | null;
  };
};

export async function readDelivery(client: ApiClient, requestId: string): Promise<DeliveryView> {
  const answer = await client.expect<RequestWithDelivery>(
    'GET',
    `/api/v1/requests/${encodeURIComponent(requestId)}`,
  );
  const { request } = answer;
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

type ListedRequest = {
  id: string;
  direction?: string;
  peerNodeId?: string | null;
  remoteRequestId?: string | null;
  caseReference: string | null;
};

/** The incoming requests the client may read at the receiving node (GET /api/v1/requests). */
export async function listIncomingRequests(client: ApiClient): Promise<IncomingSummary[]> {
  const answer = await client.expect<{ items: ListedRequest[] }>(
    'GET',
    '/api/v1/requests?direction=incoming',
  );
  return answer.items
    .filter((item) => item.direction === 'incoming')
    .map((item) => ({
      id: item.id,
      peerNodeId: item.peerNodeId ?? undefined,
      remoteRequestId: item.remoteRequestId ?? undefined,
      caseReference: item.caseReference,
    }));
}
