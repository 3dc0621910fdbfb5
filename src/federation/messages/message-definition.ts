/**
 * A federation message type is ONE module under src/federation/messages/, built with
 * defineMessage: its wire name, the schema of its body on the wire, its label, what the receiving
 * node does inside the receiving statement, and how the sending node's records follow the
 * message's delivery. Preparing and queueing a message of the type is a function the same module
 * exports, built on queueMessage (queue-message.ts). The registry (registry.ts) lists the modules;
 * nothing else in src/ compares message type names.
 *
 * Every piece is required, so the compiler rejects a module that lacks one; a piece with nothing
 * to do says so (`() => undefined`).
 */
import type { z } from 'zod';
import type { LocalizedText } from '../../core/i18n.ts';
import type { CaseCatalogue } from '../../core/case/case-model.ts';
import type { CaseLookup, CaseRecord } from '../../storage/case-events.repository.ts';
import type { DeliveryOutcome, ReceiveEffect, SenderEffect } from '../../storage/message-effects.ts';
import type { Envelope, RejectionReason } from '../protocol/types.ts';

/** A message type name on the wire: lowercase words separated by dots (`request.submitted`). */
export const MESSAGE_TYPE_NAME_PATTERN = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/;

/** A message this node received, opened and checked: its signed envelope and its parsed body. */
export type ReceivedMessage<Body> = Readonly<{
  envelope: Envelope;
  body: Body;
  receivedAt: Date;
}>;

/** What a receive hook may ask of the receiving node (looked up only when needed). */
export type ReceiveTools = Readonly<{
  /** The system account that authors what arrives from other nodes. */
  federationUserId: () => Promise<string>;
  /** This node's copy of a case (its request and history), if it holds one. */
  findCase: (lookup: CaseLookup) => Promise<CaseRecord | undefined>;
  /** What the case lifecycle reads from this node's catalogue. */
  caseCatalogue: () => CaseCatalogue;
}>;

/** The receiver refuses the message for good: nothing is stored, the sender sees `reason`. */
export type ReceiveRefusal = Readonly<{ kind: 'refused'; reason: RejectionReason; detail: string }>;

/** A message of this node's outbox whose outcome is being recorded. */
export type SentMessage = Readonly<{ id: string; caseId: string; peerNodeId: string }>;

export type MessageDefinition<Body> = Readonly<{
  /** The name on the wire (envelope `type`, JWE `cty`). */
  type: string;
  /** The body as it travels (docs/federation.md, "Message types"); its own schema, not the domain's. */
  bodySchema: z.ZodType<Body>;
  /** How the peers screen and `comity outbox` name messages of this type, per UI language. */
  label: LocalizedText;
  /**
   * At the receiver: the effect stored with the inbox row, in one statement; undefined for none; a
   * refusal when the message cannot apply to what this node holds.
   */
  receive: (
    message: ReceivedMessage<Body>,
    tools: ReceiveTools,
  ) => Promise<ReceiveEffect | ReceiveRefusal | undefined>;
  /** At the sender: what follows the message's outcome (delivered, failed, cancelled, pending again). */
  onOutcome: (outcome: DeliveryOutcome, message: SentMessage) => SenderEffect | undefined;
  /**
   * False when the message's case id is a queue of its own rather than a request of this node
   * (duty.status: one queue per peer): its delivery changes no request's screens, and names no case
   * to the alert timers. Omitted: the case id is a request's.
   */
  isAboutRequest?: false;
}>;

/** A definition whose body type is erased (what the registry holds). */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds definitions of every body type
export type AnyMessageDefinition = MessageDefinition<any>;

/** Checks the name at definition time, so a misspelt type fails when the module loads. */
export function defineMessage<Body>(definition: MessageDefinition<Body>): MessageDefinition<Body> {
  if (!MESSAGE_TYPE_NAME_PATTERN.test(definition.type) || definition.type.length > 64) {
    throw new TypeError(`invalid message type name ${definition.type}`);
  }
  return Object.freeze(definition);
}
