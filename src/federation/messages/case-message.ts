/**
 * What the case messages share (case.acknowledged, case.refused...: one module per transition,
 * each a few lines built with defineCaseMessage). A transition made on one node travels to the
 * other as the event it recorded; the receiving node finds its copy of the case, applies the same
 * lifecycle (src/core/case) to the event with the sender's side, and stores it with the status it
 * leads to in the receiving statement, or refuses the message when its rules do not allow it.
 */
import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import {
  CASE_ROLES,
  type CaseCatalogue,
  type CaseEvent,
  type CaseRole,
  type CaseSide,
} from '../../core/case/case-model.ts';
import {
  type ConcurrentFold,
  caseOfStoredSteps,
  otherSide,
  type PlacedEvent,
  sideOf,
} from '../../core/case/request-case.ts';
import type { LocalizedText } from '../../core/i18n.ts';
import {
  type CaseEventWrite,
  type CaseRecord,
  insertCaseEventAndQueue,
} from '../../storage/case-events.repository.ts';
import type { FederationRuntime } from '../context.ts';
import { TimestampSchema } from '../protocol/envelope.ts';
import type { DirectoryNode } from '../protocol/types.ts';
import { type AnyMessageDefinition, defineMessage, type MessageDefinition } from './message-definition.ts';
import type { MessageRegistry } from './registry.ts';
import { queueForPeer } from './queue-for-peer.ts';
import { type SealedMessage, sealForPeer } from './seal-for-peer.ts';

const Id = z.string().min(1).max(200);

function caseMessageBodySchema(transition: string) {
  return z
    .object({
      /** The sender's id of the request (the envelope's case). */
      requestId: Id,
      /** The receiver's id of the request, when the sender knows it (it received the request). */
      remoteRequestId: Id.nullable(),
      event: z
        .object({
          transition: z.literal(transition),
          /** As the sender's lifecycle validated it; the receiver checks it with the same rules. */
          payload: z.record(z.string(), z.unknown()),
          occurredAt: TimestampSchema,
          actor: z
            .object({
              id: Id,
              displayName: z.string().min(1).max(200),
              roles: z.array(z.enum(CASE_ROLES)).max(10),
            })
            .strict(),
          /**
           * The second person who approved the transition before it was made (a response: the
           * two-person rule); absent when none had to.
           */
          approvedBy: z
            .object({ id: Id, displayName: z.string().min(1).max(200) })
            .strict()
            .optional(),
          /**
           * How many of the receiver's side's steps the sender held when it made this one: a step
           * made before the sender heard of the receiver's latest is placed by both nodes in one
           * order (src/core/case/concurrent-steps.ts). Absent: every step the receiver holds.
           */
          seen: z.number().int().min(0).max(1_000_000).optional(),
        })
        .strict(),
    })
    .strict();
}
export type CaseMessageBody = z.infer<ReturnType<typeof caseMessageBodySchema>>;

/** The transition each case message carries, keyed by its definition. */
const TRANSITION_OF = new WeakMap<AnyMessageDefinition, string>();

/** A stored event as the lifecycle folds it. */
function placedEventOf(event: CaseRecord['events'][number]): PlacedEvent {
  const folded: CaseEvent = {
    transition: event.transition,
    actor: { id: event.actor.id, side: event.side as CaseSide, roles: event.actor.roles as CaseRole[] },
    at: event.occurredAt.toISOString(),
    payload: event.payload,
  };
  return { event: folded, seenOther: event.seenOther };
}

/**
 * The case as a node holds it: the request's base with its stored events applied, in the order
 * both nodes agree on (steps made at the same moment on both sides: concurrent-steps.ts).
 */
export function caseOfRecord(record: CaseRecord, catalogue: CaseCatalogue): ConcurrentFold {
  return caseOfStoredSteps(record.request, record.events.map(placedEventOf), catalogue);
}

function refused(detail: string) {
  return { kind: 'refused', reason: 'transition-refused', detail } as const;
}

