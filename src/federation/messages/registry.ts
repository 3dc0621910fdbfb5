/**
 * The message types this node speaks: one line per module. The envelope check, the receiver, the
 * delivery worker, the peers view and the node's announcement in the directory all read a
 * registry; a test can build one with an extra type (createMessageRegistry).
 */
import { REQUEST_TYPE_IDS } from '../../core/request/draft.ts';
import { PROTOCOL_VERSION } from '../protocol/envelope.ts';
import type { AnyMessageDefinition } from './message-definition.ts';
import { caseAcceptedMessage } from './case-accepted.message.ts';
import { caseAcknowledgedMessage } from './case-acknowledged.message.ts';
import { caseAssessmentBegunMessage } from './case-assessment-begun.message.ts';
import { caseClarificationAnsweredMessage } from './case-clarification-answered.message.ts';
import { caseClarificationRequestedMessage } from './case-clarification-requested.message.ts';
import { caseConditionsAcceptedMessage } from './case-conditions-accepted.message.ts';
import { caseConditionsDeclinedMessage } from './case-conditions-declined.message.ts';
import { caseConditionsProposedMessage } from './case-conditions-proposed.message.ts';
import { caseClosedMessage } from './case-closed.message.ts';
import { caseConsultationRecordedMessage } from './case-consultation-recorded.message.ts';
import { caseConsultationRequestedMessage } from './case-consultation-requested.message.ts';
import { caseConvertedMessage } from './case-converted.message.ts';
import { caseExculpatoryDisclosureNotifiedMessage } from './case-exculpatory-disclosure-notified.message.ts';
import { caseExecutedFullyMessage } from './case-executed-fully.message.ts';
import { caseExecutedPartlyMessage } from './case-executed-partly.message.ts';
import { caseExecutionBegunMessage } from './case-execution-begun.message.ts';
import { caseExtendedMessage } from './case-extended.message.ts';
import { caseExtensionRequestedMessage } from './case-extension-requested.message.ts';
import { caseLapsedMessage } from './case-lapsed.message.ts';
import { casePostponedMessage } from './case-postponed.message.ts';
import { casePreservationRecordedMessage } from './case-preservation-recorded.message.ts';
import { caseRefusedMessage } from './case-refused.message.ts';
import { caseResumedMessage } from './case-resumed.message.ts';
import { caseWithdrawnMessage } from './case-withdrawn.message.ts';
import { auditTreeHeadMessage } from './audit-tree-head.message.ts';
import { dutyStatusMessage } from './duty-status.message.ts';
import { evidenceConsentAnsweredMessage } from './evidence-consent-answered.message.ts';
import { evidenceConsentRequestedMessage } from './evidence-consent-requested.message.ts';
import { evidencePackageOfferedMessage } from './evidence-package-offered.message.ts';
import { evidencePackageReceivedMessage } from './evidence-package-received.message.ts';
import { pingMessage } from './ping.message.ts';
import { requestSubmittedMessage } from './request-submitted.message.ts';
import { syncRedeliverRequestMessage } from './sync-redeliver-request.message.ts';

export const BUILT_IN_MESSAGES: readonly AnyMessageDefinition[] = [
  requestSubmittedMessage,
  pingMessage,
  caseAcknowledgedMessage,
  caseAssessmentBegunMessage,
  caseClarificationRequestedMessage,
  caseClarificationAnsweredMessage,
  caseConditionsProposedMessage,
  caseConditionsAcceptedMessage,
  caseConditionsDeclinedMessage,
  caseAcceptedMessage,
  casePostponedMessage,
  caseResumedMessage,
  caseExecutionBegunMessage,
  caseExecutedPartlyMessage,
  caseExecutedFullyMessage,
  casePreservationRecordedMessage,
  caseExtensionRequestedMessage,
  caseExtendedMessage,
  caseConvertedMessage,
  caseLapsedMessage,
  caseRefusedMessage,
  caseClosedMessage,
  caseWithdrawnMessage,
  dutyStatusMessage,
  syncRedeliverRequestMessage,
  evidencePackageOfferedMessage,
  evidencePackageReceivedMessage,
  auditTreeHeadMessage,
  evidenceConsentRequestedMessage,
  evidenceConsentAnsweredMessage,
  caseExculpatoryDisclosureNotifiedMessage,
  caseConsultationRequestedMessage,
  caseConsultationRecordedMessage,
];

export type MessageRegistry = Readonly<{
  /** The definition of a type this node speaks, or undefined. */
  find: (type: string) => AnyMessageDefinition | undefined;
  /** The names of every type, in registration order (what the node announces it accepts). */
  types: readonly string[];
}>;

export function createMessageRegistry(definitions: readonly AnyMessageDefinition[]): MessageRegistry {
  const byType = new Map<string, AnyMessageDefinition>();
  for (const definition of definitions) {
    if (byType.has(definition.type))
      throw new TypeError(`message type ${definition.type} is registered twice`);
    byType.set(definition.type, definition);
  }
  return Object.freeze({
    find: (type: string) => byType.get(type),
    types: Object.freeze([...byType.keys()]),
  });
}

/** The registry of a node as shipped. */
export const DEFAULT_MESSAGE_REGISTRY: MessageRegistry = createMessageRegistry(BUILT_IN_MESSAGES);

/** The registry of a node's federation runtime, or the default one where federation is not running (operator commands). */
export function messageRegistryOf(
  federation: Readonly<{ messages: MessageRegistry }> | undefined,
): MessageRegistry {
  return federation?.messages ?? DEFAULT_MESSAGE_REGISTRY;
}

/** What a node running this registry reads, as it announces it in its keys file and so in the directory. */
export function announcedAccepts(registry: MessageRegistry = DEFAULT_MESSAGE_REGISTRY): {
  protocols: number[];
  messageTypes: string[];
  requestTypes: string[];
} {
  return {
    protocols: [PROTOCOL_VERSION],
    messageTypes: [...registry.types],
    requestTypes: [...REQUEST_TYPE_IDS],
  };
}
