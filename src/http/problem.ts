/**
 * The single mapping from errors to HTTP: RFC 9457 problem details with a stable `type` URN per
 * error code (urn:comity:problem:<code>). Clients switch on `type`, never on `title` or `detail`.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type AppErrorCode, type AppErrorDetail, isAppError } from '../core/errors.ts';
import { fieldCodeOf, LIMIT_UNITS, VALIDATION_CODES, type ValidatorIssue } from '../core/field-codes.ts';
import type { RejectionReason } from '../federation/protocol/types.ts';
import { localeOf } from './negotiation.ts';
import { PROBLEM_TITLES } from './problem-titles.ts';

/** Problem kinds that exist only at the HTTP layer, beside the domain's AppError codes. */
/** The problems only HTTP itself gives (a body, a URL, a route), beside the domain's AppErrorCode. */
export const HTTP_ONLY_CODES = [
  'malformed-body',
  'unsupported-media-type',
  'route-not-found',
  'method-not-allowed',
  'malformed-url',
  'uri-too-long',
  'bad-request',
] as const;
type HttpOnlyCode = (typeof HTTP_ONLY_CODES)[number];
export type ProblemCode = AppErrorCode | HttpOnlyCode;

const STATUS: Readonly<Record<ProblemCode, number>> = {
  'invalid-input': 400,
  'malformed-body': 400,
  'malformed-url': 400,
  'bad-request': 400,
  unauthenticated: 401,
  'invalid-credentials': 401,
  'mfa-code-required': 401,
  'password-change-required': 403,
  'mfa-enrolment-required': 403,
  forbidden: 403,
  'consent-required': 403,
  'csrf-token-invalid': 403,
  'not-found': 404,
  'route-not-found': 404,
  'method-not-allowed': 405,
  conflict: 409,
  'invalid-state': 409,
  'awaiting-approval': 409,
  'payload-too-large': 413,
  'uri-too-long': 414,
  'unsupported-media-type': 415,
  'import-rejected': 422,
  'too-many-requests': 429,
  'unsupported-by-peer': 422,
  'insecure-peer-endpoint': 422,
  'no-recipient-node': 409,
  unavailable: 503,
  'database-unavailable': 503,
  'directory-expired': 503,
  internal: 500,
};

