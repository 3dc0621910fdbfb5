/**
 * An API under test: a migrated database of the given target, the app built on it, and
 * `inject` for requests without a socket. Call `close()` in `after`.
 */
import type { LightMyRequestResponse } from 'fastify';
import { loadConfig } from '../../src/config.ts';
import { loadCatalogue } from '../../src/data/catalogue/index.ts';
import { buildApp } from '../../src/http/app.ts';
import type { AppContext } from '../../src/app-context.ts';
import { bootstrapNode } from '../../src/services/bootstrap.service.ts';
import type { DatabaseTarget } from './database.ts';
import { createLiveHub } from '../../src/core/live-updates.ts';

export type TestApp = Readonly<{
  app: Awaited<ReturnType<typeof buildApp>>;
  context: AppContext;
  close: () => Promise<void>;
}>;

/** Options of a test app; `now` replaces the clock (e.g. a fake clock that a test advances). */
export type TestAppOptions = Readonly<{
  now?: () => Date;
  /** Settings beside the test defaults (COMITY_WEB_DIR...). */
  environment?: Readonly<Record<string, string>>;
}>;

export async function startTestApp(target: DatabaseTarget, options: TestAppOptions = {}): Promise<TestApp> {
  const handle = await target.open();
  const config = loadConfig({
    COMITY_PORT: '0',
    COMITY_DATA_DIR: '/tmp/comity-test-unused',
    COMITY_LOG_LEVEL: 'silent',
    ...options.environment,
  });
  const context: AppContext = {
    config,
    db: handle.db,
    databaseKind: handle.kind,
    catalogue: loadCatalogue(),
    live: createLiveHub(),
    now: options.now ?? (() => new Date()),
  };
  await bootstrapNode(context);
  const app = await buildApp(context);
  await app.ready();
  return {
    app,
    context,
    close: async () => {
      await app.close();
      await handle.close();
    },
  };
}

export function json<T = unknown>(response: LightMyRequestResponse): T {
  return JSON.parse(response.body) as T;
}
