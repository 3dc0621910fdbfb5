import { PGlite } from '@electric-sql/pglite';
import { mkdtempSync, readFileSync } from 'node:fs';
const dir = mkdtempSync('/tmp/pgmem-');
const opts: any = process.argv[2] === 'small' ? { postgresqlconf: ['shared_buffers=8MB', 'wal_buffers=256kB', 'work_mem=1MB', 'maintenance_work_mem=4MB', 'temp_buffers=1MB'] } : {};
if (process.argv[3]) opts.initialMemory = Number(process.argv[3]) * 1048576;
const db = await PGlite.create(dir, opts);
await db.query('select 1');
await new Promise((r) => setTimeout(r, 1500));
const smaps = readFileSync('/proc/self/smaps', 'utf8').split('\n');
let cur = ''; const sizes: [string, number][] = [];
for (const line of smaps) {
  if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) cur = line;
  else if (line.startsWith('Rss:')) { const kb = Number(line.split(/\s+/)[1]); if (kb > 20000) sizes.push([cur.slice(0, 120), kb]); }
}
console.log(process.argv[2] ?? 'default', 'rss MB', Math.round(process.memoryUsage().rss / 1048576));
for (const [m, kb] of sizes.sort((a, b) => b[1] - a[1])) console.log(Math.round(kb / 1024), 'MB', m);
