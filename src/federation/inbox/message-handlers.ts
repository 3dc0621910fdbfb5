/**
 * What a received message does at this node, per message type. A handler does not write: it
 * describes its effect, and reception (receive-message.ts) stores that effect in the SAME
 * statement as the inbox row that guards against replays (inbox.repository.ts), so the effect
 * commits exactly once with that row or not at all, in one round trip to the database.
 */
import type { IncomingRequestWrite } from '../../storage/federation-requests.repository.ts';
import type { OpenSuccess } from '../protocol/seal.ts';

export type HandlerInput = Readonly<{
  message: OpenSuccess;
  receivedAt: Date;
  /** The id of the system account incoming requests are created by (see federation-requests.repository.ts). */
  federationUserId: string;
}>;

/** The effect of a message: an incoming request to store, or nothing (ping). */
export type MessageEffect = Readonly<{ kind: 'incoming-request'; request: IncomingRequestWrite }> | undefined;

function trimmedOrNull(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/** The effect of an opened message, to be stored with its inbox row. */
export function effectOf(input: HandlerInput): MessageEffect {
  const { message, receivedAt } = input;
  switch (message.type) {
    case 'request.submitted': {
      const { request, requestId } = message.body;
      return {
        kind: 'incoming-request',
        request: {
          type: request.type,
          content: request,
          caseReference: trimmedOrNull(request.caseReference),
          requestedState: trimmedOrNull(request.requestedAuthority?.state)?.toUpperCase() ?? null,
          createdBy: input.federationUserId,
          peerNodeId: message.envelope.from,
          remoteRequestId: requestId,
          receivedAt,
        },
      };
    }
    case 'ping':
      return undefined;
  }
}