/** A message type that carries one transition of the case lifecycle. */
export function defineCaseMessage(
  input: Readonly<{ type: string; transition: string; label: LocalizedText }>,
): MessageDefinition<CaseMessageBody> {
  const definition = defineMessage<CaseMessageBody>({
    type: input.type,
    bodySchema: caseMessageBodySchema(input.transition),
    label: input.label,
    receive: async ({ envelope, body, receivedAt }, tools) => {
      const record = await tools.findCase(
        body.remoteRequestId === null
          ? { peerNodeId: envelope.from, remoteRequestId: body.requestId }
          : { requestId: body.remoteRequestId },
      );
      if (!record || record.request.peerNodeId !== envelope.from || envelope.case !== body.requestId) {
        return refused(`this node holds no case ${body.requestId} with node ${envelope.from}`);
      }
      const catalogue = tools.caseCatalogue();
      const current = caseOfRecord(record, catalogue);
      if (!current.ok)
        return refused(`the case's stored history does not replay: ${current.refusal.message}`);
      const { event } = body;
      const side = otherSide(sideOf(record.request.direction));
      // The step joins the stored ones and all are folded in the order both nodes agree on: a step
      // made before its sender heard of this node's latest may come before it, or be superseded.
      const received: PlacedEvent = {
        event: {
          transition: event.transition,
          actor: { ...event.actor, side },
          at: event.occurredAt,
          payload: event.payload,
        },
        seenOther: event.seen ?? null,
      };
      const steps = [...record.events.map(placedEventOf), received];
      const applied = caseOfStoredSteps(record.request, steps, catalogue);
      if (!applied.ok) {
        return refused(`the case is ${applied.refusal.status} here: ${applied.refusal.message}`);
      }
      return {
        kind: 'case-event',
        event: {
          requestId: record.request.id,
          sequence: record.events.length + 1,
          transition: event.transition,
          side,
          actor: event.actor,
          approvedBy: event.approvedBy ?? null,
          payload: applied.applied.at(-1)?.payload ?? event.payload,
          occurredAt: new Date(event.occurredAt),
          seenOther: event.seen ?? null,
          status: applied.case.status,
          recordedAt: receivedAt,
        },
      };
    },
    // The case stays as its sender made it; the message's delivery shows on the peers screen.
    onOutcome: () => undefined,
  });
  TRANSITION_OF.set(definition, input.transition);
  return definition;
}

/** The message type of `registry` that carries `transition`, if this node exchanges it. */
export function caseMessageFor(
  registry: MessageRegistry,
  transition: string,
): MessageDefinition<CaseMessageBody> | undefined {
  for (const type of registry.types) {
    const definition = registry.find(type);
    if (definition && TRANSITION_OF.get(definition) === transition) return definition;
  }
  return undefined;
}

/**
 * Seals the event for the other node and, in ONE statement, appends it to the history with the
 * case's new status and queues the message (transactional outbox). Undefined (nothing written)
 * when another transition took the event's sequence meanwhile.
 */
export async function queueCaseEvent(
  context: AppContext,
  federation: FederationRuntime,
  input: Readonly<{
    message: MessageDefinition<CaseMessageBody>;
    request: Readonly<{ id: string; direction: 'outgoing' | 'incoming'; remoteRequestId: string | null }>;
    event: CaseEventWrite;
    to: DirectoryNode;
  }>,
): Promise<SealedMessage | undefined> {
  const { message, request, event, to } = input;
  const sealed = await sealForPeer(federation, message, {
    to,
    caseId: request.id,
    now: event.recordedAt,
    body: {
      requestId: request.id,
      remoteRequestId: request.direction === 'incoming' ? request.remoteRequestId : null,
      event: {
        transition: event.transition,
        payload: (event.payload ?? {}) as Record<string, unknown>,
        occurredAt: event.occurredAt.toISOString(),
        actor: { ...event.actor, roles: event.actor.roles as CaseRole[] },
        ...(event.approvedBy === null ? {} : { approvedBy: { ...event.approvedBy } }),
        ...(event.seenOther === null ? {} : { seen: event.seenOther }),
      },
    },
  });
  const isQueued = await queueForPeer(
    context,
    federation,
    sealed,
    { peerNodeId: to.nodeId, caseId: request.id, now: event.recordedAt },
    (queued) => insertCaseEventAndQueue(context.db, event, { ...queued, peerNodeId: to.nodeId }),
  );
  return isQueued ? sealed : undefined;
}
