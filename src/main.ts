/**
 * Composition root of a node: configuration, database, migrations, reference data, HTTP.
 * `comity serve` (and `npm start`) call `startNode`.
 */
import { type Config, loadConfig } from './config.ts';
import { startDeliveryWorker } from './federation/delivery/delivery-worker.ts';
import type { MessageRegistry } from './federation/messages/registry.ts';
import { startFederation } from './federation/runtime.ts';
import { buildApp } from './http/app.ts';
import type { AppContext } from './app-context.ts';
import { openNodeContext } from './node-context.ts';
import { startAlertDeliveryWorker } from './services/alert-delivery.service.ts';
import { bootstrapNode, type BootstrapReport } from './services/bootstrap.service.ts';
import { renewDirectoryIfDue } from './services/secretariat.service.ts';

export type RunningNode = Readonly<{
  url: string;
  /** The port it listens on (the one the system chose when COMITY_PORT is 0). */
  port: number;
  context: AppContext;
  bootstrap: BootstrapReport;
  stop: () => Promise<void>;
}>;

export type StartNodeOptions = Readonly<{
  logger?: boolean;
  /** The message types the node speaks; default: those Comity ships (a program embedding a node may add one). */
  messages?: MessageRegistry;
}>;

export async function startNode(
  config: Config = loadConfig(),
  options: StartNodeOptions = {},
): Promise<RunningNode> {
  const { context: baseContext, database } = await openNodeContext(config, { shouldWaitForDatabase: true });
  let federation: Awaited<ReturnType<typeof startFederation>>;
  let alertDelivery: ReturnType<typeof startAlertDeliveryWorker> | undefined;
  try {
    const bootstrap = await bootstrapNode(baseContext);
    // Undefined until `comity init` has given the node an identity.
    federation = await startFederation(baseContext, {
      startWorkers: (federationContext, runtime) => startDeliveryWorker(federationContext, runtime),
      ...(options.messages ? { messages: options.messages } : {}),
      ...(config.federation.mode === 'secretariat'
        ? { renewOwnDirectory: () => renewDirectoryIfDue(baseContext) }
        : {}),
    });
    const context: AppContext = federation ? { ...baseContext, federation: federation.runtime } : baseContext;
    // E-mails and webhook calls of alerts, retried until delivered or given up (and listed).
    alertDelivery = startAlertDeliveryWorker(context);
    const app = await buildApp(context, { logger: options.logger ?? false });
    const address = await app.listen({ port: config.http.port, host: config.http.host });
    const port = Number(new URL(address).port);
    const url = config.http.port === 0 ? `http://localhost:${port}` : config.http.publicUrl;
    return {
      url,
      port,
      context,
      bootstrap,
      stop: async () => {
        await app.close();
        await alertDelivery?.stop();
        await federation?.stop();
        await database.close();
      },
    };
  } catch (error) {
    await alertDelivery?.stop();
    await federation?.stop();
    await database.close();
    throw error;
  }
}
