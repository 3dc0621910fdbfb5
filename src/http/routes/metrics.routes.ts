/**
 * GET /metrics: the node's Prometheus metrics (src/services/metrics.service.ts) on the node's own
 * port, when COMITY_METRICS_TOKEN is set, for a caller that sends it as `Authorization: Bearer`
 * (what Prometheus' `authorization` setting sends). Without the setting the endpoint does not
 * exist (404); with a wrong or missing token, 401. The node's users' sessions and API tokens do
 * not open it, and it is not checked as an API token (src/http/auth.ts leaves this path alone).
 * COMITY_METRICS_ADDRESS serves the same text on a listener of its own (src/main.ts).
 */
import type { AppContext } from '../../app-context.ts';
import { AppError } from '../../core/errors.ts';
import type { ComityApp } from '../app.ts';
import { isSecretEqual } from '../../services/sessions.service.ts';

export const METRICS_PATH = '/metrics';

export async function metricsRoutes(app: ComityApp, context: AppContext): Promise<void> {
  app.get(
    METRICS_PATH,
    {
      config: { permission: 'public' },
      // An operator's endpoint with a token of its own, outside the API's document (docs/operations.md).
      schema: { hide: true },
    },
    async (request, reply) => {
      const token = context.config.metrics.token;
      if (!token || !context.metrics) {
        throw new AppError(
          'not-found',
          'GET /metrics is not served on this port: COMITY_METRICS_TOKEN is not set',
        );
      }
      const given = /^bearer\s+(.+)$/i.exec(request.headers.authorization?.trim() ?? '')?.[1]?.trim();
      if (!given || !isSecretEqual(given, token)) {
        throw new AppError(
          'unauthenticated',
          'send the metrics token (COMITY_METRICS_TOKEN) as Authorization: Bearer',
        );
      }
      const { contentType, body } = await context.metrics.exposition();
      return reply.type(contentType).send(body);
    },
  );
}
