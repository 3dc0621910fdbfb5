/**
 * Audit log benchmarks (issue: safeguards you can verify). Each figure beside a baseline measured
 * in the same run, on the same database:
 *
 *   append         recordAuditBatch in transactions of BATCH entries (canonical JSON, leaf hash,
 *                  interior nodes, one INSERT of entries and one of nodes per batch), entries per
 *                  second; baseline: a bare INSERT of the same rows (same bytes and columns) into a
 *                  table of the same shape, in the same transactions
 *   proofs         at the full size: an inclusion proof of a random entry and a consistency proof
 *                  from a random older size, generated from the stored hashes (one statement) and
 *                  verified, median of SAMPLES; baseline: reading one entry by its number
 *   verify         comity audit verify's check of the whole log, per million entries; baseline:
 *                  reading every entry in the same chunks without checking anything
 */
import { sql } from 'kysely';
import type { AppContext } from '../src/app-context.ts';
import { hashLeaf, verifyConsistency, verifyInclusion } from '../src/core/audit/merkle.ts';
import {
  type AuditEvent,
  auditConsistencyProof,
  auditInclusionProof,
  encodeAuditEntry,
  recordAuditBatch,
  verifyAuditLog,
} from '../src/services/audit.service.ts';
import { readAuditEntryRange } from '../src/storage/audit.repository.ts';
import { openBenchDatabase } from './bench-database.ts';
import type { Figure } from './foundation.bench.ts';
import { formatMs, median } from './statistics.ts';

export const AUDIT_METHOD =
  'Append: transactions of 1,000 entries; baseline: the same rows INSERTed bare into a table of the same shape. ' +
  'Proofs: generated from the stored complete-subtree hashes (one statement: O(log n) hashes, the entry, the tree size) and verified, median of 200; ' +
  'baseline: SELECT of one entry by its number. Verify: the whole log checked (order, leaf hashes, every stored node, ' +
  'signed heads) per million entries; baseline: reading every entry in the same chunks.';

const BATCH = 1000;
const SAMPLES = 200;

function event(i: number): AuditEvent {
  return {
    action: i % 4 === 0 ? 'api:POST /api/v1/requests/:id/transitions' : 'api:GET /api/v1/requests/:id',
    actor: {
      kind: 'user',
      id: `0193f0c2-8d1e-7c3a-9b5e-${String(i % 1000).padStart(12, '0')}`,
      username: `officer${i % 50}`,
    },
    resource: `0193f0c2-8d1e-7c3a-9b5e-${String(i).padStart(12, '0')}`,
    outcome: 'success',
    detail: { status: 200 },
  };
}

function perSecond(count: number, ms: number): string {
  return `${Math.round((count / ms) * 1000).toLocaleString('en')} entries/s`;
}

