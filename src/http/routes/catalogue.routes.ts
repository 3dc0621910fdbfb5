/**
 * The Convention catalogue, read-only and public: anyone (a web form, the CLI, another node) can
 * see which elements each request type needs, with article citations, in the six UN languages.
 */
import { z } from 'zod';
import { CatalogueSchema, RequestTypeEntrySchema } from '../../core/catalogue/catalogue.ts';
import { getRequestType } from '../../core/catalogue/catalogue-lookup.ts';
import type { ComityApp } from '../app.ts';
import type { AppContext } from '../../app-context.ts';

const RequestTypeParamsSchema = z.object({ id: z.string().min(1).max(64) });

export async function catalogueRoutes(app: ComityApp, context: AppContext): Promise<void> {
  app.get(
    '/api/v1/catalogue',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['catalogue'],
        summary:
          'The whole Convention catalogue (request types, elements, offences, rules, grounds for refusal)',
        security: [],
        response: { 200: CatalogueSchema },
      },
    },
    async () => context.catalogue,
  );

  app.get(
    '/api/v1/catalogue/request-types/:id',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['catalogue'],
        summary: 'One request type: its article, channel, elements with citations and applicable rules',
        security: [],
        params: RequestTypeParamsSchema,
        response: { 200: RequestTypeEntrySchema },
      },
    },
    async (request) => getRequestType(context.catalogue, request.params.id),
  );
}
