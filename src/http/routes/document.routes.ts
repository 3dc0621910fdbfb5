/**
 * The formal document of a request: a printable HTML page and a PDF, with the headings in two
 * languages, the article behind every element and the SHA-256 of the content in the footer.
 *
 * Languages: `?languages=en,de` (one or two of the node's document languages, from
 * src/data/document-labels; anything else is invalid input), by default the caller's UI language
 * (`?lang=`, else Accept-Language) and the request's own `language`. A request that has not been
 * approved and sent is marked DRAFT on every page, with why: incomplete (validation does not
 * pass yet), or not yet approved and sent. Who may read the request is decided by the requests
 * service: a request the caller may not read answers 404. The print view's fonts are served here
 * too (`/api/v1/document/fonts/:file`), so the page fetches nothing from elsewhere.
 */
import { createReadStream } from 'node:fs';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { DOCUMENT_FONT_FILES, resolveDocumentFont } from '../../document/document-fonts.ts';
import {
  buildDocumentModel,
  type DocumentModel,
  resolveDocumentLanguages,
  shippedDocumentLabels,
  toDocumentLanguage,
} from '../../document/document-model.ts';
import { renderDocumentHtml } from '../../document/render-html.ts';
import { DRAFT_STATUS, findingsFor, getRequest, type RequestView } from '../../services/requests.service.ts';
import type { ComityApp } from '../app.ts';
import { actorOf } from '../auth.ts';
import type { AppContext } from '../../app-context.ts';
import { localeOf } from '../negotiation.ts';

/** A request in these has not been approved and sent: its document is marked as a draft. */
const NOT_SENT_STATUSES: readonly string[] = [DRAFT_STATUS, 'awaiting-approval'];

const IdParamsSchema = z.object({ id: z.string().describe('the request id (a UUID)') });

const DocumentQuerySchema = z.object({
  languages: z
    .string()
    .max(100)
    .optional()
    .describe(
      "one or two document languages (GET /api/v1/document/languages: the six UN languages, German, Portuguese...), comma-separated (BCP 47 tags such as fr-CA are accepted); default: your UI language and the request's language",
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
    "default-src 'none'; style-src 'unsafe-inline'; font-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'",
  'x-content-type-options': 'nosniff',
  'cache-control': 'private, no-store',
} as const;

/** The SHA-256 printed in the footer, so a client can file it without parsing the document. */
const DIGEST_HEADER = 'x-comity-content-sha256';

/** The document languages asked for, or the default pair (UI language, request language). */
function documentLanguagesOf(request: FastifyRequest, query: DocumentQuery, found: RequestView): string[] {
  const labels = shippedDocumentLabels();
  if (query.languages !== undefined) return resolveDocumentLanguages(query.languages.split(','), labels);
  const requestLanguage = found.content.language
    ? toDocumentLanguage(found.content.language, labels)
    : undefined;
  return resolveDocumentLanguages(
    [localeOf(request, query.lang), ...(requestLanguage ? [requestLanguage] : [])],
    labels,
  );
}

const FONT_PATH = '/api/v1/document/fonts/';

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
  const isNotSent = NOT_SENT_STATUSES.includes(found.status);
  const isDraft = found.status === DRAFT_STATUS && !(await findingsFor(context, found.content, 'en')).isReady;
  const model = buildDocumentModel(found.content, context.catalogue, languages, {
    labels: shippedDocumentLabels(),
    isDraft,
    isNotSent,
    issuedOn: context.now(),
  });
  return { found, model };
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
        .send(renderDocumentHtml(model, { fontBaseUrl: FONT_PATH }));
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

  app.get(
    '/api/v1/document/languages',
    {
      config: { permission: 'signed-in' },
      schema: {
        tags: ['requests'],
        summary:
          'The languages this node prints formal documents in (one file each in src/data/document-labels)',
        response: {
          200: z.object({
            languages: z.array(
              z.object({
                tag: z.string().describe('the language subtag, for ?languages='),
                name: z.string().describe('the language in itself: Deutsch, العربية'),
                direction: z.enum(['ltr', 'rtl']),
              }),
            ),
          }),
        },
      },
    },
    async () => ({
      languages: [...shippedDocumentLabels().values()].map((labels) => ({
        tag: labels.language,
        name: labels.name,
        direction: labels.direction,
      })),
    }),
  );

  app.get(
    `${FONT_PATH}:file`,
    {
      config: { permission: 'public' },
      schema: {
        tags: ['requests'],
        summary: "A font of the formal document's print view (Noto, from the node's npm packages)",
        security: [],
        params: z.object({ file: z.string().max(80) }),
      },
    },
    async (request, reply) => {
      const font = DOCUMENT_FONT_FILES.find((candidate) => candidate.file === request.params.file);
      const location = font ? resolveDocumentFont(font) : undefined;
      if (!location) throw new AppError('not-found', `no document font ${request.params.file}`);
      return reply
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('x-content-type-options', 'nosniff')
        .type('font/ttf')
        .send(createReadStream(location));
    },
  );
}
