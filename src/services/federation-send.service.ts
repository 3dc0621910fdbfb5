/**
 * Sending a request to the requested State, under the two-person rule (src/core/approval): the
 * author submits a draft with no blocking finding (services/approvals.service.ts), and a second
 * person, a supervisor, approves it, which sends it. The directory says which node receives that
 * kind of request for that State (the catalogue's channel: 24/7 point of contact for preservation
 * and emergencies, central authority or extradition authority otherwise). The approval, the
 * request becoming 'sent' and its sealed message entering the outbox are ONE statement
 * (transactional outbox): none exists without the others. The delivery worker takes the message
 * at commit (messages/queue-for-peer.ts).
 */
import { counted } from '../core/counted.ts';
import { checkDecision } from '../core/approval/approval-rules.ts';
import { findRequestType } from '../core/catalogue/catalogue-lookup.ts';
import { AppError } from '../core/errors.ts';
import type { Locale } from '../core/i18n.ts';
import type { AppContext } from '../app-context.ts';
import type { FederationRuntime } from '../federation/context.ts';
import {
  queueRequestSubmitted,
  requestSubmittedMessage,
} from '../federation/messages/request-submitted.message.ts';
import { assertMaySendTo } from '../federation/messages/seal-for-peer.ts';
import type { DirectoryNode } from '../federation/protocol/types.ts';
import type { Actor } from '../policies/access.ts';
import { findingsFor, getRequestForDecision, type RequestView } from './requests.service.ts';

/** The status of a request once it has left the node (its delivery is followed by deliveryState). */
export const SENT_STATUS = 'sent';
/** The status of a request its author submitted, until a second person approves or returns it. */
export const AWAITING_APPROVAL_STATUS = 'awaiting-approval';

/** What approving answers: the request as it is now, and the message that carries it. */
export type SendResult = Readonly<{
  request: RequestView;
  message: Readonly<{ id: string; peerNodeId: string; endpoint: string; digest: string }>;
}>;

export type ApproveOptions = Readonly<{
  /** Refuse with conflict unless the request is still at this revision (If-Match). */
  expectedRevision?: number;
  /** Language of the blocking findings listed when sending is refused. */
  locale: Locale;
  /** The reference of the authorising decision (required for an intrusive measure). */
  decisionReference?: string | undefined;
}>;

/** The refusal of the approval rules as the error the API answers with. */
export function approvalRefusalError(reason: string, message: string): AppError {
  switch (reason) {
    case 'already-decided':
      return new AppError('invalid-state', message);
    case 'subject-changed':
      return new AppError('conflict', message);
    // Named by pointer and code, so that the screen marks the field in the reader's language.
    case 'reasons-missing':
      return new AppError('invalid-input', message, [
        { path: 'body.reasons', pointer: '/reasons', code: 'required', message },
      ]);
    case 'decision-reference-missing':
      return new AppError('invalid-input', message, [
        { path: 'body.decisionReference', pointer: '/decisionReference', code: 'required', message },
      ]);
    default:
      return new AppError('forbidden', message);
  }
}

/**
 * A second person approves a request awaiting approval, which sends it: the approval rules
 * (not its submitter, a supervisor, the designated role and a decision reference for an intrusive
 * measure, the revision submitted), then validation, routing and sealing as a send.
 */
