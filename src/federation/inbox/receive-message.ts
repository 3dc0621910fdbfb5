/**
 * Receiving a federation message, exactly once. The protocol checks (size, algorithm, sender,
 * signature, schema, addressee, freshness, decryption) are openMessage's, with the sender's key
 * found by sender-key.ts (a transient refusal when the directory has expired or does not list a
 * listed node's new key yet, after one refresh); this module adds the
 * replay check and the effect its message type's module describes (src/federation/messages/), in ONE statement (hence one transaction): the inbox row keyed by
 * the message id, the handler's effect (an incoming request...), and the signed receipt stored
 * beside them. A message
 * that arrives again (the sender never saw our answer, or crashed) finds its row and is answered
 * with the original receipt, and nothing runs twice. Any refusal stores nothing.
 */
import { AppError } from '../../core/errors.ts';
import { findUnstorableTexts } from '../../core/storable-text.ts';
import type { AppContext } from '../../app-context.ts';
import { caseCatalogueFrom } from '../../core/case/case-model.ts';
import { findCaseRecord, findIncomingRequestId } from '../../storage/case-events.repository.ts';
import { ensureFederationUser } from '../../storage/federation-requests.repository.ts';
import type { Kysely } from 'kysely';
import {
  findInboxMessage,
  type InboxReception,
  type InboxWrite,
  isWrittenTogether,
  type NewInboxMessage,
  receiveIntoInbox,
  receiveManyIntoInbox,
} from '../../storage/inbox.repository.ts';
import type { AuditIntakeRow } from '../../storage/audit.repository.ts';
import type { Database } from '../../storage/schema.ts';
import type { ReceiveEffect } from '../../storage/message-effects.ts';
import { unverifiedPayloadOf } from '../protocol/compact-jws.ts';
import { openMessage } from '../protocol/seal.ts';
import { signReceipt } from '../protocol/receipt.ts';
import { findSenderKey, SenderNotVerifiableError } from './sender-key.ts';
import type { RejectionReason } from '../protocol/types.ts';

export type ReceiveResult =
  | Readonly<{
      ok: true;
      receipt: string;
      /** The message's id and its sender (what the audit log records, never the content). */
      messageId: string;
      from: string;
      /** Whether its audit record (ReceiveOptions.auditOf) was written with it. */
      isAudited: boolean;
    }>
  | Readonly<{
      ok: false;
      reason: RejectionReason;
      detail: string;
      /** For replayed-message: the receipt given when the message was first received. */
      receipt?: string;
    }>;

export type ReceiveOptions = Readonly<{
  /**
   * The audit log's record of a message received, written in the statement that stores it (so it
   * is committed exactly when the message is); the caller audits replays and refusals itself.
   */
  auditOf?: (received: Readonly<{ messageId: string; from: string }>) => AuditIntakeRow;
}>;

/**
 * The system account's id per database. It is created (if need be) by its own committed
 * statements, outside any reception, so a remembered id always exists.
 */
const federationUserIds = new WeakMap<object, string>();

async function federationUserIdOf(context: AppContext): Promise<string> {
  const known = federationUserIds.get(context.db);
  if (known) return known;
  const id = await ensureFederationUser(context.db);
  federationUserIds.set(context.db, id);
  return id;
}

async function answerReplay(
  context: AppContext,
  messageId: string,
  fromNodeId: string,
): Promise<ReceiveResult | undefined> {
  const stored = await findInboxMessage(context.db, messageId);
  if (!stored) return undefined;
  return {
    ok: false,
    reason: 'replayed-message',
    detail: `message ${messageId} was received at ${stored.receivedAt.toISOString()} and processed once`,
    // Only the node the message came from gets its receipt back.
    ...(stored.fromNodeId === fromNodeId ? { receipt: stored.receipt } : {}),
  };
}

/** Tells open screens what a processed message changed (after its statement committed). */
async function publishEffect(
  context: AppContext,
  effect: ReceiveEffect | undefined,
  receivedAt: Date,
  incomingRequestId: string | undefined,
): Promise<void> {
  const at = receivedAt.toISOString();
  if (effect?.kind === 'case-event') {
    const { requestId, status, transition } = effect.event;
    context.live.publish({ kind: 'case-changed', requestId, status, transition, at });
  } else if (effect?.kind === 'incoming-request') {
    const { peerNodeId, remoteRequestId } = effect.request;
    // The statement that stored the request answered its id; looked up only if it did not insert it.
    const requestId =
      incomingRequestId ?? (await findIncomingRequestId(context.db, peerNodeId, remoteRequestId));
    if (requestId) context.live.publish({ kind: 'request-arrived', requestId, at });
  }
}

