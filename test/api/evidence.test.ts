/**
 * Evidence items on the requested node, over real HTTP on loopback, on both databases: a tus upload
 * in several PATCHes, one of them cut off mid-way and resumed from the offset HEAD answers, the
 * SHA-256 and the decrypted bytes matching the file; a PATCH at a wrong offset refused; roles
 * without the permission refused; a sensitive item downloaded only with evidence:read-sensitive and
 * a reason (then logged in its custody); a custody row changed in the database breaking the chain
 * check at that event; a deletion recorded with its reason, the bytes gone and the chain kept.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { preservationDraft } from '../../src/demo/demo-drafts.ts';
import { waitFor } from '../../src/demo/node-process.ts';
import { updateUserRow } from '../../src/storage/users.repository.ts';
import { json } from '../helpers/app.ts';
import { type ActingAs, asRole, bearerAs } from '../helpers/auth.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import { type NodePair, startNodePair } from './delivery-fixture.ts';

type EvidenceItem = {
  id: string;
  acquisition: { when: string | null };
  sha256: string | null;
  sizeBytes: number;
  status: string;
  isSensitive: boolean;
  isDueForDeletion: boolean;
  custody: { lastEvent: string | null; eventCount: number; chain: { isIntact: boolean } };
};
type CustodyEvent = {
  id: string;
  sequence: number;
  kind: string;
  actor: { id: string | null; name: string; displayName: string | null };
  details: Record<string, unknown>;
};
type Chain = { isIntact: boolean; firstBadEvent?: { id: string; sequence: number; reason: string } };

function metadataHeader(metadata: Record<string, string>): string {
  return Object.entries(metadata)
    .map(([key, value]) => `${key} ${Buffer.from(value).toString('base64')}`)
    .join(',');
}

/** One HTTP call on loopback; `cutAfter` sends that many bytes of the body, then drops the connection. */
function call(
  base: string,
  options: {
    method: string;
    path: string;
    headers?: Record<string, string>;
    body?: Buffer;
    cutAfter?: number;
  },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const url = new URL(options.path, base);
    const body = options.body ?? Buffer.alloc(0);
    const request = httpRequest(url, {
      method: options.method,
      headers: { ...options.headers, 'content-length': String(body.length) },
    });
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
    });
    if (options.cutAfter !== undefined) {
      request.on('error', () => resolve({ status: 0, headers: {}, body: Buffer.alloc(0) }));
      request.write(body.subarray(0, options.cutAfter), () => {
        setImmediate(() => request.destroy());
      });
      return;
    }
    request.on('error', reject);
    request.end(body);
  });
}

const TUS = { 'tus-resumable': '1.0.0' };

