/**
 * GET /federation/v1/directory: a secretariat serves its latest signed directory (a compact JWS,
 * application/jose) to every node. It is public: its integrity comes from the signature nodes
 * verify against the pinned secretariat key, not from the transport. Other nodes answer 404.
 */
import type { ComityApp } from '../app.ts';
import type { AppContext } from '../../app-context.ts';
import { findCurrentPublication } from '../../services/secretariat.service.ts';

export async function federationDirectoryRoutes(app: ComityApp, context: AppContext): Promise<void> {
  app.get(
    '/federation/v1/directory',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['federation'],
        summary: 'The signed directory of nodes (secretariat only): a compact JWS, application/jose',
        security: [],
      },
    },
    async (_request, reply) => {
      const publication = await findCurrentPublication(context);
      return reply
        .header('cache-control', 'no-cache')
        .header('x-comity-directory-serial', String(publication.serial))
        .type('application/jose')
        .send(publication.document);
    },
  );
}