/** A message that passed every check, with its receipt signed: all that is left is to write it. */
type PreparedReception = Readonly<{
  kind: 'prepared';
  envelope: Readonly<{ id: string; from: string; type: string; case: string }>;
  row: NewInboxMessage;
  effect: ReceiveEffect | undefined;
}>;

/**
 * The checks of one message (protocol, replay of a late message, storable text, its type's own
 * rules) and its signed receipt; a refusal is answered as it is, nothing is written yet.
 */
async function prepareReception(
  context: AppContext,
  compactJws: string,
): Promise<ReceiveResult | PreparedReception> {
  const federation = context.federation;
  if (!federation) {
    throw new AppError(
      'unavailable',
      'this node has no federation identity yet; its operator runs comity init',
    );
  }
  const { identity, directory } = federation;
  const now = context.now();
  let opened: Awaited<ReturnType<typeof openMessage>>;
  try {
    opened = await openMessage(compactJws, {
      resolveSenderKey: (nodeId, kid) => findSenderKey(directory, nodeId, kid, now),
      self: { nodeId: identity.nodeId, encryption: identity.decryptionKeys ?? identity.keys.encryption },
      now,
      clockSkewSeconds: context.config.federation.clockSkewSeconds,
      maxBytes: context.config.federation.maxMessageBytes,
      bodySchemaOf: (type) => federation.messages.find(type)?.bodySchema,
    });
  } catch (error) {
    // The sender cannot be checked now (expired directory, a key not published yet): transient.
    if (error instanceof SenderNotVerifiableError)
      return { ok: false, reason: error.reason, detail: error.message };
    throw error;
  }
  if (!opened.ok) {
    // A signed message we already processed that arrives late (now stale) is a replay: answer
    // with its receipt so the sender can stop.
    if (opened.envelope) {
      const replay = await answerReplay(context, opened.envelope.id, opened.envelope.from);
      if (replay) return replay;
    }
    return { ok: false, reason: opened.reason, detail: opened.detail };
  }
  // Text PostgreSQL cannot store is valid JSON: refused as schema-invalid, not failing in the database.
  const [unstorable] = findUnstorableTexts({ envelope: opened.envelope, body: opened.body }, 'message');
  if (unstorable) {
    return {
      ok: false,
      reason: 'schema-invalid',
      detail: `${unstorable}: text must not contain NUL characters or unpaired surrogates`,
    };
  }

  const { envelope } = opened;
  const receivedAt = now;
  const receipt = await signReceipt(
    {
      messageId: envelope.id,
      digest: opened.digest,
      from: identity.nodeId,
      to: envelope.from,
      receivedAt: receivedAt.toISOString(),
    },
    identity.keys.signing,
  );
  // openMessage parsed the body with this definition's schema, so the definition exists.
  const definition = federation.messages.find(envelope.type);
  const effect = await definition?.receive(
    { envelope, body: opened.body, receivedAt },
    {
      federationUserId: () => federationUserIdOf(context),
      findCase: (lookup) => findCaseRecord(context.db, lookup),
      caseCatalogue: () => caseCatalogueFrom(context.catalogue),
    },
  );
  if (effect?.kind === 'refused') {
    // A message already processed may no longer apply (its transition is in the history): a replay.
    const replay = await answerReplay(context, envelope.id, envelope.from);
    return replay ?? { ok: false, reason: effect.reason, detail: effect.detail };
  }
  return {
    kind: 'prepared',
    envelope,
    effect,
    row: {
      id: envelope.id,
      fromNodeId: envelope.from,
      type: envelope.type,
      caseId: envelope.case,
      digest: opened.digest,
      message: compactJws,
      receipt,
      receivedAt,
    },
  };
}

/** The inbox row (the replay guard), the message's effect and its audit record, in one statement, on `db`. */
function writeReception(
  context: AppContext,
  db: Kysely<Database>,
  prepared: PreparedReception,
  options: ReceiveOptions,
): Promise<InboxWrite> {
  const { envelope } = prepared;
  return receiveIntoInbox(db, prepared.row, prepared.effect, {
    // A restored peer gets again what was delivered to it within the retention window.
    redeliveryNotBefore: new Date(
      prepared.row.receivedAt.getTime() - context.config.federation.deliveredRetentionDays * 86_400_000,
    ),
    ...(options.auditOf ? { audit: options.auditOf({ messageId: envelope.id, from: envelope.from }) } : {}),
  });
}

/**
 * Several prepared messages (about distinct cases) written at once: in one statement when their
 * effects allow it (none, or a request that arrives: a peer's batch under load), else one statement
 * each in one transaction. Either way all or none of them are written.
 */
