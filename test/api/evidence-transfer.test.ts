/**
 * Evidence packages between two nodes over real HTTP on loopback, on both databases: the executing
 * node makes a package of uploaded items (custody `sealed`) and sends it (`sent`); the requesting
 * node receives the offer, fetches the encrypted chunks with requests signed by its key, verifies
 * every item against the signed manifest and stores it (`received`, `verified`); an authorised user
 * there downloads an item decrypted (`downloaded`); the executing node records the verdict. Chunk
 * requests without a signature or from another node are refused; a sender that cannot be reached
 * leaves the package pending until it can; a chunk changed on the sender's disk fails the package
 * with the reason, on both sides.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { preservationDraft, trafficDisclosureDraft } from '../../src/demo/demo-drafts.ts';
import { evidenceChunkPath } from '../../src/federation/delivery/evidence-chunk-client.ts';
import { signRequest } from '../../src/federation/protocol/request-signature.ts';
import { runEvidenceTransferRound } from '../../src/services/evidence-transfer.service.ts';
import { call, TUS } from '../helpers/raw-http.ts';
import { json } from '../helpers/app.ts';
import { type ActingAs, asRole, bearerAs } from '../helpers/auth.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import { closedPort, type NodePair, startNodePair } from './delivery-fixture.ts';

type Package = {
  id: string;
  direction: string;
  status: string;
  failureReason: string | null;
  approval: 'pending' | 'approved' | 'returned' | null;
  chunkCount: number;
  manifest: {
    from: string;
    to: string;
    items: { id: string; name: string; sha256: string; sizeBytes: number }[];
    conditions: {
      limitedToRequestPurpose: boolean;
      onwardTransferNeedsConsent: boolean;
      confidentialUntil: string | null;
    };
  } | null;
  receivedItems: { id: string; sourceItemId: string | null; sha256: string | null }[];
};
type CustodyEvent = { kind: string; details: Record<string, unknown> };

function metadataHeader(metadata: Record<string, string>): string {
  return Object.entries(metadata)
    .map(([key, value]) => `${key} ${Buffer.from(value).toString('base64')}`)
    .join(',');
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

for (const target of DATABASE_TARGETS) {
  describe(`evidence packages between nodes [${target.name}]`, { skip: target.skip }, () => {
    let pair: NodePair;
    const directories: string[] = [];
    let requestedId: string;
    let requestingId: string;
    let custodian: ActingAs;
    let packageApprover: ActingAs;
    let requestingCustodian: ActingAs;
    let requestingOfficer: ActingAs;
    /** The officer at the requesting node who drafted the request. */
    let author: ActingAs;
    const files = [randomBytes(2 * 1024 * 1024 + 333), randomBytes(1000)];

    async function upload(bytes: Buffer, metadata: Record<string, string>): Promise<string> {
      const created = await call(pair.requestedUrl, {
        method: 'POST',
        path: `/api/v1/requests/${requestedId}/evidence/uploads`,
        headers: {
          ...custodian.headers,
          ...TUS,
          'upload-length': String(bytes.length),
          'upload-metadata': metadataHeader(metadata),
        },
      });
      assert.equal(created.status, 201, created.body.toString());
      const location = String(created.headers.location);
      const done = await call(pair.requestedUrl, {
        method: 'PATCH',
        path: location,
        headers: {
          ...custodian.headers,
          ...TUS,
          'content-type': 'application/offset+octet-stream',
          'upload-offset': '0',
        },
        body: bytes,
      });
      assert.equal(done.status, 204, done.body.toString());
      return location.split('/').at(-1) ?? '';
    }

    async function makePackage(itemIds: string[]): Promise<Package> {
      const response = await pair.requested.app.inject({
        method: 'POST',
        url: `/api/v1/requests/${requestedId}/evidence/packages`,
        headers: custodian.headers,
        payload: {
          itemIds,
          conditions: {
            limitedToRequestPurpose: true,
            onwardTransferNeedsConsent: true,
            confidentialUntil: '2027-12-31',
          },
        },
      });
      assert.equal(response.statusCode, 201, response.body);
      return json<{ package: Package }>(response).package;
    }

    /** The custodian asks to send: the package waits for a supervisor (the two-person rule). */
    async function ask(packageId: string, as: ActingAs = custodian) {
      return pair.requested.app.inject({
        method: 'POST',
        url: `/api/v1/requests/${requestedId}/evidence/packages/${packageId}/send`,
        headers: as.headers,
      });
    }

    async function decide(
      packageId: string,
      decision: 'approve' | 'return',
      as: ActingAs = packageApprover,
      reasons?: string,
    ) {
      return pair.requested.app.inject({
        method: 'POST',
        url: `/api/v1/requests/${requestedId}/evidence/packages/${packageId}/approval`,
        headers: as.headers,
        payload: reasons === undefined ? { decision } : { decision, reasons },
      });
    }

    /** Asked by the custodian and approved by a supervisor: the package is offered. */
    async function send(packageId: string) {
      const asked = await ask(packageId);
      return asked.statusCode === 200 ? decide(packageId, 'approve') : asked;
    }

    async function packagesAt(side: 'requesting' | 'requested'): Promise<Package[]> {
      const node = side === 'requesting' ? pair.requesting : pair.requested;
      const id = side === 'requesting' ? requestingId : requestedId;
      const as = side === 'requesting' ? requestingCustodian : custodian;
      const response = await node.app.inject({
        method: 'GET',
        url: `/api/v1/requests/${id}/evidence/packages`,
        headers: as.headers,
      });
      assert.equal(response.statusCode, 200, response.body);
      return json<{ packages: Package[] }>(response).packages;
    }

    async function timeline(side: 'requesting' | 'requested', itemId: string): Promise<CustodyEvent[]> {
      const node = side === 'requesting' ? pair.requesting : pair.requested;
      const id = side === 'requesting' ? requestingId : requestedId;
      const as = side === 'requesting' ? requestingCustodian : custodian;
      const response = await node.app.inject({
        method: 'GET',
        url: `/api/v1/requests/${id}/evidence/${itemId}`,
        headers: as.headers,
      });
      assert.equal(response.statusCode, 200, response.body);
      const body = json<{ item: { custody: { chain: { isIntact: boolean } } }; timeline: CustodyEvent[] }>(
        response,
      );
      assert.equal(body.item.custody.chain.isIntact, true);
      return body.timeline;
    }

    before(async () => {
      for (let index = 0; index < 2; index += 1) {
        directories.push(mkdtempSync(path.join(os.tmpdir(), 'comity-evidence-transfer-')));
      }
      pair = await startNodePair(target, {
        requesting: ['fr-transfer', 'FR'],
        requested: ['de-transfer', 'DE'],
        requestingEnvironment: { COMITY_DATA_DIR: directories[0] ?? '' },
        requestedEnvironment: { COMITY_DATA_DIR: directories[1] ?? '' },
      });
      author = await asRole(pair.requesting, 'officer');
      const supervisor = await asRole(pair.requested, 'supervisor');
      custodian = await bearerAs(pair.requested, 'evidence-custodian');
      packageApprover = await bearerAs(pair.requested, 'supervisor');
      requestingCustodian = await bearerAs(pair.requesting, 'evidence-custodian');
      requestingOfficer = await bearerAs(pair.requesting, 'officer');
      ({ requestedId, requestingId } = await pair.deliverRequest(
        author,
        supervisor,
        trafficDisclosureDraft('FR', 'DE', 1),
      ));
      // Evidence answers a request in execution: accepted, its execution begun.
      await pair.bringToExecution(requestedId);
    });

    after(async () => {
      await pair?.close();
      for (const directory of directories) rmSync(directory, { recursive: true, force: true });
    });

    it('sends a package, verifies it on arrival, and lets the requesting side download an item decrypted', async () => {
      const first = await upload(files[0] ?? Buffer.alloc(0), {
        filename: 'mailbox.mbox',
        what: 'Mailbox export',
        fromWhom: 'Example Mail GmbH',
        legalBasis: 'Order of the Amtsgericht',
      });
      const second = await upload(files[1] ?? Buffer.alloc(0), { filename: 'subscriber.csv' });
      const made = await makePackage([first, second]);
      assert.equal(made.status, 'sealed');
      assert.equal(made.chunkCount, 4);
      assert.equal(made.manifest?.from, 'de-transfer');
      assert.equal(made.manifest?.to, 'fr-transfer');
      assert.equal(made.manifest?.conditions.onwardTransferNeedsConsent, true);
      assert.deepEqual(
        made.manifest?.items.map((item) => item.sha256),
        files.map((file) => sha256(file)),
      );
      assert.equal((await timeline('requested', first)).at(-1)?.kind, 'sealed');

      // Nothing can be fetched before it is sent.
      const sent = await send(made.id);
      assert.equal(sent.statusCode, 200, sent.body);
      assert.equal(json<{ package: Package }>(sent).package.status, 'offered');
      assert.equal((await timeline('requested', first)).at(-1)?.kind, 'sent');
      const again = await send(made.id);
      assert.equal(again.statusCode, 409);

      await pair.requestedWorker.runOnce();
      const offered = await packagesAt('requesting');
      assert.equal(offered.length, 1);
      assert.equal(offered[0]?.status, 'fetching');
      assert.equal(offered[0]?.direction, 'incoming');

      assert.deepEqual(await runEvidenceTransferRound(pair.requesting.context), ['verified']);
      const [received] = await packagesAt('requesting');
      assert.equal(received?.status, 'verified');
      assert.equal(received?.receivedItems.length, 2);
      const local = received?.receivedItems.find((item) => item.sourceItemId === first);
      assert.ok(local);
      assert.equal(local.sha256, sha256(files[0] ?? Buffer.alloc(0)));
      assert.deepEqual(
        (await timeline('requesting', local.id)).map((event) => event.kind),
        ['received', 'verified'],
      );
      // The chunks fetched are gone once the items are stored.
      assert.deepEqual(readdirSync(path.join(directories[0] ?? '', 'evidence', 'incoming')), []);
      // FR's register holds them as received with the request FR sent, from DE's node.
      const register = await pair.requesting.app.inject({
        method: 'GET',
        url: '/api/v1/evidence?direction=outgoing',
        headers: requestingCustodian.headers,
      });
      assert.equal(register.statusCode, 200, register.body);
      const held = json<{
        items: { id: string; request: { id: string; direction: string; peerNodeId: string } }[];
      }>(register).items.find((item) => item.id === local.id);
      assert.deepEqual(held?.request, {
        ...held?.request,
        id: requestingId,
        direction: 'outgoing',
        peerNodeId: pair.requested.plan.nodeId,
      });

      // An authorised user downloads the item decrypted; each download is in the custody chain.
      const content = await call(pair.requestingUrl, {
        method: 'GET',
        path: `/api/v1/requests/${requestingId}/evidence/${local.id}/content`,
        headers: requestingCustodian.headers,
      });
      assert.equal(content.status, 200);
      assert.ok(content.body.equals(files[0] ?? Buffer.alloc(0)));
      assert.equal((await timeline('requesting', local.id)).at(-1)?.kind, 'downloaded');
      // The officer who drafted the request reads what came back and downloads it; another
      // officer (no evidence:read) is told the request does not exist.
      const byAuthor = await pair.requesting.app.inject({
        method: 'GET',
        url: `/api/v1/requests/${requestingId}/evidence/packages`,
        headers: author.headers,
      });
      assert.equal(byAuthor.statusCode, 200, byAuthor.body);
      assert.equal(json<{ packages: Package[] }>(byAuthor).packages[0]?.status, 'verified');
      const authorDownload = await pair.requesting.app.inject({
        method: 'GET',
        url: `/api/v1/requests/${requestingId}/evidence/${local.id}/content`,
        headers: author.headers,
      });
      assert.equal(authorDownload.statusCode, 200);
      assert.ok(authorDownload.rawPayload.equals(files[0] ?? Buffer.alloc(0)));
      for (const url of [
        `/api/v1/requests/${requestingId}/evidence/packages`,
        `/api/v1/requests/${requestingId}/evidence`,
        `/api/v1/requests/${requestingId}/evidence/${local.id}/content`,
      ]) {
        const byOfficer = await pair.requesting.app.inject({
          method: 'GET',
          url,
          headers: requestingOfficer.headers,
        });
        assert.equal(byOfficer.statusCode, 404, url);
        assert.equal(json<{ type: string }>(byOfficer).type, 'urn:comity:problem:not-found');
      }

      // The verdict travels back and lands in the sender's custody chains.
      await pair.requestingWorker.runOnce();
      await runEvidenceTransferRound(pair.requested.context);
      const [settled] = await packagesAt('requested');
      assert.equal(settled?.status, 'verified');
      const events = await timeline('requested', first);
      // Upload: acquired, sealed at rest; then sealed into the package, sent, verified by the addressee.
      assert.deepEqual(
        events.map((event) => event.kind),
        ['acquired', 'sealed', 'sealed', 'sent', 'verified'],
      );
      assert.equal(events[2]?.details.packageId, made.id);
      assert.equal(events[4]?.details.by, 'fr-transfer');
    });

    it('serves chunks only to the addressed node, its request signed with its key', async () => {
      const itemId = await upload(randomBytes(5000), { filename: 'log.txt' });
      const made = await makePackage([itemId]);
      assert.equal((await send(made.id)).statusCode, 200);
      const stored = (await packagesAt('requested')).find((candidate) => candidate.id === made.id);
      assert.ok(stored);
      const { hash } = (
        await pair.requested.context.db
          .selectFrom('evidence_packages')
          .select('chunks')
          .where('id', '=', made.id)
          .executeTakeFirstOrThrow()
          .then((row) => (typeof row.chunks === 'string' ? JSON.parse(row.chunks) : row.chunks))
      )[0] as { hash: string };
      const chunkPath = evidenceChunkPath(made.id, hash);
      const at = pair.clock.now().toISOString();
      const signedBy = async (
        plan: NodePair['requesting']['plan'],
        to = 'de-transfer',
        signedPath = chunkPath,
      ) => signRequest({ method: 'GET', path: signedPath, from: plan.nodeId, to, at }, plan.keys.signing);

      const unsigned = await call(pair.requestedUrl, { method: 'GET', path: chunkPath });
      assert.equal(unsigned.status, 403);
      // The executing node itself is not the addressee.
      const bySelf = await call(pair.requestedUrl, {
        method: 'GET',
        path: chunkPath,
        headers: { 'comity-signature': await signedBy(pair.requested.plan) },
      });
      assert.equal(bySelf.status, 403);
      // The addressee's key, but claiming to be another node: the signature does not verify.
      const forged = await call(pair.requestedUrl, {
        method: 'GET',
        path: chunkPath,
        headers: {
          'comity-signature': await signRequest(
            { method: 'GET', path: chunkPath, from: 'de-transfer', to: 'de-transfer', at },
            pair.requesting.plan.keys.signing,
          ),
        },
      });
      assert.equal(forged.status, 403);
      // A signature made for another chunk does not open this one.
      const replayed = await call(pair.requestedUrl, {
        method: 'GET',
        path: chunkPath,
        headers: {
          'comity-signature': await signedBy(
            pair.requesting.plan,
            'de-transfer',
            evidenceChunkPath(made.id, '0'.repeat(64)),
          ),
        },
      });
      assert.equal(replayed.status, 403);
      const unknown = await call(pair.requestedUrl, {
        method: 'GET',
        path: evidenceChunkPath(made.id, '0'.repeat(64)),
        headers: {
          'comity-signature': await signedBy(
            pair.requesting.plan,
            'de-transfer',
            evidenceChunkPath(made.id, '0'.repeat(64)),
          ),
        },
      });
      assert.equal(unknown.status, 404);
      const good = await call(pair.requestedUrl, {
        method: 'GET',
        path: chunkPath,
        headers: { 'comity-signature': await signedBy(pair.requesting.plan) },
      });
      assert.equal(good.status, 200);
      assert.equal(sha256(good.body), hash);

      // Delivered and fetched while the sender cannot be reached: pending, then completed.
      await pair.requestedWorker.runOnce();
      pair.directory.setEndpoint('de-transfer', `http://127.0.0.1:${await closedPort()}`);
      assert.deepEqual(await runEvidenceTransferRound(pair.requesting.context), ['pending']);
      pair.directory.setEndpoint('de-transfer', pair.requestedUrl);
      assert.deepEqual(await runEvidenceTransferRound(pair.requesting.context), ['verified']);
    });

    it('fails a package whose chunk was changed on the sender, and says why on both sides', async () => {
      const itemId = await upload(randomBytes(3000), { filename: 'image.bin' });
      const made = await makePackage([itemId]);
      const chunkDirectory = path.join(directories[1] ?? '', 'evidence', 'packages', made.id);
      const [chunkFile] = readdirSync(chunkDirectory);
      assert.ok(chunkFile);
      writeFileSync(path.join(chunkDirectory, chunkFile), randomBytes(3044));
      assert.equal((await send(made.id)).statusCode, 200);
      await pair.requestedWorker.runOnce();
      assert.deepEqual(await runEvidenceTransferRound(pair.requesting.context), ['failed']);
      const failed = (await packagesAt('requesting')).find((candidate) => candidate.id === made.id);
      assert.equal(failed?.status, 'failed');
      assert.match(failed?.failureReason ?? '', /does not match its address/);
      assert.equal(failed?.receivedItems.length, 0);
      await pair.requestingWorker.runOnce();
      await runEvidenceTransferRound(pair.requested.context);
      const atSender = (await packagesAt('requested')).find((candidate) => candidate.id === made.id);
      assert.equal(atSender?.status, 'failed');
      assert.match(atSender?.failureReason ?? '', /does not match its address/);
      const last = (await timeline('requested', itemId)).at(-1);
      assert.equal(last?.kind, 'received');
      assert.equal(last?.details.outcome, 'failed');
    });

    /**
     * Asks for a package of an unknown item on `requestId`: refused (409 invalid-state, with its
     * detail) before any item is looked at, and nothing is made.
     */
    async function refusedPackageDetail(requestId: string): Promise<string> {
      const refused = await pair.requested.app.inject({
        method: 'POST',
        url: `/api/v1/requests/${requestId}/evidence/packages`,
        headers: custodian.headers,
        payload: {
          itemIds: [randomUUID()],
          conditions: { limitedToRequestPurpose: true, onwardTransferNeedsConsent: true },
        },
      });
      assert.equal(refused.statusCode, 409, refused.body);
      const problem = json<{ type: string; detail: string }>(refused);
      assert.equal(problem.type, 'urn:comity:problem:invalid-state');
      const listed = await pair.requested.app.inject({
        method: 'GET',
        url: `/api/v1/requests/${requestId}/evidence/packages`,
        headers: custodian.headers,
      });
      assert.equal(listed.statusCode, 200, listed.body);
      assert.deepEqual(json<{ packages: unknown[] }>(listed).packages, [], 'nothing was made');
      return problem.detail;
    }

    it('refuses a package on a preservation request, which keeps the data and discloses none (Art. 42)', async () => {
      const { requestedId: preservationId } = await pair.deliverRequest(
        author,
        await asRole(pair.requested, 'supervisor'),
        preservationDraft('FR', 'DE', 2),
      );
      // Refused before any item is looked at: whichever items are named, nothing is sealed.
      assert.match(
        await refusedPackageDetail(preservationId),
        /preservation request \(Art\. 42\) keeps the data and discloses none/,
      );
    });

    it('refuses a package on a request not accepted on its case: the legal review comes first', async () => {
      const { requestedId: assessedId } = await pair.deliverRequest(
        author,
        await asRole(pair.requested, 'supervisor'),
        trafficDisclosureDraft('FR', 'DE', 3),
      );
      const duty = await asRole(pair.requested, 'duty-officer');
      for (const name of ['acknowledge', 'begin-assessment']) {
        const made = await pair.requested.app.inject({
          method: 'POST',
          url: `/api/v1/requests/${assessedId}/transitions`,
          headers: duty.headers,
          payload: { name, payload: {} },
        });
        assert.equal(made.statusCode, 200, made.body);
      }
      assert.match(
        await refusedPackageDetail(assessedId),
        /is under-assessment: evidence is sent once the request is accepted/,
      );
    });

    it('lets a package leave only once a supervisor other than the asker approves it', async () => {
      const item = await upload(files[0] ?? Buffer.alloc(0), { filename: 'waiting.log' });
      const made = await makePackage([item]);
      const asked = await ask(made.id);
      assert.equal(asked.statusCode, 200, asked.body);
      assert.equal(json<{ package: Package }>(asked).package.status, 'sealed', 'nothing leaves when asked');
      assert.equal(json<{ package: Package }>(asked).package.approval, 'pending');
      assert.equal((await ask(made.id)).statusCode, 409, 'it waits already');
      await pair.requestedWorker.runOnce();
      assert.equal(
        (await packagesAt('requesting')).some((offered) => offered.id === made.id),
        false,
        'nothing reached the requesting node',
      );
      // The custodian holds no request:approve; a supervisor who asked may not approve it either.
      assert.equal((await decide(made.id, 'approve', custodian)).statusCode, 403);
      const returned = await decide(made.id, 'return', packageApprover, 'Describe the acquisition first.');
      assert.equal(returned.statusCode, 200, returned.body);
      assert.equal(json<{ package: Package }>(returned).package.approval, 'returned');
      assert.equal(json<{ package: Package }>(returned).package.status, 'sealed');
      const byApprover = await ask(made.id, packageApprover);
      assert.equal(byApprover.statusCode, 200, byApprover.body);
      const ownApproval = await decide(made.id, 'approve', packageApprover);
      assert.equal(ownApproval.statusCode, 403, ownApproval.body);
      const other = await bearerAs(pair.requested, 'supervisor');
      const approved = await decide(made.id, 'approve', other);
      assert.equal(approved.statusCode, 200, approved.body);
      assert.equal(json<{ package: Package }>(approved).package.status, 'offered');
      assert.equal(json<{ package: Package }>(approved).package.approval, 'approved');
      assert.equal((await timeline('requested', item)).at(-1)?.kind, 'sent');
    });
  });
}
