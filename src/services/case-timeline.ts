/**
 * The parts of a case's view the request flow and the federation messages give (docs/api.md, "The
 * case of a request"): the steps before any stored event (drafted and sent here, or sent by the
 * other State and received here, and the delivery its signed receipt proves), and, for each step
 * and event, the message that carried it, with its delivery state and its signed receipt decoded
 * and verified against the directory of nodes this node holds.
 */
import type { Case } from '../core/case/case-model.ts';
import { type CaseFigures, caseFigures } from '../core/case/figures.ts';
import type { AppContext } from '../app-context.ts';
import { JWS_TYPES, parseCompactJws } from '../federation/protocol/compact-jws.ts';
import type { StoredCaseEvent } from '../storage/case-events.repository.ts';
import {
  findFirstInboxMessageOfCase,
  findInboxMessage,
  findInboxMessageText,
} from '../storage/inbox.repository.ts';
import { listApprovals } from '../storage/approvals.repository.ts';
import { findFirstMessageOfCase, findOutboxMessage } from '../storage/outbox.repository.ts';
import type { StoredRequest } from '../storage/requests.repository.ts';
import { findUserById } from '../storage/users.repository.ts';
import {
  checkReceipt,
  type DecodedReceipt,
  type DirectoryNodes,
  directoryNodesOf,
} from './receipts.service.ts';

/** A signed receipt as the case view shows it: what it says, and whether it verifies here. */
export type ReceiptView = DecodedReceipt &
  Readonly<{
    /** The compact JWS itself. */
    jws: string;
    /** The signature checks out against the signer's keys in this node's directory, for this message. */
    verified: boolean;
    /** Why it does not verify; null when it does. */
    problem: string | null;
  }>;

/** The federation message that carried a step or an event. */
export type CaseMessageView = Readonly<{
  id: string;
  /** Sent by this node (outbox) or received from the other node (inbox). */
  direction: 'sent' | 'received';
  /** This node's delivery state of a sent message; a received one is delivered. */
  state: 'pending' | 'delivered' | 'failed' | 'cancelled';
  receipt: ReceiptView | null;
}>;

export type FlowStepView = Readonly<{
  step: 'drafted' | 'sent' | 'delivered';
  side: 'requesting' | 'requested';
  /**
   * Who: a person of this node; for a request another State sent, the person its message says
   * submitted it (roles unknown); null when not known (the other State is named instead).
   */
  actor: Readonly<{ displayName: string; roles: string[] }> | null;
  /** Of a request another State sent: the second person its message says approved the sending. */
  approvedBy: Readonly<{ displayName: string }> | null;
  at: string;
  origin: 'this-node' | 'other-node';
  message: CaseMessageView | null;
}>;

/** What the case view adds to the stored history. */
export type CaseTimelineParts = Readonly<{
  flow: FlowStepView[];
  /** The message of each stored event, by its sequence. */
  eventMessages: ReadonlyMap<number, CaseMessageView>;
  figures: CaseFigures;
  /** The last message this node sent in the case, if any: what the other side knows of it. */
  lastSent: CaseMessageView | null;
}>;

async function receiptViewOf(
  compact: string | null,
  nodes: DirectoryNodes,
  messageId: string,
  digests: readonly string[],
): Promise<ReceiptView | null> {
  if (compact === null) return null;
  const checked = await checkReceipt(compact, nodes, { messageId, digests });
  if (!checked.receipt) return null;
  return {
    ...checked.receipt,
    jws: compact,
    verified: checked.ok,
    problem: checked.ok ? null : `${checked.reason}: ${checked.detail}`,
  };
}

async function sentMessageView(
  context: AppContext,
  nodes: DirectoryNodes,
  id: string,
): Promise<CaseMessageView | null> {
  const message = await findOutboxMessage(context.db, id);
  if (!message) return null;
  return {
    id,
    direction: 'sent',
    state: message.status,
    receipt: await receiptViewOf(message.receipt, nodes, id, [...message.previousDigests, message.digest]),
  };
}

async function receivedMessageView(
  context: AppContext,
  nodes: DirectoryNodes,
  id: string,
): Promise<CaseMessageView | null> {
  const message = await findInboxMessage(context.db, id);
  if (!message) return null;
  return {
    id,
    direction: 'received',
    state: 'delivered',
    receipt: await receiptViewOf(message.receipt, nodes, id, [message.digest]),
  };
}

/** When the sender made a message (its signed envelope's createdAt), if it can be read. */
async function envelopeCreatedAt(context: AppContext, id: string): Promise<string | undefined> {
  const text = await findInboxMessageText(context.db, id);
  const parsed = text ? parseCompactJws(text, JWS_TYPES.message) : undefined;
  const createdAt = parsed?.ok ? (parsed.payload as { createdAt?: unknown }).createdAt : undefined;
  return typeof createdAt === 'string' ? createdAt : undefined;
}