/** An RFC 9457 problem as the node sends it; components.schemas.Problem of the OpenAPI document. */
export const ProblemSchema = z
  .object({
    type: z.string().describe('urn:comity:problem:<code>, stable: switch on it'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z
      .array(
        z.object({
          path: z.string().optional(),
          line: z.number().int().optional(),
          message: z.string(),
          pointer: z
            .string()
            .optional()
            .describe(
              'an invalid field as a JSON Pointer (RFC 6901) into the part of the request named by `in`: "/offences/0/name"',
            ),
          in: z
            .enum(['body', 'querystring', 'params', 'headers'])
            .optional()
            .describe('the part of the request `pointer` points into'),
          code: z
            .enum(VALIDATION_CODES)
            .optional()
            .describe(
              'why the field is invalid, stable (a client shows its own words): required, too-small, too-big, too-early, too-late, invalid-type, invalid-format, invalid-value, unrecognized-keys, signature-first, member-state-first, invalid',
            ),
          limit: z
            .number()
            .optional()
            .describe('for too-small and too-big: the minimum or maximum (characters, items or value)'),
          unit: z
            .enum(LIMIT_UNITS)
            .optional()
            .describe(
              "what `limit` counts, when known: a text's characters, a list's items or a number's value",
            ),
          bound: z
            .string()
            .optional()
            .describe(
              'for too-early and too-late: the earliest or latest date the field accepts, itself included (YYYY-MM-DD)',
            ),
        }),
      )
      .readonly()
      .optional()
      .describe('one entry per invalid field or line'),
  })
  .meta({ id: 'Problem' });

export type Problem = z.infer<typeof ProblemSchema>;
type ProblemError = NonNullable<Problem['errors']>[number];

const PROBLEM_PREFIX = 'urn:comity:problem:';

export function problemType(code: ProblemCode): string {
  return `${PROBLEM_PREFIX}${code}`;
}

export function toProblem(code: ProblemCode, detail: string, errors?: readonly AppErrorDetail[]): Problem {
  return {
    type: problemType(code),
    title: PROBLEM_TITLES[code].en,
    status: STATUS[code],
    detail,
    // A service names a field by its pointer, into the request's body unless it says otherwise.
    ...(errors && errors.length > 0
      ? {
          errors: errors.map((error) =>
            error.pointer !== undefined ? { in: 'body' as const, ...error } : error,
          ),
        }
      : {}),
  };
}

/** HTTP status of each reason a node refuses a federation message for (docs/federation.md). */
const FEDERATION_STATUS: Readonly<Record<RejectionReason, number>> = {
  'malformed-message': 400,
  'duplicate-member': 400,
  'non-canonical-encoding': 400,
  'unsupported-algorithm': 400,
  'unknown-sender': 403,
  'bad-signature': 403,
  'expired-key': 403,
  'wrong-addressee': 421,
  'stale-message': 400,
  'replayed-message': 409,
  'schema-invalid': 422,
  'unsupported-message-type': 422,
  'message-too-large': 413,
  undecryptable: 400,
  'directory-expired': 503,
  'unknown-sender-key': 503,
  'transition-refused': 422,
};

const FEDERATION_TITLES: Readonly<Record<RejectionReason, string>> = {
  'malformed-message': 'The message is not a well-formed compact JWS',
  'duplicate-member': 'A protected header or the envelope repeats a JSON member',
  'non-canonical-encoding': 'A part of the message is not canonical base64url',
  'unsupported-algorithm': 'The message uses an algorithm this protocol does not accept',
  'unknown-sender': 'The sender or its key is not in the directory',
  'bad-signature': 'The signature does not verify',
  'expired-key': 'The sender key is not valid at this time',
  'wrong-addressee': 'The message is addressed to another node',
  'stale-message': 'The message time is outside the accepted clock skew',
  'replayed-message': 'The message was already received and processed',
  'unsupported-message-type': 'This node does not accept messages of that type',
  'schema-invalid': 'The message does not match the protocol schema',
  'message-too-large': 'The message exceeds the size limit',
  undecryptable: 'The message body cannot be decrypted by this node',
  'directory-expired': "This node's directory of nodes has expired; retry later",
  'unknown-sender-key': "The sender's key is not in this node's directory yet; retry later",
  'transition-refused': "The case on this node does not allow the message's transition",
};

/**
 * A refusal of a federation message (POST /federation/v1/messages): problem type
 * urn:comity:problem:federation-<reason>, so the sending node can tell a permanent refusal from a
 * transient failure without reading the text.
 */
export function federationProblem(reason: RejectionReason, detail: string): Problem {
  return {
    type: `urn:comity:problem:federation-${reason}`,
    title: FEDERATION_TITLES[reason],
    status: FEDERATION_STATUS[reason],
    detail,
  };
}

/**
 * Sends a problem, its title in the caller's language (`?lang=`, else Accept-Language) when it is
 * one of the node's own problem types; federation refusals keep their English title.
 */
export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  const code = problem.type.slice(PROBLEM_PREFIX.length) as ProblemCode;
  const titles = problem.type.startsWith(PROBLEM_PREFIX) ? PROBLEM_TITLES[code] : undefined;
  const lang = (reply.request.query as { lang?: unknown } | undefined)?.lang;
  const title = titles
    ? titles[localeOf(reply.request, typeof lang === 'string' ? lang : undefined)]
    : undefined;
  return reply
    .status(problem.status)
    .type('application/problem+json')
    .send(title ? { ...problem, title } : problem);
}

