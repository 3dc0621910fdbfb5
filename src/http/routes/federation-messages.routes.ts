/**
 * POST /federation/v1/messages: where peer nodes deliver messages (docs/federation.md). The body is
 * the compact JWS itself (`Content-Type: application/jose`), up to
 * COMITY_FEDERATION_MAX_MESSAGE_BYTES; this route has its own parser and body limit, separate from
 * the API's JSON ones. 200 answers `{receipt}`; every refusal is problem+json of type
 * urn:comity:problem:federation-<reason> and stores nothing; a replay is 409 with the original
 * receipt. Bad input never causes a 500.
 *
 * POST /federation/v1/message-batches: several messages in one exchange (a sending node under
 * load), `{"messages": [<compact JWS>...]}` as application/json, at most MESSAGE_BATCH_MAX_MESSAGES
 * messages and MESSAGE_BATCH_MAX_BYTES of body. 200 answers `{"results": [...]}`, one per message
 * in the same order: `{"status": 200, "receipt"}`, or the problem the single route would have
 * answered (with `receipt` for a replay). A body that is not such a batch is refused whole.
 *
 * No session or token: each message authenticates itself (signature by a key in the directory).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  type ReceiveOptions,
  type ReceiveResult,
  receiveMessage,
  receiveMessages,
} from '../../federation/inbox/receive-message.ts';
import {
  MESSAGE_BATCH_MAX_BYTES,
  MESSAGE_BATCH_MAX_MESSAGES,
  MESSAGE_BATCHES_PATH,
  MESSAGES_PATH,
} from '../../federation/protocol/message-batch.ts';
import {
  type AuditEvent,
  auditIntakeRowOf,
  auditIntakeWritten,
  recordAudit,
} from '../../services/audit.service.ts';
import type { ComityApp } from '../app.ts';
import type { AppContext } from '../../app-context.ts';
import {
  federationProblem,
  handleError,
  type Problem,
  problemFromError,
  sendProblem,
  toProblem,
} from '../problem.ts';

/** The audit record of a message received: who sent it and its id, never its content. */
function receivedAuditEvent(received: Readonly<{ messageId: string; from: string }>): AuditEvent {
  return {
    action: 'federation:receive',
    actor: { kind: 'node', nodeId: received.from },
    resource: received.messageId,
    outcome: 'success',
    detail: {},
  };
}

/** A message received is audited in the statement that stores it (receive-message.ts). */
function auditedReception(context: AppContext): ReceiveOptions {
  return { auditOf: (received) => auditIntakeRowOf(context, receivedAuditEvent(received)) };
}

/**
 * A message received (who sent it, its id) or refused (why), in the audit log; never its content.
 * A message stored with its audit record needs only its numbering into the tree.
 */
async function recordReceiveInAudit(
  context: AppContext,
  result: ReceiveResult,
  request: FastifyRequest,
): Promise<void> {
  if (result.ok && result.isAudited) {
    auditIntakeWritten(context.db);
    return;
  }
  try {
    await recordAudit(
      context,
      result.ok
        ? receivedAuditEvent(result)
        : {
            action: 'federation:receive',
            actor: { kind: 'anonymous' },
            outcome: 'failure',
            detail: { reason: result.reason },
          },
    );
  } catch (error) {
    request.log.error({ err: error }, 'the audit log could not record a received message');
  }
}

const JOSE_MEDIA_TYPE = 'application/jose';

const ReceiptAnswerSchema = z.object({ receipt: z.string().describe('the signed receipt (compact JWS)') });

const BatchSchema = z
  .object({
    messages: z
      .array(z.string().min(1).describe('a message (compact JWS)'))
      .min(1)
      .max(MESSAGE_BATCH_MAX_MESSAGES),
  })
  .strict();

const BatchAnswerSchema = z.object({
  results: z
    .array(
      z
        .object({
          status: z.number().int().describe('200, or the status the message alone would have had'),
          receipt: z.string().optional().describe('the signed receipt (the original one for a replay)'),
          type: z.string().optional().describe('the problem type of a refusal'),
          title: z.string().optional(),
          detail: z.string().optional(),
        })
        .describe('what the message alone would have been answered'),
    )
    .describe('one per message, in the order of the batch'),
});