for (const target of DATABASE_TARGETS) {
  describe(`evidence items [${target.name}]`, { skip: target.skip }, () => {
    let pair: NodePair;
    let base: string;
    let dataDirectory: string;
    let requestId: string;
    let requestingId: string;
    let custodian: ActingAs;
    let supervisor: ActingAs;
    let auditor: ActingAs;
    let officer: ActingAs;
    const file = randomBytes(300 * 1024 + 17);

    async function createUpload(as: ActingAs, size: number, metadata: Record<string, string>) {
      return call(base, {
        method: 'POST',
        path: `/api/v1/requests/${requestId}/evidence/uploads`,
        headers: {
          ...as.headers,
          ...TUS,
          'upload-length': String(size),
          'upload-metadata': metadataHeader(metadata),
        },
      });
    }

    async function patch(as: ActingAs, location: string, offset: number, bytes: Buffer, cutAfter?: number) {
      return call(base, {
        method: 'PATCH',
        path: location,
        headers: {
          ...as.headers,
          ...TUS,
          'content-type': 'application/offset+octet-stream',
          'upload-offset': String(offset),
        },
        body: bytes,
        ...(cutAfter === undefined ? {} : { cutAfter }),
      });
    }

    async function offsetOf(as: ActingAs, location: string): Promise<number> {
      const head = await call(base, { method: 'HEAD', path: location, headers: { ...as.headers, ...TUS } });
      assert.equal(head.status, 200);
      return Number(head.headers['upload-offset']);
    }

    async function upload(as: ActingAs, bytes: Buffer, metadata: Record<string, string>): Promise<string> {
      const created = await createUpload(as, bytes.length, metadata);
      assert.equal(created.status, 201, created.body.toString());
      const location = String(created.headers.location);
      const done = await patch(as, location, 0, bytes);
      assert.equal(done.status, 204, done.body.toString());
      return location.split('/').at(-1) ?? '';
    }

    async function item(itemId: string, as: ActingAs = custodian) {
      const response = await pair.requested.app.inject({
        method: 'GET',
        url: `/api/v1/requests/${requestId}/evidence/${itemId}`,
        headers: as.headers,
      });
      assert.equal(response.statusCode, 200, response.body);
      return json<{ item: EvidenceItem & { custody: { chain: Chain } }; timeline: CustodyEvent[] }>(response);
    }

    type RegisterItem = EvidenceItem & {
      fileName: string;
      request: {
        id: string;
        type: string;
        caseReference: string | null;
        direction: string;
        peerNodeId: string | null;
        peerState: string | null;
      };
    };
    type Register = { items: RegisterItem[]; nextBefore: string | null };

    /** The node's evidence register, as `as` reads it (200 expected). */
    async function register(as: ActingAs, query = ''): Promise<Register> {
      const response = await pair.requested.app.inject({
        method: 'GET',
        url: `/api/v1/evidence${query}`,
        headers: as.headers,
      });
      assert.equal(response.statusCode, 200, response.body);
      return json<Register>(response);
    }

    before(async () => {
      dataDirectory = mkdtempSync(path.join(os.tmpdir(), 'comity-evidence-'));
      pair = await startNodePair(target, {
        requesting: ['fr-evidence', 'FR'],
        requested: ['de-evidence', 'DE'],
        environment: { COMITY_DATA_DIR: dataDirectory },
      });
      base = pair.requestedUrl;
      const author = await asRole(pair.requesting, 'officer');
      supervisor = await asRole(pair.requested, 'supervisor');
      custodian = await bearerAs(pair.requested, 'evidence-custodian');
      auditor = await bearerAs(pair.requested, 'auditor');
      officer = await bearerAs(pair.requested, 'officer');
      ({ requestedId: requestId, requestingId } = await pair.deliverRequest(
        author,
        supervisor,
        preservationDraft('FR', 'DE', 1),
      ));
    });

    after(async () => {
      await pair?.close();
      if (dataDirectory) rmSync(dataDirectory, { recursive: true, force: true });
    });

    /**
     * At rest the item is sealed (not the plaintext), owner-only, and the upload's parts are gone;
     * an auditor downloads exactly `bytes`. Answers the download.
     */
    async function assertSealedAndDownloadable(itemId: string, bytes: Buffer) {
      const sealedPath = path.join(dataDirectory, 'evidence', 'items', `${itemId}.sealed`);
      assert.equal(statSync(sealedPath).mode & 0o777, 0o600);
      assert.equal(readFileSync(sealedPath).includes(bytes.subarray(0, 64)), false);
      assert.deepEqual(readdirSync(path.join(dataDirectory, 'evidence', 'uploads')), []);
      const content = await call(base, {
        method: 'GET',
        path: `/api/v1/requests/${requestId}/evidence/${itemId}/content`,
        headers: auditor.headers,
      });
      assert.equal(content.status, 200);
      assert.ok(content.body.equals(bytes));
      return content;
    }

    it('takes an upload in several PATCHes, one cut off and resumed, and stores what was sent, sealed', async () => {
      const created = await createUpload(custodian, file.length, {
        filename: 'mailbox-export.mbox',
        filetype: 'application/mbox',
        description: 'Mailbox of the account named in the request',
        what: 'Mailbox export',
        fromWhom: 'Example Mail GmbH',
        when: '2026-03-09T10:00:00Z',
        how: 'Provider export, delivered on a sealed disk',
        byWhom: 'Officer K. of the BKA',
        legalBasis: 'Order of the Amtsgericht, 2026-03-08',
      });
      assert.equal(created.status, 201, created.body.toString());
      const location = String(created.headers.location);
      assert.match(location, new RegExp(`^/api/v1/requests/${requestId}/evidence/uploads/[0-9a-f-]{36}$`));

      const first = await patch(custodian, location, 0, file.subarray(0, 100 * 1024));
      assert.equal(first.status, 204);
      assert.equal(first.headers['upload-offset'], String(100 * 1024));
      // The second PATCH is cut off after 50 KiB of 150.
      await patch(custodian, location, 100 * 1024, file.subarray(100 * 1024, 250 * 1024), 50 * 1024);
      const resumeAt = await offsetOf(custodian, location);
      assert.ok(resumeAt >= 100 * 1024 && resumeAt <= 150 * 1024, `resume at ${resumeAt}`);

      // A PATCH at another offset than the upload's is refused and changes nothing.
      const wrong = await patch(
        custodian,
        location,
        resumeAt + 1,
        file.subarray(resumeAt + 1, resumeAt + 10),
      );
      assert.equal(wrong.status, 409);
      assert.equal(await offsetOf(custodian, location), resumeAt);

      const last = await patch(custodian, location, resumeAt, file.subarray(resumeAt));
      assert.equal(last.status, 204, last.body.toString());
      assert.equal(last.headers['upload-offset'], String(file.length));

      const itemId = location.split('/').at(-1) ?? '';
      // The tus calls hand their reply over, and are recorded all the same: who uploaded, to what,
      // with each PATCH's outcome (the one at a wrong offset a failure). HEAD changes nothing.
      const auditOf = async (action: string) => {
        const response = await pair.requested.app.inject({
          method: 'GET',
          url: `/api/v1/audit/entries?action=${encodeURIComponent(action)}&limit=100`,
          headers: auditor.headers,
        });
        assert.equal(response.statusCode, 200, response.body);
        return json<{
          items: { entry: { resource?: string; outcome: string; actor: { id?: string }; detail: unknown } }[];
        }>(response)
          .items.map(({ entry }) => entry)
          .filter((entry) => entry.resource?.startsWith(requestId) && entry.actor.id === custodian.userId);
      };
      // A handed-over tus reply is recorded just after it left (recordHandedOverCall): on a busy
      // machine an entry may land a moment after the client has its answer, the POST's as the PATCHes'.
      const posts = await waitFor(
        'the POST recorded',
        async () => {
          const recorded = await auditOf('api:POST /api/v1/requests/:id/evidence/uploads');
          return recorded.length > 0 ? recorded : undefined;
        },
        { timeoutMs: 10_000 },
      );
      assert.deepEqual(
        posts.map((entry) => [entry.resource, entry.outcome, entry.detail]),
        [[requestId, 'success', { status: 201 }]],
      );
      const patches = await waitFor(
        'the PATCHes recorded, the refused one among them',
        async () => {
          const recorded = await auditOf('api:PATCH /api/v1/requests/:id/evidence/uploads/:itemId');
          return recorded.some((entry) => (entry.detail as { status: number }).status === 409) &&
            recorded.length >= 3
            ? recorded
            : undefined;
        },
        { timeoutMs: 10_000 },
      );
      assert.ok(patches.every((entry) => entry.resource === `${requestId}/${itemId}`));
      // 204 each PATCH that was taken, 409 the one at a wrong offset; the cut-off one, when tus
      // answered it at all, 400 if before its connection closed, or 404 if its handler ended after
      // the last PATCH had completed the upload and it was sealed (a clean-clone CI saw both).
      const statuses = patches.map((entry) => (entry.detail as { status: number }).status);
      assert.equal(statuses.filter((status) => status === 409).length, 1, String(statuses));
      assert.ok(
        statuses.every((status) => [204, 409, 400, 404].includes(status)),
        String(statuses),
      );
      assert.ok(statuses.filter((status) => status === 400 || status === 404).length <= 1, String(statuses));
      assert.ok(patches.length >= 3, `PATCHes recorded: ${patches.length}`);
      assert.deepEqual(await auditOf('api:HEAD /api/v1/requests/:id/evidence/uploads/:itemId'), []);
      const { item: stored, timeline } = await item(itemId);
      assert.equal(stored.status, 'stored');
      assert.equal(stored.sizeBytes, file.length);
      assert.equal(stored.sha256, createHash('sha256').update(file).digest('hex'));
      assert.deepEqual(
        timeline.map((event) => event.kind),
        ['acquired', 'sealed'],
      );
      assert.equal(timeline[0]?.details.sha256, stored.sha256);
      assert.deepEqual(stored.custody.chain, { isIntact: true, eventCount: 2 });

      const content = await assertSealedAndDownloadable(itemId, file);
      assert.match(
        String(content.headers['content-disposition']),
        /^attachment; filename\*=UTF-8''mailbox-export\.mbox$/,
      );
      assert.equal(content.headers['content-type'], 'application/octet-stream');
      const { timeline: afterDownload } = await item(itemId);
      assert.equal(afterDownload.at(-1)?.kind, 'downloaded');

      // The chain records the login; the timeline names the person as the account reads now, beside
      // the chain (a renamed account leaves every hash as it was).
      const recordedLogin = afterDownload[0]?.actor.name;
      await updateUserRow(
        pair.requested.context.db,
        custodian.userId,
        { displayName: 'Dana Ferreira' },
        pair.requested.context.now(),
      );
      const { item: renamed, timeline: named } = await item(itemId);
      assert.deepEqual(named[0]?.actor, {
        id: custodian.userId,
        name: recordedLogin,
        displayName: 'Dana Ferreira',
      });
      assert.deepEqual(renamed.custody.chain, { isIntact: true, eventCount: afterDownload.length });
    });

    it('takes an item whole in one PATCH and stores it sealed, its SHA-256 taken as it arrived', async () => {
      const bytes = randomBytes(300 * 1024 + 7);
      const itemId = await upload(custodian, bytes, { filename: 'whole.bin' });
      const { item: stored, timeline } = await item(itemId);
      assert.equal(stored.status, 'stored');
      assert.equal(stored.sizeBytes, bytes.length);
      assert.equal(stored.sha256, createHash('sha256').update(bytes).digest('hex'));
      assert.equal(timeline[0]?.details.sha256, stored.sha256);
      await assertSealedAndDownloadable(itemId, bytes);
    });

    it('refuses an acquisition time later than now, and keeps one given with its UTC offset', async () => {
      const count = async () =>
        Number(
          (
            await sql<{ n: number }>`select count(*)::int as n from evidence_items`.execute(
              pair.requested.context.db,
            )
          ).rows[0]?.n,
        );
      const before = await count();
      const hourAhead = new Date(pair.clock.now().getTime() + 3_600_000).toISOString();
      const refused = await createUpload(custodian, 10, { filename: 'ahead.txt', when: hourAhead });
      assert.equal(refused.status, 400, refused.body.toString());
      const problem = JSON.parse(refused.body.toString()) as { type: string; errors: { path: string }[] };
      assert.equal(problem.type, 'urn:comity:problem:invalid-input');
      assert.equal(problem.errors[0]?.path, 'metadata.when');
      assert.equal(await count(), before, 'nothing recorded');
      const hourAgo = new Date(pair.clock.now().getTime() - 3_600_000);
      const withOffset = `${hourAgo.toISOString().slice(0, 16)}+00:00`;
      const itemId = await upload(custodian, randomBytes(10), { filename: 'earlier.txt', when: withOffset });
      assert.equal((await item(itemId)).item.acquisition.when, withOffset);
      // Free text (an approximate time, from an API client) is kept as given.
      const approximate = await upload(custodian, randomBytes(10), {
        filename: 'approx.txt',
        when: 'early March',
      });
      assert.equal((await item(approximate)).item.acquisition.when, 'early March');
    });

    it('refuses the callers whose roles do not allow it, and requests sent from here', async () => {
      const byOfficer = await createUpload(officer, 10, { filename: 'x.bin' });
      assert.equal(byOfficer.status, 403);
      assert.equal(JSON.parse(byOfficer.body.toString()).type, 'urn:comity:problem:forbidden');
      const byAuditor = await createUpload(auditor, 10, { filename: 'x.bin' });
      assert.equal(byAuditor.status, 403);
      const list = await pair.requested.app.inject({
        method: 'GET',
        url: `/api/v1/requests/${requestId}/evidence`,
        headers: officer.headers,
      });
      // Reading evidence of a request received here needs evidence:read: the request is not found.
      assert.equal(list.statusCode, 404);
      assert.equal(JSON.parse(list.body).type, 'urn:comity:problem:not-found');
      const noName = await createUpload(custodian, 10, { description: 'no file name' });
      assert.equal(noName.status, 400);
      assert.equal(JSON.parse(noName.body.toString()).type, 'urn:comity:problem:invalid-input');
      const listed = async () =>
        (
          await pair.requested.app.inject({
            method: 'GET',
            url: `/api/v1/requests/${requestId}/evidence`,
            headers: custodian.headers,
          })
        ).body;
      const itemsBefore = await listed();
      // A metadata header that is not tus's list of `key base64value`, and a file name with a NUL.
      const notBase64 = await call(base, {
        method: 'POST',
        path: `/api/v1/requests/${requestId}/evidence/uploads`,
        headers: { ...custodian.headers, ...TUS, 'upload-length': '10', 'upload-metadata': 'filename !!!' },
      });
      assert.equal(notBase64.status, 400, notBase64.body.toString());
      const notBase64Problem = JSON.parse(notBase64.body.toString());
      assert.equal(notBase64Problem.type, 'urn:comity:problem:invalid-input');
      assert.equal(notBase64Problem.errors[0].path, 'headers.upload-metadata');
      const nulName = await createUpload(custodian, 10, { filename: 'a\u0000b.bin' });
      assert.equal(nulName.status, 400, nulName.body.toString());
      assert.equal(JSON.parse(nulName.body.toString()).errors[0].path, 'metadata.filename');
      assert.equal(await listed(), itemsBefore);
      // Evidence is attached by the executing side: a request sent from a node has none there.
      const requestingSupervisor = await bearerAs(pair.requesting, 'supervisor');
      const outgoing = await pair.requesting.app.inject({
        method: 'POST',
        url: `/api/v1/requests/${requestingId}/evidence/uploads`,
        headers: {
          ...requestingSupervisor.headers,
          ...TUS,
          'upload-length': '10',
          'upload-metadata': metadataHeader({ filename: 'x' }),
        },
      });
      assert.equal(outgoing.statusCode, 404);
    });

    it('gives a sensitive item only to evidence:read-sensitive with a reason, and logs the reason', async () => {
      const bytes = randomBytes(2048);
      const itemId = await upload(custodian, bytes, { filename: 'images.zip', sensitive: 'true' });
      const contentPath = `/api/v1/requests/${requestId}/evidence/${itemId}/content`;
      const bySupervisor = await call(base, {
        method: 'GET',
        path: `${contentPath}?reason=review`,
        headers: supervisor.headers,
      });
      assert.equal(bySupervisor.status, 403);
      const withoutReason = await call(base, {
        method: 'GET',
        path: contentPath,
        headers: custodian.headers,
      });
      assert.equal(withoutReason.status, 400);
      assert.deepEqual(
        (await item(itemId)).timeline.map((event) => event.kind),
        ['acquired', 'sealed'],
      );
      const granted = await call(base, {
        method: 'GET',
        path: contentPath,
        headers: {
          ...custodian.headers,
          'comity-access-reason': 'Hash comparison ordered by the prosecutor',
        },
      });
      assert.equal(granted.status, 200);
      assert.ok(granted.body.equals(bytes));
      const { timeline } = await item(itemId);
      assert.equal(timeline.at(-1)?.kind, 'downloaded');
      assert.equal(timeline.at(-1)?.details.reason, 'Hash comparison ordered by the prosecutor');
    });

    it('names the first changed event when a custody row is tampered with in the database', async () => {
      const itemId = await upload(custodian, randomBytes(1000), { filename: 'log.txt' });
      for (let index = 0; index < 2; index += 1) {
        await call(base, {
          method: 'GET',
          path: `/api/v1/requests/${requestId}/evidence/${itemId}/content?reason=check`,
          headers: custodian.headers,
        });
      }
      const before = await item(itemId);
      assert.equal(before.timeline.length, 4);
      assert.equal(before.item.custody.chain.isIntact, true);
      const third = before.timeline[2];
      await sql`update evidence_custody_events set details = ${JSON.stringify({ reason: 'nothing to see' })}::jsonb
                where id = ${third?.id}`.execute(pair.requested.context.db);
      const after = await item(itemId);
      assert.equal(after.item.custody.chain.isIntact, false);
      assert.equal(after.item.custody.chain.firstBadEvent?.sequence, 3);
      assert.equal(after.item.custody.chain.firstBadEvent?.id, third?.id);
      const listed = await pair.requested.app.inject({
        method: 'GET',
        url: `/api/v1/requests/${requestId}/evidence`,
        headers: auditor.headers,
      });
      const entry = json<{ items: EvidenceItem[] }>(listed).items.find((each) => each.id === itemId);
      assert.equal(entry?.custody.chain.isIntact, false);
    });

    it('records a deletion with its reason, removes the bytes and keeps the chain', async () => {
      const itemId = await upload(custodian, randomBytes(500), {
        filename: 'old.bin',
        retentionUntil: '2020-01-01',
      });
      const due = await register(custodian, '?due=true');
      assert.ok(due.items.some((each) => each.id === itemId));
      assert.ok(due.items.every((each) => each.isDueForDeletion));
      assert.equal((await item(itemId)).item.isDueForDeletion, true);

      const deleted = await pair.requested.app.inject({
        method: 'DELETE',
        url: `/api/v1/requests/${requestId}/evidence/${itemId}`,
        headers: custodian.headers,
        payload: { reason: 'Retention period over' },
      });
      assert.equal(deleted.statusCode, 200, deleted.body);
      const { item: gone, timeline } = await item(itemId);
      assert.equal(gone.status, 'deleted');
      assert.deepEqual(
        timeline.map((event) => event.kind),
        ['acquired', 'sealed', 'deleted'],
      );
      assert.equal(timeline[2]?.details.reason, 'Retention period over');
      assert.equal(gone.custody.chain.isIntact, true);
      assert.throws(() => statSync(path.join(dataDirectory, 'evidence', 'items', `${itemId}.sealed`)));
      const content = await call(base, {
        method: 'GET',
        path: `/api/v1/requests/${requestId}/evidence/${itemId}/content`,
        headers: custodian.headers,
      });
      assert.equal(content.status, 409);
      assert.equal(
        (await register(custodian, '?due=true')).items.some((each) => each.id === itemId),
        false,
      );
      const listed = (await register(custodian, '?status=deleted')).items.find((each) => each.id === itemId);
      assert.equal(listed?.status, 'deleted', 'a deleted item stays in the register, with its chain');
      assert.equal(listed?.custody.chain.isIntact, true);
    });

    it('lists the evidence the node holds across requests, newest first, a page at a time, to evidence:read only', async () => {
      const names = ['register-1.bin', 'register-2.bin', 'register-3.bin'];
      const ids: string[] = [];
      for (const filename of names) {
        pair.clock.advance(1000);
        ids.push(await upload(custodian, randomBytes(64), { filename }));
      }
      const newest = await register(auditor, '?limit=2');
      assert.deepEqual(
        newest.items.map((each) => each.id),
        [ids[2], ids[1]],
      );
      const [first] = newest.items;
      assert.deepEqual(first?.request, {
        id: requestId,
        type: 'preservation',
        caseReference: first?.request.caseReference ?? null,
        direction: 'incoming',
        peerNodeId: 'fr-evidence',
        peerState: 'FR',
      });
      assert.equal(first?.fileName, 'register-3.bin');
      assert.equal(first?.custody.chain.isIntact, true);
      assert.equal(newest.nextBefore, ids[1]);
      const next = await register(auditor, `?limit=2&before=${newest.nextBefore}`);
      assert.equal(next.items[0]?.id, ids[0]);
      // Every item, in one order, over the pages: none twice, none missed.
      const everything: string[] = [];
      let cursor: string | null = '';
      while (cursor !== null) {
        const page: Register = await register(custodian, `?limit=2${cursor ? `&before=${cursor}` : ''}`);
        everything.push(...page.items.map((each) => each.id));
        cursor = page.nextBefore;
      }
      const all = await register(custodian, '?limit=500');
      assert.deepEqual(
        everything,
        all.items.map((each) => each.id),
      );
      assert.equal(new Set(everything).size, everything.length);
      assert.ok(ids.every((id) => everything.includes(id)));
      // Reading the register is a read of the cases it shows: the audit log names who and when.
      const audit = await pair.requested.app.inject({
        method: 'GET',
        url: '/api/v1/audit/entries?action=api:GET%20/api/v1/evidence',
        headers: auditor.headers,
      });
      const reads = json<{ items: { entry: { action: string; actor: { username?: string } } }[] }>(
        audit,
      ).items;
      assert.ok(reads.some((item) => item.entry.action === 'api:GET /api/v1/evidence'));
      // Filters: on this node every item was attached to a request received here.
      assert.equal((await register(custodian, '?direction=outgoing')).items.length, 0);
      assert.ok(
        (await register(custodian, '?status=stored')).items.every((each) => each.status === 'stored'),
      );

      const refused = async (as: ActingAs, query: string, status: number, type: string) => {
        const response = await pair.requested.app.inject({
          method: 'GET',
          url: `/api/v1/evidence${query}`,
          headers: as.headers,
        });
        assert.equal(response.statusCode, status, response.body);
        const problem = json<{ type: string; errors?: { pointer?: string; in?: string; code?: string }[] }>(
          response,
        );
        assert.equal(problem.type, `urn:comity:problem:${type}`);
        return problem;
      };
      // An officer drafts requests and reads the evidence sent back on their own, not the register.
      await refused(officer, '', 403, 'forbidden');
      const unknownFilter = await refused(custodian, '?colour=red', 400, 'invalid-input');
      assert.equal(unknownFilter.errors?.[0]?.code, 'unrecognized-keys');
      await refused(custodian, '?status=lost', 400, 'invalid-input');
      await refused(custodian, '?limit=0', 400, 'invalid-input');
      const stale = await refused(
        custodian,
        '?before=00000000-0000-4000-8000-000000000000',
        400,
        'invalid-input',
      );
      assert.deepEqual(stale.errors?.[0], {
        path: 'querystring.before',
        pointer: '/before',
        in: 'querystring',
        message: 'not an evidence item of this node',
        code: 'invalid-value',
      });
    });

    it('lets the custodian read the requests received here and make the executing transitions, never change one', async () => {
      const as = (actor: ActingAs, method: 'GET' | 'PUT' | 'POST', url: string, payload?: object) =>
        pair.requested.app.inject({
          method,
          url,
          headers: actor.headers,
          ...(payload ? { payload } : {}),
        });
      const read = await as(custodian, 'GET', `/api/v1/requests/${requestId}`);
      assert.equal(read.statusCode, 200, read.body);
      // A draft of this node's own, which the custodian may not see (they draft nothing).
      const draft = await as(supervisor, 'POST', '/api/v1/requests', preservationDraft('DE', 'FR', 2));
      assert.equal(draft.statusCode, 201, draft.body);
      const draftId = json<{ request: { id: string } }>(draft).request.id;
      for (const url of ['/api/v1/requests', '/api/v1/requests?direction=incoming', '/api/v1/desk']) {
        const items = json<{ items: ({ id: string } | { requestId: string })[] }>(
          await as(custodian, 'GET', url),
        ).items.map((each) => ('id' in each ? each.id : each.requestId));
        assert.ok(items.includes(requestId), url);
        assert.ok(!items.includes(draftId), url);
      }
      assertProblemStatus(await as(custodian, 'GET', `/api/v1/requests/${draftId}`), 404);
      // The legal assessment is not an executor's to read.
      assertProblemStatus(await as(custodian, 'GET', `/api/v1/requests/${requestId}/screening`), 403);
      const request = json<{ request: { content: object } }>(read).request;
      assertProblemStatus(await as(custodian, 'PUT', `/api/v1/requests/${requestId}`, request.content), 403);
      // Acknowledging is not an executor's step; recording the preservation is (docs/case-lifecycle.md).
      const transitions = `/api/v1/requests/${requestId}/transitions`;
      assertProblemStatus(
        await as(custodian, 'POST', transitions, { name: 'acknowledge', payload: {} }),
        403,
      );
      const acknowledged = await as(supervisor, 'POST', transitions, { name: 'acknowledge', payload: {} });
      assert.equal(acknowledged.statusCode, 200, acknowledged.body);
      const today = new Date().toISOString().slice(0, 10);
      const until = new Date(Date.now() + 75 * 86_400_000).toISOString().slice(0, 10);
      const preserved = await as(custodian, 'POST', transitions, {
        name: 'record-preservation',
        payload: { tookEffectOn: today, preservedUntil: until },
      });
      assert.equal(preserved.statusCode, 200, preserved.body);
      assert.equal(json<{ case: { status: string } }>(preserved).case.status, 'preserved');
    });
  });
}

function assertProblemStatus(response: { statusCode: number; body: string }, status: number): void {
  assert.equal(response.statusCode, status, response.body);
  assert.match(JSON.parse(response.body).type, /^urn:comity:problem:/);
}
