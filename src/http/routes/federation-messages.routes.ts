/**
 * POST /federation/v1/messages: where peer nodes deliver messages (docs/federation.md). The body is
 * the compact JWS itself (`Content-Type: application/jose`), up to
 * COMITY_FEDERATION_MAX_MESSAGE_BYTES; this route has its own parser and body limit, separate from
 * the API's JSON ones. 200 answers `{receipt}`; every refusal is problem+json of type
 * urn:comity:problem:federation-<reason> and stores nothing; a replay is 409 with the original
 * receipt. Bad input never causes a 500.
 *
 * No session or token: the message authenticates itself (signature by a key in the directory).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { receiveMessage } from '../../federation/inbox/receive-message.ts';
import { recordAudit } from '../../services/audit.service.ts';
import type { ComityApp } from '../app.ts';
import type { AppContext } from '../../app-context.ts';
import { federationProblem, handleError, sendProblem, toProblem } from '../problem.ts';

/** A message received (who sent it, its id) or refused (why), in the audit log; never its content. */
async function recordReceiveInAudit(
  context: AppContext,
  result: Awaited<ReturnType<typeof receiveMessage>>,
  request: FastifyRequest,
): Promise<void> {
  try {
    await recordAudit(context, {
      action: 'federation:receive',
      actor: result.ok ? { kind: 'node', nodeId: result.from } : { kind: 'anonymous' },
      ...(result.ok ? { resource: result.messageId } : {}),
      outcome: result.ok ? 'success' : 'failure',
      detail: result.ok ? {} : { reason: result.reason },
    });
  } catch (error) {
    request.log.error({ err: error }, 'the audit log could not record a received message');
  }
}

export const FEDERATION_MESSAGES_PATH = '/federation/v1/messages';
const JOSE_MEDIA_TYPE = 'application/jose';

const ReceiptAnswerSchema = z.object({ receipt: z.string().describe('the signed receipt (compact JWS)') });

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
      FEDERATION_MESSAGES_PATH,
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
        const result = await receiveMessage(context, body);
        await recordReceiveInAudit(context, result, request);
        if (result.ok) return reply.status(200).send({ receipt: result.receipt });
        context.metrics?.messageRefused(result.reason);
        return sendProblem(reply, {
          ...federationProblem(result.reason, result.detail),
          instance: request.url,
          ...(result.receipt ? { receipt: result.receipt } : {}),
        });
      },
    );
  });
}
