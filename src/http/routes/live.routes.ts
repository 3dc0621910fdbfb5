/**
 * GET /api/v1/live: Server-Sent Events (text/event-stream) for the signed-in person's open screens.
 * Each event is named by its kind (request-arrived, case-changed, alert-raised) and carries the
 * update as JSON: which request, its case status and transition, when. Only requests the person
 * may read are announced; a comment line every `heartbeatSeconds` keeps proxies from closing an
 * idle stream. The browser's EventSource reconnects by itself (the `retry` field sets the delay).
 */
import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import { LIVE_UPDATE_KINDS } from '../../core/live-updates.ts';
import { followLiveUpdates } from '../../services/live-updates.service.ts';
import type { ComityApp } from '../app.ts';
import { actorOf } from '../auth.ts';

const HEARTBEAT_MS = 25_000;
const RECONNECT_MS = 2_000;

const LiveUpdateSchema = z
  .object({
    kind: z.enum(LIVE_UPDATE_KINDS),
    requestId: z.string(),
    status: z.string().optional(),
    transition: z.string().optional(),
    actorId: z.string().optional().describe('who made the change, when a person on this node made it'),
    at: z.string(),
  })
  .strict();

export async function liveRoutes(app: ComityApp, context: AppContext): Promise<void> {
  /** The open streams, ended when the node stops (an open stream would hold the server open). */
  const openStreams = new Set<() => void>();
  app.addHook('onClose', async () => {
    for (const end of [...openStreams]) end();
  });
  app.get(
    '/api/v1/live',
    {
      config: { permission: 'signed-in' },
      schema: {
        tags: ['node'],
        summary: 'Live updates (Server-Sent Events) about the requests you may read',
        description:
          'A text/event-stream: one event per update, named by its kind, with the update as JSON data (LiveUpdate).',
        response: { 200: z.string().describe('text/event-stream; each data line is a LiveUpdate') },
      },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      reply.hijack();
      const stream = reply.raw;
      stream.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      stream.write(`retry: ${RECONNECT_MS}\n: connected\n\n`);
      const stop = followLiveUpdates(context, actor, ({ queuedDeliveries: _withinTheNode, ...update }) => {
        stream.write(`event: ${update.kind}\ndata: ${JSON.stringify(LiveUpdateSchema.parse(update))}\n\n`);
      });
      const heartbeat = setInterval(() => stream.write(': heartbeat\n\n'), HEARTBEAT_MS);
      heartbeat.unref();
      const end = () => {
        openStreams.delete(end);
        clearInterval(heartbeat);
        stop();
        stream.end();
      };
      openStreams.add(end);
      request.raw.on('close', end);
    },
  );
}