export async function runAuditBenchmarks(options: {
  entries: number;
  appendSample: number;
  databaseUrl?: string;
  log?: (line: string) => void;
}): Promise<Figure[]> {
  const log = options.log ?? (() => undefined);
  const { handle, cleanup } = await openBenchDatabase(options.databaseUrl, 'audit');
  const db = handle.db;
  const now = new Date('2026-12-12T10:00:00.000Z');
  const context = { db, now: () => now } as unknown as AppContext;
  const figures: Figure[] = [];
  try {
    await sql`create table bench_bare (seq bigint primary key, entry bytea not null, leaf_hash bytea not null,
      recorded_at timestamptz not null, action text not null, actor text, outcome text not null)`.execute(db);

    // Append, interleaved in rounds so both see the same machine.
    let bareMs = 0;
    let auditMs = 0;
    let appended = 0;
    const rounds = Math.max(1, Math.round(options.appendSample / BATCH));
    for (let round = 0; round < rounds; round += 1) {
      const events = Array.from({ length: BATCH }, (_, i) => event(appended + i));
      const rows = events.map((item, i) => {
        const entry = encodeAuditEntry({ v: 1, seq: appended + i, at: now.toISOString(), ...item });
        return {
          seq: appended + i,
          entry,
          leaf_hash: new Uint8Array(32),
          recorded_at: now,
          action: item.action,
          actor: item.actor.kind === 'user' ? item.actor.username : null,
          outcome: item.outcome,
        };
      });
      let started = performance.now();
      await db.transaction().execute(async (trx) => {
        // biome-ignore lint/suspicious/noExplicitAny: a bench-only table outside the schema types
        await (trx as any).insertInto('bench_bare').values(rows).execute();
      });
      bareMs += performance.now() - started;
      started = performance.now();
      await recordAuditBatch(context, events);
      auditMs += performance.now() - started;
      appended += BATCH;
    }
    figures.push({
      name: `append, ${appended.toLocaleString('en')} entries in transactions of ${BATCH}`,
      value: perSecond(appended, auditMs),
      baseline: `${perSecond(appended, bareMs)} (bare INSERT)`,
      ratio: `${(bareMs / auditMs).toFixed(2)} of bare`,
    });
    log(`appended ${appended} (audit ${auditMs.toFixed(0)} ms, bare ${bareMs.toFixed(0)} ms)`);

    // Fill to the full size.
    const fillStarted = performance.now();
    while (appended < options.entries) {
      const count = Math.min(BATCH * 10, options.entries - appended);
      await recordAuditBatch(
        context,
        Array.from({ length: count }, (_, i) => event(appended + i)),
      );
      appended += count;
      if (appended % 100_000 === 0)
        log(`filled ${appended} in ${((performance.now() - fillStarted) / 1000).toFixed(0)} s`);
    }
    const size = appended;

    // Proofs at full size.
    const generateInclusion: number[] = [];
    const verifyInclusionMs: number[] = [];
    const generateConsistency: number[] = [];
    const verifyConsistencyMs: number[] = [];
    const lookup: number[] = [];
    for (let sample = 0; sample < SAMPLES; sample += 1) {
      const index = Math.floor(Math.random() * size);
      let started = performance.now();
      await readAuditEntryRange(db, index, index + 1);
      lookup.push(performance.now() - started);

      started = performance.now();
      const inclusion = await auditInclusionProof(context, index, size);
      generateInclusion.push(performance.now() - started);
      const entry = new Uint8Array(Buffer.from(inclusion.entry, 'base64'));
      const proof = inclusion.proof.map((hash) => new Uint8Array(Buffer.from(hash, 'hex')));
      const root = new Uint8Array(Buffer.from(inclusion.rootHash, 'hex'));
      started = performance.now();
      const isIncluded = verifyInclusion(hashLeaf(entry), index, size, proof, root);
      verifyInclusionMs.push(performance.now() - started);
      if (!isIncluded) throw new Error(`inclusion proof of ${index} does not verify`);

      const oldSize = 1 + Math.floor(Math.random() * (size - 1));
      started = performance.now();
      const consistency = await auditConsistencyProof(context, oldSize, size);
      generateConsistency.push(performance.now() - started);
      const fromHex = (hash: string) => new Uint8Array(Buffer.from(hash, 'hex'));
      started = performance.now();
      const isConsistent = verifyConsistency(
        oldSize,
        size,
        fromHex(consistency.oldRootHash),
        fromHex(consistency.newRootHash),
        consistency.proof.map(fromHex),
      );
      verifyConsistencyMs.push(performance.now() - started);
      if (!isConsistent) throw new Error(`consistency proof ${oldSize} -> ${size} does not verify`);
    }
    const baseline = `${formatMs(median(lookup))} (one entry by number)`;
    const sizeLabel = size.toLocaleString('en');
    figures.push(
      {
        name: `inclusion proof, generate, ${sizeLabel} entries`,
        value: formatMs(median(generateInclusion)),
        baseline,
        ratio: `${(median(generateInclusion) / median(lookup)).toFixed(1)}×`,
      },
      {
        name: `inclusion proof, verify, ${sizeLabel} entries`,
        value: formatMs(median(verifyInclusionMs)),
        baseline,
        ratio: `${(median(verifyInclusionMs) / median(lookup)).toFixed(2)}×`,
      },
      {
        name: `consistency proof, generate, ${sizeLabel} entries`,
        value: formatMs(median(generateConsistency)),
        baseline,
        ratio: `${(median(generateConsistency) / median(lookup)).toFixed(1)}×`,
      },
      {
        name: `consistency proof, verify, ${sizeLabel} entries`,
        value: formatMs(median(verifyConsistencyMs)),
        baseline,
        ratio: `${(median(verifyConsistencyMs) / median(lookup)).toFixed(2)}×`,
      },
    );
    log('proofs measured');

    // Whole-log verification.
    let started = performance.now();
    for (let start = 0; start < size; start += 20_000)
      await readAuditEntryRange(db, start, Math.min(size, start + 20_000));
    const readMs = performance.now() - started;
    started = performance.now();
    const result = await verifyAuditLog(db);
    const verifyMs = performance.now() - started;
    if (!result.ok) throw new Error(`the benchmark log does not verify: ${result.reason}`);
    const perMillion = (ms: number) => `${(((ms / size) * 1e6) / 1000).toFixed(1)} s per million`;
    figures.push({
      name: `verify the whole log (${sizeLabel} entries)`,
      value: perMillion(verifyMs),
      baseline: `${perMillion(readMs)} (reading them only)`,
      ratio: `${(verifyMs / readMs).toFixed(1)}×`,
    });
    return figures;
  } finally {
    await cleanup();
  }
}
