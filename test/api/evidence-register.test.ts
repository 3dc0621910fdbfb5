/**
 * The evidence register searched and read a page at a time (GET /api/v1/evidence), on both
 * databases: pages that follow each other without losing or repeating an item when many were
 * taken in at one moment (the test clock stands still); the search by a part of the case reference
 * or the file name, or the start of the item's id or SHA-256, with the other filters and over pages;
 * the older `before`/`nextBefore` still understood; a cursor, limit or search the node did not
 * give or cannot take refused as invalid input naming the parameter; and who may read it unchanged.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { preservationDraft } from '../../src/demo/demo-drafts.ts';
import { insertEvidenceItem } from '../../src/storage/evidence.repository.ts';
import { json } from '../helpers/app.ts';
import { type ActingAs, asRole, bearerAs } from '../helpers/auth.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import { type NodePair, startNodePair } from './delivery-fixture.ts';

type Item = {
  id: string;
  fileName: string;
  sha256: string | null;
  status: string;
  request: { id: string; caseReference: string | null };
};
type Page = { items: Item[]; nextCursor: string | null; nextBefore: string | null };
type Problem = { type: string; errors?: { path?: string; pointer?: string; in?: string }[] };

/** A UUID (version 4) whose first eight hex digits are `start`, the rest from `n`. */
function itemId(start: string, n: number): string {
  return `${start}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

const SHA256 = `ab12cd34${'0'.repeat(56)}`;

for (const target of DATABASE_TARGETS) {
  describe(`the evidence register, searched and a page at a time [${target.name}]`, {
    skip: target.skip,
  }, () => {
    let pair: NodePair;
    let custodian: ActingAs;
    let auditor: ActingAs;
    let officer: ActingAs;
    let berlinId: string;
    let hamburgId: string;
    /** Every item, newest first as the register orders them (one moment: by id, descending). */
    const ids: string[] = [];

    const list = (as: ActingAs, query: string) =>
      pair.requested.app.inject({ method: 'GET', url: `/api/v1/evidence?${query}`, headers: as.headers });
    const page = async (query: string, as: ActingAs = custodian): Promise<Page> => {
      const response = await list(as, query);
      assert.equal(response.statusCode, 200, response.body);
      return json<Page>(response);
    };
    const names = async (query: string) => (await page(query)).items.map((item) => item.fileName).sort();

    before(async () => {
      pair = await startNodePair(target, {
        requesting: ['fr-register', 'FR'],
        requested: ['de-register', 'DE'],
      });
      const author = await asRole(pair.requesting, 'officer');
      const supervisor = await asRole(pair.requested, 'supervisor');
      custodian = await bearerAs(pair.requested, 'evidence-custodian');
      auditor = await bearerAs(pair.requested, 'auditor');
      officer = await bearerAs(pair.requested, 'officer');
      ({ requestedId: berlinId } = await pair.deliverRequest(author, supervisor, {
        ...preservationDraft('FR', 'DE', 1),
        caseReference: 'BER/2026-17',
      }));
      ({ requestedId: hamburgId } = await pair.deliverRequest(author, supervisor, {
        ...preservationDraft('FR', 'DE', 2),
        caseReference: 'HAM-9%_x',
      }));
      // Eleven items taken in at one moment: the register orders them by id alone.
      const at = pair.clock.now();
      const files: [start: string, requestId: string, fileName: string][] = [
        ['10000000', berlinId, 'mailbox-export.mbox'],
        ['20000000', berlinId, 'server-logs-1.tar'],
        ['30000000', berlinId, 'server-logs-2.tar'],
        ['40000000', berlinId, 'server-logs-3.tar'],
        ['50000000', berlinId, 'subscriber_data.csv'],
        ['60000000', berlinId, 'subscriberXdata.csv'],
        ['70000000', hamburgId, 'photos.zip'],
        ['80000000', hamburgId, 'chat-history.json'],
        ['90000000', hamburgId, 'MAILBOX-2.mbox'],
        ['a0000000', hamburgId, 'ledger.xlsx'],
        ['b0000000', hamburgId, 'wallet.txt'],
      ];
      for (const [index, [start, requestId, fileName]] of files.entries()) {
        const id = itemId(start, index + 1);
        await insertEvidenceItem(pair.requested.context.db, {
          id,
          requestId,
          fileName,
          mediaType: 'application/octet-stream',
          sizeBytes: 100 + index,
          description: '',
          acquisition: {
            what: null,
            fromWhom: null,
            when: null,
            how: null,
            byWhom: null,
            legalBasis: null,
          },
          retentionUntil: null,
          isSensitive: false,
          storageKey: id,
          createdBy: null,
          createdAt: at,
        });
        ids.unshift(id);
      }
      // One stored, with its hash.
      await pair.requested.context.db
        .updateTable('evidence_items')
        .set({ status: 'stored', sha256: SHA256, stored_at: at })
        .where('id', '=', itemId('80000000', 8))
        .execute();
    });
    after(async () => pair?.close());

    it('walks every item in pages of the size asked, none lost or repeated, when all share one moment', async () => {
      const whole = await page('');
      assert.deepEqual(
        whole.items.map((item) => item.id),
        ids,
      );
      assert.equal(whole.nextCursor, null);
      const walked: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const next: Page = await page(`limit=4${cursor ? `&cursor=${cursor}` : ''}`);
        assert.ok(next.items.length <= 4);
        assert.equal(next.nextBefore, next.nextCursor, 'the older name answers the same');
        walked.push(...next.items.map((item) => item.id));
        cursor = next.nextCursor;
        pages += 1;
      } while (cursor !== null);
      assert.equal(pages, 3);
      assert.deepEqual(walked, ids);
      // The older name of the cursor reads the same page.
      const first = await page('limit=4');
      assert.deepEqual(
        await page(`limit=4&before=${first.nextCursor}`),
        await page(`limit=4&cursor=${first.nextCursor}`),
      );
    });

    it("finds items by a part of the case reference or the file name, in any case, or the start of the item's id or SHA-256", async () => {
      assert.deepEqual(await names('q=ber%2F2026'), [
        'mailbox-export.mbox',
        'server-logs-1.tar',
        'server-logs-2.tar',
        'server-logs-3.tar',
        'subscriberXdata.csv',
        'subscriber_data.csv',
      ]);
      assert.deepEqual(await names('q=mailbox'), ['MAILBOX-2.mbox', 'mailbox-export.mbox']);
      // % and _ are read as themselves, in the case reference and the file name alike.
      assert.deepEqual(await names(`q=${encodeURIComponent('9%_')}`), [
        'MAILBOX-2.mbox',
        'chat-history.json',
        'ledger.xlsx',
        'photos.zip',
        'wallet.txt',
      ]);
      assert.deepEqual(await names('q=r_d'), ['subscriber_data.csv']);
      assert.deepEqual(await names('q=a0000000'), ['ledger.xlsx']);
      assert.deepEqual(await names('q=AB12CD'), ['chat-history.json'], 'the start of the SHA-256, any case');
      assert.deepEqual(await names('q=cd34'), [], 'the SHA-256 only from its start');
      assert.deepEqual(await names('q=%20%20'), await names(''), 'blanks search nothing');
      assert.deepEqual(await names('q=nothing%20like%20it'), []);
      // With the other filters, and over pages.
      assert.deepEqual(await names('q=mailbox&status=uploading'), ['MAILBOX-2.mbox', 'mailbox-export.mbox']);
      assert.deepEqual(await names('q=chat&status=uploading'), []);
      assert.deepEqual(await names('q=HAM&direction=outgoing'), []);
      const walked: string[] = [];
      let cursor: string | null = null;
      do {
        const next: Page = await page(`q=server-logs&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        walked.push(...next.items.map((item) => item.fileName));
        cursor = next.nextCursor;
      } while (cursor !== null);
      assert.deepEqual(walked, ['server-logs-3.tar', 'server-logs-2.tar', 'server-logs-1.tar']);
    });

    it('refuses a cursor it did not give, a page size out of bounds and too long a search, naming the parameter', async () => {
      const refused = async (query: string) => {
        const response = await list(custodian, query);
        assert.equal(response.statusCode, 400, `${query}: ${response.body}`);
        const problem = json<Problem>(response);
        assert.equal(problem.type, 'urn:comity:problem:invalid-input');
        return problem.errors?.[0];
      };
      const made = (await page('limit=1')).nextCursor ?? '';
      for (const cursor of ['abc', `${made}x`, itemId('00000000', 99), 'x'.repeat(201)]) {
        const error = await refused(`cursor=${encodeURIComponent(cursor)}`);
        assert.equal(error?.pointer, '/cursor', cursor);
        assert.equal(error?.in, 'querystring');
      }
      assert.equal((await refused(`before=${itemId('00000000', 99)}`))?.pointer, '/before');
      assert.equal((await refused(`cursor=${made}&before=${ids[1]}`))?.pointer, '/cursor');
      for (const limit of ['0', '501', 'ten']) {
        assert.equal((await refused(`limit=${limit}`))?.pointer, '/limit', limit);
      }
      assert.equal((await refused(`q=${'a'.repeat(101)}`))?.pointer, '/q');
    });

    it('is read by evidence:read alone, the same for each who may, searched or not', async () => {
      assert.deepEqual(await page('q=mailbox', auditor), await page('q=mailbox', custodian));
      for (const query of ['', 'q=mailbox', `cursor=${ids[0]}`]) {
        const response = await list(officer, query);
        assert.equal(response.statusCode, 403, response.body);
      }
    });
  });
}