/** "body.offences.0.maximumPenaltyYears" from Fastify's context and a JSON pointer ("/offences/0/..."). */
function validationPath(context: string | undefined, instancePath: string): string {
  return [context ?? 'body', ...instancePath.split('/').filter((segment) => segment.length > 0)].join('.');
}

type ValidationIssue = ValidatorIssue & Readonly<{ instancePath: string; message?: string }>;

const REQUEST_PARTS = new Set(['body', 'querystring', 'params', 'headers']);

/** Classifies anything thrown by a route or by Fastify itself. */
export function problemFromError(error: unknown): Problem {
  if (isAppError(error)) return toProblem(error.code, error.message, error.details);
  const fastifyError = error as FastifyError;
  if (hasZodFastifySchemaValidationErrors(error) || fastifyError.validation) {
    const issues: readonly ValidationIssue[] = fastifyError.validation ?? [];
    const part = fastifyError.validationContext ?? 'body';
    const errors = issues.map((issue) => {
      return {
        path: validationPath(fastifyError.validationContext, issue.instancePath),
        message: issue.message ?? 'invalid',
        pointer: issue.instancePath === '/' ? '' : issue.instancePath,
        ...(REQUEST_PARTS.has(part) ? { in: part as NonNullable<ProblemError['in']> } : {}),
        ...fieldCodeOf(issue),
      };
    });
    return {
      ...toProblem('invalid-input', errors.map((e) => `${e.path}: ${e.message}`).join('; ')),
      errors,
    };
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return toProblem('payload-too-large', 'the request body exceeds the configured limit');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return toProblem('unsupported-media-type', 'send application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return toProblem('malformed-body', 'the JSON body is empty');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return toProblem('malformed-body', 'the Content-Length does not match the body');
    case 'FST_ERR_BAD_URL':
      return toProblem('malformed-url', 'the URL is not validly percent-encoded');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return toProblem('uri-too-long', 'a path parameter of the URL is too long');
    default:
      break;
  }
  if (error instanceof SyntaxError || fastifyError.code?.startsWith('FST_ERR_CTP_')) {
    return toProblem('malformed-body', 'the request body could not be parsed');
  }
  // Errors that plugins raise with a client status (a static file refused, a route's 405...) are
  // the client's: their own 4xx, never a 500 with a stack trace in the log.
  const status = fastifyError.statusCode ?? 500;
  if (status === 403 || status === 404) return toProblem('route-not-found', 'nothing is served at this path');
  if (status === 405) return toProblem('method-not-allowed', 'this method is not allowed here');
  if (status === 414) return toProblem('uri-too-long', 'the URL is too long');
  if (status >= 400 && status < 500) return toProblem('bad-request', 'the request was refused');
  return toProblem('internal', 'an unexpected error occurred; it has been logged');
}

export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const problem = problemFromError(error);
  if (problem.status >= 500) request.log.error({ err: error }, 'unhandled error');
  if (isAppError(error) && error.retryAfterSeconds !== undefined) {
    reply.header('retry-after', String(error.retryAfterSeconds));
  }
  return sendProblem(reply, { ...problem, instance: request.url });
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * Every operation of the OpenAPI document answers its errors as a problem (components.schemas
 * Problem): declared once here as each operation's `default` response, so the contract says what
 * a client gets besides the success it names.
 */
export function withProblemResponses<T extends { paths?: object }>(document: T): T {
  for (const item of Object.values(document.paths ?? {}) as Array<Record<string, unknown> | undefined>) {
    for (const method of HTTP_METHODS) {
      const operation = item?.[method] as { responses?: Record<string, unknown> } | undefined;
      if (!operation || operation.responses?.default !== undefined) continue;
      operation.responses = {
        ...operation.responses,
        default: {
          description:
            'An RFC 9457 problem (application/problem+json) whose `type` is a stable URN, urn:comity:problem:<code> (docs/api.md)',
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        },
      };
    }
  }
  return document;
}