/** The refusal of a message, as the single route sends it (the replay's receipt with it). */
function refusalOf(result: Extract<ReceiveResult, { ok: false }>): Problem & { receipt?: string } {
  return {
    ...federationProblem(result.reason, result.detail),
    ...(result.receipt ? { receipt: result.receipt } : {}),
  };
}

function answerParsingError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
  maxBytes: number,
) {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return sendProblem(reply, {
        ...federationProblem('message-too-large', `the message exceeds ${maxBytes} bytes`),
        instance: request.url,
      });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return sendProblem(reply, {
        ...toProblem('unsupported-media-type', `send the compact JWS as ${JOSE_MEDIA_TYPE}`),
        instance: request.url,
      });
    default:
      return handleError(error, request, reply);
  }
}

export async function federationMessagesRoutes(app: ComityApp, context: AppContext): Promise<void> {
  const maxBytes = context.config.federation.maxMessageBytes;
  await app.register(async (scope) => {
    // Only application/jose is accepted here; JSON and the rest are refused before reading them.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      JOSE_MEDIA_TYPE,
      { parseAs: 'string', bodyLimit: maxBytes },
      (_request, body, done) => done(null, body),
    );
    scope.setErrorHandler((error: FastifyError, request, reply) =>
      answerParsingError(error, request, reply, maxBytes),
    );

    scope.post(
      MESSAGES_PATH,
      {
        bodyLimit: maxBytes,
        config: { permission: 'public' },
        schema: {
          tags: ['federation'],
          summary:
            'Deliver a message from a peer node (compact JWS, application/jose); answers its signed receipt',
          security: [],
          response: { 200: ReceiptAnswerSchema },
        },
      },
      async (request, reply) => {
        const body: unknown = request.body;
        if (typeof body !== 'string' || body.length === 0) {
          context.metrics?.messageRefused('malformed-message');
          return sendProblem(reply, {
            ...federationProblem(
              'malformed-message',
              `the body must be a compact JWS sent as ${JOSE_MEDIA_TYPE}`,
            ),
            instance: request.url,
          });
        }
        const result = await receiveMessage(context, body, auditedReception(context));
        await recordReceiveInAudit(context, result, request);
        if (result.ok) return reply.status(200).send({ receipt: result.receipt });
        context.metrics?.messageRefused(result.reason);
        return sendProblem(reply, { ...refusalOf(result), instance: request.url });
      },
    );
  });

  await app.register(async (plainScope) => {
    const scope = plainScope.withTypeProvider<ZodTypeProvider>();
    // The batch is JSON; its messages are checked one by one as the single route checks them.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      'application/json',
      { parseAs: 'string', bodyLimit: MESSAGE_BATCH_MAX_BYTES },
      (_request, body, done) => {
        try {
          done(null, JSON.parse(body as string));
        } catch {
          done(Object.assign(new SyntaxError('the batch is not JSON'), { statusCode: 400 }), undefined);
        }
      },
    );
    scope.post(
      MESSAGE_BATCHES_PATH,
      {
        bodyLimit: MESSAGE_BATCH_MAX_BYTES,
        config: { permission: 'public' },
        schema: {
          tags: ['federation'],
          summary: `Deliver up to ${MESSAGE_BATCH_MAX_MESSAGES} messages from a peer node in one exchange; answers each one's receipt or refusal, in order`,
          security: [],
          body: BatchSchema,
          response: { 200: BatchAnswerSchema },
        },
      },
      async (request, reply) => {
        const settled = await receiveMessages(context, request.body.messages, auditedReception(context));
        const received = settled.flatMap((outcome) =>
          outcome.status === 'fulfilled' ? [outcome.value] : [],
        );
        // Messages received were audited with their inbox rows; the refusals' and replays' audit
        // records are written together (one group commit), before the answer.
        await Promise.all(received.map((result) => recordReceiveInAudit(context, result, request)));
        const results = settled.map((outcome) => {
          if (outcome.status === 'rejected') {
            request.log.error({ err: outcome.reason }, 'a message of a batch could not be received');
            return problemFromError(outcome.reason);
          }
          const result = outcome.value;
          if (result.ok) return { status: 200, receipt: result.receipt };
          context.metrics?.messageRefused(result.reason);
          return refusalOf(result);
        });
        return reply.status(200).send({ results });
      },
    );
  });
}
