/**
 * The formal document of a request: a printable HTML page and a PDF, with the headings in two
 * languages, the article behind every element and the SHA-256 of the content in the footer.
 *
 * Languages: `?languages=en,fr` (one or two of the six; anything else is invalid input), by
 * default the caller's UI language (`?lang=`, else Accept-Language) and the request's own
 * `language`. Who may read the request is decided by the requests service: a request the caller
 * may not read answers 404.
 */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Locale } from '../../core/i18n.ts';
import {
  buildDocumentModel,
  type DocumentModel,
  resolveDocumentLanguages,
  toDocumentLocale,
} from '../../document/document-model.ts';
import { renderDocumentHtml } from '../../document/render-html.ts';
import { getRequest, type RequestView } from '../../services/requests.service.ts';
import type { ComityApp } from '../app.ts';
import { actorOf } from '../auth.ts';
import type { AppContext } from '../../app-context.ts';
import { localeOf } from '../negotiation.ts';

const IdParamsSchema = z.object({ id: z.string().describe('the request id (a UUID)') });

const DocumentQuerySchema = z.object({
  languages: z
    .string()
    .max(100)
    .optional()
    .describe(
      "one or two of ar, zh, en, fr, ru, es, comma-separated (BCP 47 tags such as fr-CA are accepted); default: your UI language and the request's language",
    ),
  lang: z
    .string()
    .max(35)
    .optional()
    .describe('your UI language (ar, zh, en, fr, ru or es); else Accept-Language'),
});
type DocumentQuery = z.infer<typeof DocumentQuerySchema>;

/**
 * The page may show text an attacker typed into a draft: it is escaped, and this policy also
 * forbids any script, external resource or form, should an escape ever be missed.
 */
const HTML_SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'",
  'x-content-type-options': 'nosniff',
  'cache-control': 'private, no-store',
} as const;

/** The SHA-256 printed in the footer, so a client can file it without parsing the document. */
const DIGEST_HEADER = 'x-comity-content-sha256';

/** The document languages asked for, or the default pair (UI language, request language). */
function documentLanguagesOf(request: FastifyRequest, query: DocumentQuery, found: RequestView): Locale[] {
  if (query.languages !== undefined) return resolveDocumentLanguages(query.languages.split(','));
  const requestLanguage = found.content.language ? toDocumentLocale(found.content.language) : undefined;
  return resolveDocumentLanguages([
    localeOf(request, query.lang),
    ...(requestLanguage ? [requestLanguage] : []),
  ]);
}

/** "comity-PR-2026-0042.pdf": the case reference reduced to characters safe in any file system. */
export function documentFileName(found: Pick<RequestView, 'id' | 'caseReference'>): string {
  const cleaned = (found.caseReference ?? '')
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 80);
  return `comity-${cleaned || found.id}.pdf`;
}

async function loadDocument(
  context: AppContext,
  request: FastifyRequest,
  id: string,
  query: DocumentQuery,
): Promise<{ found: RequestView; model: DocumentModel }> {
  const found = await getRequest(context, actorOf(request), id);
  const languages = documentLanguagesOf(request, query, found);
  return { found, model: buildDocumentModel(found.content, context.catalogue, languages) };
}

export async function documentRoutes(app: ComityApp, context: AppContext): Promise<void> {
  app.get(
    '/api/v1/requests/:id/document.html',
    {
      config: { permission: 'signed-in' },
      schema: {
        tags: ['requests'],
        summary: 'The formal document of a request as a printable HTML page (A4), in one or two languages',
        params: IdParamsSchema,
        querystring: DocumentQuerySchema,
      },
    },
    async (request, reply) => {
      const { model } = await loadDocument(context, request, request.params.id, request.query);
      return reply
        .headers(HTML_SECURITY_HEADERS)
        .header(DIGEST_HEADER, model.contentDigest)
        .type('text/html; charset=utf-8')
        .send(renderDocumentHtml(model));
    },
  );

  app.get(
    '/api/v1/requests/:id/document.pdf',
    {
      config: { permission: 'signed-in' },
      schema: {
        tags: ['requests'],
        summary: 'The formal document of a request as a PDF (A4), in one or two languages, as an attachment',
        params: IdParamsSchema,
        querystring: DocumentQuerySchema,
      },
    },
    async (request, reply) => {
      const { found, model } = await loadDocument(context, request, request.params.id, request.query);
      // pdfkit and its fonts (some 20 MiB of heap) load with the first PDF, not with every node.
      const { renderDocumentPdf } = await import('../../document/render-pdf.ts');
      const pdf = await renderDocumentPdf(model, { createdAt: context.now() });
      return reply
        .header('content-disposition', `attachment; filename="${documentFileName(found)}"`)
        .header('cache-control', 'private, no-store')
        .header('x-content-type-options', 'nosniff')
        .header(DIGEST_HEADER, model.contentDigest)
        .type('application/pdf')
        .send(pdf);
    },
  );
}
