/**
 * The idle-memory baseline: a bare Node process running an empty Fastify server (one health route,
 * no database). Started like a node (COMITY_PORT, --ready-file), so the same starter measures it.
 */
import { parseArgs } from 'node:util';
import Fastify from 'fastify';
import { PROCESS_INSTANCE, writeReadyFile } from '../src/ready-file.ts';

const { values: options } = parseArgs({ options: { 'ready-file': { type: 'string' } } });
const app = Fastify();
app.get('/api/v1/health', async () => ({ status: 'ok', node: { instance: PROCESS_INSTANCE } }));
await app.listen({ port: Number(process.env.COMITY_PORT ?? 0), host: '127.0.0.1' });
const address = app.server.address();
const port = typeof address === 'object' && address ? address.port : 0;
if (options['ready-file'] !== undefined) {
  writeReadyFile(options['ready-file'], {
    pid: process.pid,
    port,
    url: `http://127.0.0.1:${port}`,
    instance: PROCESS_INSTANCE,
    nodeId: null,
  });
}