async function writeTogether(
  context: AppContext,
  prepared: readonly PreparedReception[],
  options: ReceiveOptions,
): Promise<InboxWrite[]> {
  const receptions: InboxReception[] = [];
  for (const { envelope, row, effect } of prepared) {
    if (!isWrittenTogether(effect)) {
      return context.db.transaction().execute(async (trx) => {
        const writes: InboxWrite[] = [];
        for (const each of prepared) writes.push(await writeReception(context, trx, each, options));
        return writes;
      });
    }
    const audit = options.auditOf?.({ messageId: envelope.id, from: envelope.from });
    receptions.push({ message: row, effect, ...(audit ? { audit } : {}) });
  }
  return receiveManyIntoInbox(context.db, receptions);
}

/** The answer once the write committed: the receipt, or the original one for a replay. */
async function answerWritten(
  context: AppContext,
  prepared: PreparedReception,
  written: InboxWrite,
): Promise<ReceiveResult> {
  const { envelope, row } = prepared;
  if (written.isProcessed) {
    await publishEffect(context, prepared.effect, row.receivedAt, written.incomingRequestId);
    return {
      ok: true,
      receipt: row.receipt,
      messageId: envelope.id,
      from: envelope.from,
      isAudited: written.isAudited,
    };
  }
  const replay = await answerReplay(context, envelope.id, envelope.from);
  return (
    replay ?? {
      ok: false,
      reason: 'replayed-message',
      detail: `message ${envelope.id} was already received`,
    }
  );
}

/** Checks, stores and processes one message; never throws for bad input (only for a failing database). */
export async function receiveMessage(
  context: AppContext,
  compactJws: string,
  options: ReceiveOptions = {},
): Promise<ReceiveResult> {
  const prepared = await prepareReception(context, compactJws);
  if (!('kind' in prepared)) return prepared;
  return answerWritten(context, prepared, await writeReception(context, context.db, prepared, options));
}

/**
 * Several messages of one exchange (POST /federation/v1/message-batches), each answered as
 * receiveMessage would answer it alone, in the same order. Every message is checked on its own;
 * those that pass are written in one transaction (one commit for the batch instead of one per
 * message; one statement when their effects allow it) and answered only after it committed. If
 * that write fails, each message is written on its own, so one message's failure (a case changed
 * here meanwhile) costs the others nothing. A message about a case an earlier message of the batch
 * is also about is checked and written only after the batch, one after the other, so it sees what
 * the earlier one changed.
 */
export async function receiveMessages(
  context: AppContext,
  messages: readonly string[],
  options: ReceiveOptions = {},
): Promise<PromiseSettledResult<ReceiveResult>[]> {
  const first: number[] = [];
  const later: number[] = [];
  const cases = new Set<string>();
  for (const [index, message] of messages.entries()) {
    // Read without checks: it decides only when the message is taken, never whether it is accepted.
    const claimed = unverifiedPayloadOf(message);
    const caseKey =
      typeof claimed?.from === 'string' && typeof claimed.case === 'string'
        ? `${claimed.from}\u0000${claimed.case}`
        : undefined;
    if (caseKey !== undefined && cases.has(caseKey)) later.push(index);
    else {
      if (caseKey !== undefined) cases.add(caseKey);
      first.push(index);
    }
  }
  const results: PromiseSettledResult<ReceiveResult>[] = new Array(messages.length);
  const settle = async (index: number, answer: () => Promise<ReceiveResult>) => {
    results[index] = await answer().then(
      (value): PromiseSettledResult<ReceiveResult> => ({ status: 'fulfilled', value }),
      (reason: unknown): PromiseSettledResult<ReceiveResult> => ({ status: 'rejected', reason }),
    );
  };
  const checked = await Promise.allSettled(first.map((index) => prepareReception(context, messages[index]!)));
  const grouped: { index: number; prepared: PreparedReception }[] = [];
  for (const [position, outcome] of checked.entries()) {
    const index = first[position]!;
    if (outcome.status === 'rejected') results[index] = outcome;
    else if (!('kind' in outcome.value)) results[index] = { status: 'fulfilled', value: outcome.value };
    else grouped.push({ index, prepared: outcome.value });
  }
  const written =
    grouped.length > 1
      ? await writeTogether(
          context,
          grouped.map(({ prepared }) => prepared),
          options,
        ).catch(() => undefined)
      : undefined;
  await Promise.all(
    grouped.map(({ index, prepared }, position) =>
      settle(index, async () =>
        answerWritten(
          context,
          prepared,
          written?.[position] ?? (await writeReception(context, context.db, prepared, options)),
        ),
      ),
    ),
  );
  for (const index of later) await settle(index, () => receiveMessage(context, messages[index]!, options));
  return results;
}
