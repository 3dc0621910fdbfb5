/**
 * POST /api/v1/backup: the encrypted backup of this running node (docs/operations.md, "Backup and
 * restore"). `comity backup` uses it when the node holds its embedded database, so an operator
 * never has to stop a node to back it up. The passphrase travels in the body (over the node's
 * own TLS) and is never stored; the archive comes back as the answer's body.
 */
import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import { backupRunningNode } from '../../services/backup.service.ts';
import type { ComityApp } from '../app.ts';

export async function backupRoutes(app: ComityApp, context: AppContext): Promise<void> {
  app.post(
    '/api/v1/backup',
    {
      config: { permission: 'node:backup' },
      schema: {
        tags: ['operations'],
        summary:
          'An encrypted backup of this running node (database snapshot, identity and keys, evidence files), as comity backup writes it',
        body: z.object({ passphrase: z.string().min(1).max(1024) }).strict(),
        response: {
          200: z
            .any()
            .describe('the backup archive (application/octet-stream); comity restore <file> reads it'),
        },
      },
    },
    async (request, reply) => {
      const { archive, summary } = await backupRunningNode(context, request.body.passphrase);
      return reply
        .type('application/octet-stream')
        .header('cache-control', 'no-store')
        .header(
          'content-disposition',
          `attachment; filename="comity-backup-${summary.createdAt.slice(0, 10)}.bin"`,
        )
        .header('x-comity-backup-summary', JSON.stringify(summary))
        .send(archive);
    },
  );
}
