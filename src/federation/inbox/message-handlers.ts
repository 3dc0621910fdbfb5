/**
 * What a received message does at this node, per message type. A handler runs inside the
 * reception transaction, after the inbox row that guards against replays was inserted, so its
 * effect commits exactly once with that row or not at all.
 */
import type { Kysely } from 'kysely';
import type { OpenSuccess } from '../protocol/seal.ts';
import { insertIncomingRequest } from '../../storage/federation-requests.repository.ts';
import type { Database } from '../../storage/schema.ts';

export type HandlerInput = Readonly<{
  message: OpenSuccess;
  receivedAt: Date;
  /** The id of the system account incoming requests are created by (see federation-requests.repository.ts). */
  federationUserId: (trx: Kysely<Database>) => Promise<string>;
}>;

function trimmedOrNull(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/** Runs the effect of an opened message in the transaction `trx`. */
export async function handleMessage(trx: Kysely<Database>, input: HandlerInput): Promise<void> {
  const { message, receivedAt } = input;
  switch (message.type) {
    case 'request.submitted': {
      const { request, requestId } = message.body;
      await insertIncomingRequest(trx, {
        type: request.type,
        content: request,
        caseReference: trimmedOrNull(request.caseReference),
        requestedState: trimmedOrNull(request.requestedAuthority?.state)?.toUpperCase() ?? null,
        createdBy: await input.federationUserId(trx),
        peerNodeId: message.envelope.from,
        remoteRequestId: requestId,
        receivedAt,
      });
      return;
    }
    case 'ping':
      return;
  }
}
