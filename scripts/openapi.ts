/**
 * The contract of the HTTP API: builds the app in memory as a node does (in-memory PGlite, no
 * socket), takes the document it serves at /api/v1/openapi.json, and writes it to
 * docs/openapi.json with the typed client's types generated from it (src/api-client/openapi-types.ts).
 *
 *   npm run openapi             regenerate both files
 *   npm run openapi -- --check  exit 1 with one line when a committed file differs
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AppContext } from '../src/app-context.ts';
import { loadConfig } from '../src/config.ts';
import { loadCatalogue } from '../src/data/catalogue/index.ts';
import { buildApp } from '../src/http/app.ts';
import { openDatabase } from '../src/storage/database.ts';
import { createLiveHub } from '../src/core/live-updates.ts';

const root = path.resolve(import.meta.dirname, '..');

export const REGENERATE_COMMAND = 'npm run openapi';

export type ContractFile = Readonly<{ path: string; text: string }>;

/** The OpenAPI document as the app serves it, from an app built over an empty in-memory database. */
export async function servedOpenApiDocument(): Promise<unknown> {
  // A fixed environment: nothing of this machine (port, host, data directory) reaches the document.
  const config = loadConfig({
    COMITY_PORT: '0',
    COMITY_DATA_DIR: '/nonexistent',
    COMITY_LOG_LEVEL: 'silent',
  });
  const database = await openDatabase({ kind: 'pglite', directory: 'memory://' });
  const context: AppContext = {
    config,
    db: database.db,
    databaseKind: database.kind,
    catalogue: loadCatalogue(),
    live: createLiveHub(),
    now: () => new Date(0),
  };
  const app = await buildApp(context);
  try {
    const response = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    if (response.statusCode !== 200)
      throw new Error(`GET /api/v1/openapi.json answered ${response.statusCode}`);
    return response.json();
  } finally {
    await app.close();
    await database.close();
  }
}

/** The generated files, with the text they must have. */
export async function contractFiles(): Promise<ContractFile[]> {
  const document = await servedOpenApiDocument();
  const { generateClientTypes } = await import('./openapi-types.ts');
  return [
    { path: 'docs/openapi.json', text: `${JSON.stringify(document, null, 2)}\n` },
    { path: 'src/api-client/openapi-types.ts', text: await generateClientTypes(document) },
  ];
}

/** The files whose committed text differs from what the app serves now. */
export function staleFiles(files: readonly ContractFile[]): string[] {
  return files
    .filter((file) => {
      try {
        return readFileSync(path.join(root, file.path), 'utf8') !== file.text;
      } catch {
        return true;
      }
    })
    .map((file) => file.path);
}

if (import.meta.main) {
  const files = await contractFiles();
  if (process.argv.includes('--check')) {
    const stale = staleFiles(files);
    if (stale.length > 0) {
      process.stderr.write(
        `out of date with the route schemas: ${stale.join(', ')}; run ${REGENERATE_COMMAND}\n`,
      );
      process.exit(1);
    }
  } else {
    for (const file of files) writeFileSync(path.join(root, file.path), file.text);
  }
}
