/**
 * The baseline the node is compared with: a bare node:http server on the same embedded database
 * (or DATABASE_URL), with no framework, no authentication, no schema and no validation. It answers
 * GET /api/v1/health and stores a POSTed JSON body in one INSERT.
 */
import { createServer } from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { PROCESS_INSTANCE, writeReadyFile } from '../src/ready-file.ts';

// Started like a node (src/demo/node-process.ts): COMITY_PORT (0: any free port) and
// --ready-file, where it reports the port it got.
const { values: options } = parseArgs({ options: { 'ready-file': { type: 'string' } } });
const port = Number(process.env.COMITY_PORT ?? 0);
const url = process.env.DATABASE_URL;

type Query = (text: string, values: unknown[]) => Promise<unknown>;
let query: Query;
if (url) {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  query = (text, values) => pool.query(text, values);
} else {
  const database = await PGlite.create(path.join(process.env.COMITY_DATA_DIR ?? '.', 'baseline'));
  query = (text, values) => database.query(text, values);
}
await query(
  'create table if not exists baseline_requests (id uuid primary key default gen_random_uuid(), content jsonb not null)',
  [],
);

const health = JSON.stringify({ status: 'ok', node: { instance: PROCESS_INSTANCE } });
const server = createServer((request, response) => {
  if (request.method === 'GET') {
    response.writeHead(200, { 'content-type': 'application/json' }).end(health);
    return;
  }
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', async () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
    await query('insert into baseline_requests (content) values ($1)', [JSON.stringify(body)]);
    response.writeHead(201, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
}).listen(port, '127.0.0.1', () => {
  const address = server.address();
  const listening = typeof address === 'object' && address ? address.port : port;
  const readyFile = options['ready-file'];
  if (readyFile !== undefined) {
    writeReadyFile(readyFile, {
      pid: process.pid,
      port: listening,
      url: `http://127.0.0.1:${listening}`,
      instance: PROCESS_INSTANCE,
      nodeId: null,
    });
  }
});
