/**
 * `request.submitted`: the requesting State's node sends a request its officer completed; the
 * requested State's node stores it as an incoming request. The sender's request shows the
 * message's delivery (pending, delivered, failed, cancelled).
 *
 * The request content on the wire is the content schema of protocol v1, read forward-compatibly:
 * members a receiver does not know are dropped before validation (known-members.ts), and the
 * schema is frozen as JSON Schema in test/fixtures/federation-vectors/request-content.v1.schema.json,
 * so a change of the draft model that would change what v1 nodes exchange fails a test that names
 * the versioning rules (docs/federation.md, "Versioning").
 */
import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import { type RequestContent, RequestContentSchema } from '../../core/request/draft.ts';
import { approveAndQueueRequest } from '../../storage/federation-requests.repository.ts';
import type { FederationRuntime } from '../context.ts';
import { TimestampSchema } from '../protocol/envelope.ts';
import type { DirectoryNode } from '../protocol/types.ts';
import { keepKnownMembers } from './known-members.ts';
import { defineMessage } from './message-definition.ts';
import { queueForPeer } from './queue-for-peer.ts';
import { assertPeerReads, type SealedMessage, sealForPeer } from './seal-for-peer.ts';

/** The request content as v1 nodes exchange it (see the module comment). */
export const RequestContentWireSchema = z.preprocess(
  (value) => keepKnownMembers(RequestContentSchema, value),
  RequestContentSchema,
);

const PersonNameSchema = z.object({ displayName: z.string().min(1).max(200) }).strict();

export const RequestSubmittedBodySchema = z
  .object({
    request: RequestContentWireSchema,
    /** The sender's id of the request (its case), so later messages can refer to it. */
    requestId: z.string().min(1).max(200),
    submittedAt: TimestampSchema,
    submittedBy: PersonNameSchema,
    /**
     * The second person whose approval sent it (the two-person rule), as the sending node names
     * them; absent from messages of earlier releases.
     */
    approvedBy: PersonNameSchema.optional(),
  })
  .strict();
export type RequestSubmittedBody = z.infer<typeof RequestSubmittedBodySchema>;

function trimmedOrNull(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

export const requestSubmittedMessage = defineMessage<RequestSubmittedBody>({
  type: 'request.submitted',
  bodySchema: RequestSubmittedBodySchema,
  label: { ar: 'طلب', en: 'Request', es: 'Solicitud', fr: 'Demande', ru: 'Запрос', zh: '请求' },
  receive: async ({ envelope, body, receivedAt }, tools) => ({
    kind: 'incoming-request',
    request: {
      type: body.request.type,
      content: body.request,
      caseReference: trimmedOrNull(body.request.caseReference),
      requestedState: trimmedOrNull(body.request.requestedAuthority?.state)?.toUpperCase() ?? null,
      createdBy: await tools.federationUserId(),
      peerNodeId: envelope.from,
      remoteRequestId: body.requestId,
      receivedAt,
      submittedBy: body.submittedBy.displayName,
      approvedBy: body.approvedBy?.displayName ?? null,
    },
  }),
  onOutcome: (outcome, message) => ({
    kind: 'request-delivery-state',
    requestId: message.caseId,
    state: outcome,
  }),
});

export type RequestToSubmit = Readonly<{
  id: string;
  revision: number;
  content: RequestContent;
  authorDisplayName: string;
}>;

/** The second person's approval that lets the request leave (the two-person rule). */
export type RequestApproval = Readonly<{
  approvalId: string;
  decidedBy: string;
  /** The approver's name, as the message tells the requested State. */
  decidedByDisplayName: string;
  decisionReference: string | null;
}>;

/**
 * Seals the request for the requested State's node and, in ONE statement, records the second
 * person's approval, marks the request sent and queues the message (transactional outbox).
 * Undefined (nothing written) when the request is no longer awaiting approval at `revision` or the
 * approval was decided meanwhile.
 */
export async function queueRequestSubmitted(
  context: AppContext,
  federation: FederationRuntime,
  input: Readonly<{ request: RequestToSubmit; approval: RequestApproval; to: DirectoryNode; now: Date }>,
): Promise<SealedMessage | undefined> {
  const { request, approval, to, now } = input;
  assertPeerReads(to, { messageType: requestSubmittedMessage.type, requestType: request.content.type });
  const sealed = await sealForPeer(federation, requestSubmittedMessage, {
    to,
    caseId: request.id,
    now,
    body: {
      request: request.content,
      requestId: request.id,
      submittedAt: now.toISOString(),
      submittedBy: { displayName: request.authorDisplayName },
      approvedBy: { displayName: approval.decidedByDisplayName },
    },
  });
  const isQueued = await queueForPeer(
    context,
    federation,
    sealed,
    { peerNodeId: to.nodeId, caseId: request.id, now },
    (queued) =>
      approveAndQueueRequest(
        context.db,
        {
          approvalId: approval.approvalId,
          id: request.id,
          expectedRevision: request.revision,
          peerNodeId: to.nodeId,
          decidedBy: approval.decidedBy,
          decisionReference: approval.decisionReference,
          now,
        },
        queued,
      ),
  );
  return isQueued ? sealed : undefined;
}
