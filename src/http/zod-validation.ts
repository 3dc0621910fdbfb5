/**
 * Fastify's validator for the routes' zod schemas: fastify-type-provider-zod's, with one change.
 * Each issue carries the input it is about (zod's `reportInput`), so that a member left out is told
 * apart from a wrong value: zod words an enum not chosen as "invalid option", which the API would
 * otherwise code `invalid-value` ("Choose one of the values offered") rather than `required`
 * ("Fill in this field"). The issues keep the shape problem.ts reads (keyword, instancePath, params);
 * the input itself is dropped from them, so no user input rides on the error (zodIssueParams).
 */
import type { FastifySchemaCompiler } from 'fastify';
import { type $ZodType, safeParse } from 'zod/v4/core';
import { zodIssueParams } from '../core/field-codes.ts';

export const validatorCompiler: FastifySchemaCompiler<$ZodType> =
  ({ schema }) =>
  (data) => {
    const result = safeParse(schema, data, { reportInput: true });
    if (!result.error) return { value: result.data };
    return {
      error: result.error.issues.map((issue) => ({
        keyword: issue.code,
        instancePath: `/${issue.path.map(String).join('/')}`,
        schemaPath: `#/${issue.path.map(String).join('/')}/${issue.code}`,
        message: issue.message,
        // Whether there was a value, never the value itself (zodIssueParams).
        params: zodIssueParams(issue),
      })),
    };
  };