/** Who approved the request's sending (its last approval of kind `request`), if anyone did. */
async function senderOf(
  context: AppContext,
  requestId: string,
): Promise<{ displayName: string; roles: string[] } | undefined> {
  const approved = (await listApprovals(context.db, { requestId }))
    .filter((approval) => approval.kind === 'request' && approval.decision === 'approve')
    .at(-1);
  const decider = approved?.decidedBy;
  if (!decider?.id) return undefined;
  const user = await findUserById(context.db, decider.id);
  return { displayName: decider.displayName ?? decider.username ?? '', roles: [...(user?.roles ?? [])] };
}

async function outgoingFlow(
  context: AppContext,
  stored: StoredRequest,
  nodes: DirectoryNodes,
): Promise<FlowStepView[]> {
  const author = await findUserById(context.db, stored.createdBy.id);
  const actor = { displayName: stored.authorDisplayName, roles: [...(author?.roles ?? [])] };
  const flow: FlowStepView[] = [
    {
      step: 'drafted',
      side: 'requesting',
      actor,
      approvedBy: null,
      at: stored.createdAt.toISOString(),
      origin: 'this-node',
      message: null,
    },
  ];
  const first =
    stored.deliveryState === null ? undefined : await findFirstMessageOfCase(context.db, stored.id);
  if (!first) return flow;
  const approver = await senderOf(context, stored.id);
  flow.push({
    step: 'sent',
    side: 'requesting',
    // Its author submitted it and a second person's approval sent it (the two-person rule): both
    // named, as the requested State reads them from the request's message.
    actor,
    approvedBy: approver ? { displayName: approver.displayName } : null,
    at: first.createdAt.toISOString(),
    origin: 'this-node',
    message: await sentMessageView(context, nodes, first.id),
  });
  if (first.receiptReceivedAt) {
    flow.push({
      step: 'delivered',
      side: 'requested',
      actor: null,
      approvedBy: null,
      at: first.receiptReceivedAt.toISOString(),
      origin: 'other-node',
      message: null,
    });
  }
  return flow;
}

async function incomingFlow(
  context: AppContext,
  stored: StoredRequest,
  nodes: DirectoryNodes,
): Promise<FlowStepView[]> {
  if (!stored.peerNodeId || !stored.remoteRequestId) return [];
  const received = await findFirstInboxMessageOfCase(context.db, stored.peerNodeId, stored.remoteRequestId);
  if (!received) return [];
  const sentAt = await envelopeCreatedAt(context, received.id);
  const message = await receivedMessageView(context, nodes, received.id);
  return [
    ...(sentAt
      ? [
          {
            step: 'sent' as const,
            side: 'requesting' as const,
            actor: stored.remoteSubmittedBy ? { displayName: stored.remoteSubmittedBy, roles: [] } : null,
            approvedBy: stored.remoteApprovedBy ? { displayName: stored.remoteApprovedBy } : null,
            at: sentAt,
            origin: 'other-node' as const,
            message,
          },
        ]
      : []),
    {
      step: 'delivered',
      side: 'requested',
      actor: null,
      approvedBy: null,
      at: received.receivedAt.toISOString(),
      origin: 'this-node',
      message: sentAt ? null : message,
    },
  ];
}

/** The request flow's steps, each event's message, the figures and the last message sent. */
export async function caseTimelineParts(
  context: AppContext,
  stored: StoredRequest,
  events: readonly StoredCaseEvent[],
  current: Case,
): Promise<CaseTimelineParts> {
  const nodes = await directoryNodesOf(context);
  const flow =
    stored.direction === 'incoming'
      ? await incomingFlow(context, stored, nodes)
      : await outgoingFlow(context, stored, nodes);
  const eventMessages = new Map<number, CaseMessageView>();
  for (const event of events) {
    const message = event.sentMessageId
      ? await sentMessageView(context, nodes, event.sentMessageId)
      : event.receivedMessageId
        ? await receivedMessageView(context, nodes, event.receivedMessageId)
        : null;
    if (message) eventMessages.set(event.sequence, message);
  }
  const sent = [
    ...flow.map((step) => step.message),
    ...events.map((event) => eventMessages.get(event.sequence)),
  ].filter((message): message is CaseMessageView => message?.direction === 'sent');
  const sentAt = flow.find((step) => step.step === 'sent')?.at ?? null;
  return {
    flow,
    eventMessages,
    figures: caseFigures(current.history, sentAt),
    lastSent: sent.at(-1) ?? null,
  };
}
