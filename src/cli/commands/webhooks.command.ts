/**
 * `comity webhooks add|list|remove` and `comity alerts deliveries|retry`: the node's operator
 * registers the webhook endpoints alerts are sent to (the signing secret is printed once), and
 * sees and retries the alert deliveries that failed or wait, on the machine that runs the node
 * (working on its database directly; the embedded database opens in one process at a time, so
 * there the node is stopped first, or the API does it: /api/v1/webhooks, /api/v1/alert-deliveries).
 */
import { type Command, Option } from 'commander';
import {
  ALERT_DELIVERY_STATUSES,
  listAlertDeliveryItems,
  retryAlertDelivery,
} from '../../services/alert-delivery.service.ts';
import { addWebhookEndpoint, listWebhooks, removeWebhookEndpoint } from '../../services/webhooks.service.ts';
import { printJson, printLine } from '../output.ts';
import { withNodeContext } from './node-context.ts';

export function registerWebhooksCommands(program: Command): void {
  const webhooks = program.command('webhooks').description('the webhook endpoints alerts are sent to');

  webhooks
    .command('add')
    .description('register an endpoint (prints its signing secret once)')
    .argument('<url>', 'an http:// or https:// URL')
    .option('--description <text>', 'what the endpoint is (e.g. the national case-management system)')
    .action(async (url: string, options: { description?: string }) => {
      const created = await withNodeContext((context) =>
        addWebhookEndpoint(context, {
          url,
          ...(options.description ? { description: options.description } : {}),
        }),
      );
      printLine(`webhook endpoint ${created.endpoint.id} added: ${created.endpoint.url}`);
      printLine(`secret: ${created.secret}`);
      printLine(
        'This secret is shown only once: give it to the receiver to check signatures (Standard Webhooks).',
      );
    });

  webhooks
    .command('list')
    .description('list the endpoints')
    .option('--json', 'print {items} as JSON')
    .action(async (options: { json?: boolean }) => {
      const endpoints = await withNodeContext((context) => listWebhooks(context));
      if (options.json) return printJson({ items: endpoints });
      if (endpoints.length === 0) printLine('no webhook endpoints');
      for (const endpoint of endpoints) {
        printLine(`${endpoint.id}\t${endpoint.url}\t${endpoint.description}`);
      }
    });

  webhooks
    .command('remove')
    .description('remove an endpoint (its waiting deliveries then fail, visibly)')
    .argument('<id>')
    .action(async (id: string) => {
      await withNodeContext((context) => removeWebhookEndpoint(context, id));
      printLine(`webhook endpoint ${id} removed`);
    });

  const alerts = program.command('alerts').description('alert deliveries: e-mails and webhook calls');

  alerts
    .command('deliveries')
    .description('list the alert deliveries that failed or wait (oldest alert first)')
    .addOption(new Option('--status <status>', 'only this status').choices(ALERT_DELIVERY_STATUSES))
    .option('--json', 'print {items} as JSON')
    .action(async (options: { status?: (typeof ALERT_DELIVERY_STATUSES)[number]; json?: boolean }) => {
      const items = await withNodeContext((context) =>
        listAlertDeliveryItems(context, options.status ? [options.status] : undefined),
      );
      if (options.json) return printJson({ items });
      if (items.length === 0) printLine('no alert deliveries');
      for (const item of items) {
        printLine(
          [
            item.id,
            item.status,
            item.channel,
            item.target ?? '-',
            item.alertKind,
            `attempts ${item.attempts}`,
            item.lastError ?? '',
          ]
            .join('\t')
            .trimEnd(),
        );
      }
    });

  alerts
    .command('retry')
    .description('send a failed alert delivery again now')
    .argument('<id>')
    .action(async (id: string) => {
      await withNodeContext((context) => retryAlertDelivery(context, id));
      printLine(`alert delivery ${id} will be sent again`);
    });
}