export async function approveAndSendRequest(
  context: AppContext,
  actor: Actor,
  id: string,
  options: ApproveOptions,
): Promise<SendResult> {
  // Reading first: a request the actor may not read is not found, whatever the node's set-up.
  // One read: the request, its pending approval, the directory stamp its validation needs.
  const {
    request,
    authorDisplayName,
    pendingApproval: approval,
    directoryStamp,
    actorDisplayName,
  } = await getRequestForDecision(context, actor, id);
  if (request.direction !== 'outgoing' || request.status !== AWAITING_APPROVAL_STATUS) {
    throw new AppError(
      'invalid-state',
      `request ${id} is ${request.status}; only a request awaiting approval can be approved (its author submits it first)`,
    );
  }
  if (options.expectedRevision !== undefined && options.expectedRevision !== request.revision) {
    throw new AppError(
      'conflict',
      `request ${id} was changed by someone else (it is now at revision ${request.revision}); reload it and try again`,
    );
  }
  if (!approval) throw new AppError('invalid-state', `request ${id} has no submission waiting for approval`);
  const decisionReference = options.decisionReference?.trim() || undefined;
  const verdict = checkDecision(
    {
      kind: 'request',
      requestType: request.type,
      submittedBy: approval.submittedBy.id ?? '',
      submittedRevision: approval.submittedRevision,
      decision: null,
    },
    { id: actor.userId, roles: actor.roles },
    { decision: 'approve', currentRevision: request.revision, decisionReference },
    context.config.approval,
  );
  if (!verdict.ok) throw approvalRefusalError(verdict.reason, verdict.message);
  const { federation, target } = await routeRequest(context, request, options.locale, directoryStamp);
  const now = context.now();
  const sealed = await queueRequestSubmitted(context, federation, {
    approval: {
      approvalId: approval.id,
      decidedBy: actor.userId,
      decidedByDisplayName: actorDisplayName || actor.username,
      decisionReference: decisionReference ?? null,
    },
    request: {
      id: request.id,
      revision: request.revision,
      content: request.content,
      authorDisplayName: authorDisplayName || approval.submittedBy.username || actor.username,
    },
    to: target,
    now,
  });
  if (!sealed) {
    throw new AppError('conflict', `request ${id} changed while it was being sent; reload it and try again`);
  }
  const { id: messageId, digest } = sealed;
  context.live.publish({
    kind: 'case-changed',
    requestId: request.id,
    status: SENT_STATUS,
    transition: 'approve-and-send',
    actorId: actor.userId,
    at: now.toISOString(),
  });
  // What the transaction wrote, without reading it back (sending is on the hot path).
  return {
    request: {
      ...request,
      status: SENT_STATUS,
      revision: request.revision + 1,
      updatedAt: now.toISOString(),
      direction: 'outgoing',
      peerNodeId: target.nodeId,
      deliveryState: 'pending',
      caseStatus: SENT_STATUS,
      delivery: {
        messageId,
        state: 'pending',
        attempts: 0,
        lastAttemptAt: null,
        nextAttemptAt: now.toISOString(),
        lastError: null,
        digest,
        receipt: null,
        receiptReceivedAt: null,
      },
    },
    message: { id: messageId, peerNodeId: target.nodeId, endpoint: target.endpoint, digest },
  };
}

/**
 * Where a request goes, or why it cannot go: a node with federation, no blocking finding, a
 * requested State, a node of that State for the type's channel in a directory still vouched for,
 * which reads this request type. Checked when the author submits (so a request that cannot leave
 * stays a draft) and again when the second person approves.
 */
export async function routeRequest(
  context: AppContext,
  request: Pick<RequestView, 'type' | 'content' | 'requestedState'>,
  locale: Locale,
  /** The directory stamp when it was read with the request. */
  directoryStamp?: string,
): Promise<Readonly<{ federation: FederationRuntime; target: DirectoryNode }>> {
  const federation = context.federation;
  if (!federation) {
    throw new AppError(
      'no-recipient-node',
      'this node has no federation identity yet, so it cannot send requests; its operator runs comity init',
    );
  }
  const report = await findingsFor(context, request.content, locale, { directoryStamp });
  if (!report.isReady) {
    const blocking = report.findings.filter((finding) => finding.severity === 'blocking');
    throw new AppError(
      'invalid-state',
      `the request has ${counted(blocking.length, 'blocking finding')}; resolve them before it is sent`,
      blocking.map((finding) => ({
        path: finding.element,
        message: `${finding.article}: ${finding.message}`,
      })),
    );
  }
  const requestedState = request.requestedState;
  if (!requestedState) {
    throw new AppError('invalid-state', 'the request names no requested State to send it to');
  }
  const channel = findRequestType(context.catalogue, request.type)?.channel;
  if (!channel)
    throw new AppError('invalid-state', `the catalogue has no channel for request type ${request.type}`);
  const target = federation.directory.findNodeFor(requestedState, channel);
  const expiredSince = federation.directory.expiredSince();
  if (!target && expiredSince) {
    // Refused rather than queued: the node and key to seal for would come from a directory that
    // is no longer vouched for (docs/federation.md, section 9). The request stays awaiting approval.
    throw new AppError(
      'directory-expired',
      `the directory of nodes expired at ${expiredSince} (the secretariat has not been reachable since); nothing was sent: approve the request again once a fresh directory has arrived`,
    );
  }
  if (!target) {
    const serial = federation.directory.describe()?.serial;
    throw new AppError(
      'no-recipient-node',
      `the directory of nodes${serial === undefined ? ' (not fetched yet)' : ` (serial ${serial})`} lists no ${channel} node for ${requestedState}; this request cannot be sent electronically yet`,
    );
  }
  assertMaySendTo(federation, target, {
    messageType: requestSubmittedMessage.type,
    requestType: request.type,
  });
  return { federation, target };
}
