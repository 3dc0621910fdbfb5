/**
 * What a caller asks for besides the body, read the same way by every route: the language of the
 * answer (`?lang=`, else Accept-Language, else English) and the revision a change is conditional on
 * (`If-Match`).
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../core/errors.ts';
import { isLocale, type Locale, negotiateLocale } from '../core/i18n.ts';

/** `?lang=` when it names a UI language, else the Accept-Language header. */
export function localeOf(request: FastifyRequest, lang: string | undefined): Locale {
  const fromQuery = lang?.trim().toLowerCase().split('-')[0];
  if (isLocale(fromQuery)) return fromQuery;
  return negotiateLocale(request.headers['accept-language']);
}

/** The `If-Match` request header of a conditional change. */
export const IfMatchHeadersSchema = z.looseObject({
  'if-match': z
    .string()
    .max(100)
    .optional()
    .describe('"<revision>": refuse with 409 if the request changed since'),
});

/** The revision named by an If-Match header (`"3"`, `W/"3"` or `3`); undefined for none or `*`. */
export function expectedRevisionOf(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined || ifMatch.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(ifMatch);
  if (!match?.[1]) {
    throw new AppError('invalid-input', 'If-Match must be "<revision>", e.g. "3"', [
      { path: 'headers.if-match', message: 'expected "<revision>"' },
    ]);
  }
  return Number(match[1]);
}
