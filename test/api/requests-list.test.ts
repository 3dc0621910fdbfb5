/**
 * The requests list a page at a time (GET /api/v1/requests): pages that follow each other without
 * losing or repeating a request, even when many share one update time (the test clock stands
 * still); the search by case reference or id; the open and ended cases; the count of open cases
 * beside each page; and a cursor or limit the node did not give, refused as invalid input.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { preservationDraft } from '../../src/demo/demo-drafts.ts';
import { json } from '../helpers/app.ts';
import { type ActingAs, bearerAs } from '../helpers/auth.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import { makeTransition, type NodePair, startNodePair } from './delivery-fixture.ts';

type Item = { id: string; caseReference: string | null; caseStatus: string; updatedAt: string };
type Page = { items: Item[]; nextCursor: string | null; openCount: number };
type Problem = { type: string; errors?: { path?: string }[] };

for (const target of DATABASE_TARGETS) {
  describe(`the requests list, a page at a time [${target.name}]`, { skip: target.skip }, () => {
    let pair: NodePair;
    let officer: ActingAs;
    let otherOfficer: ActingAs;
    let deDuty: ActingAs;
    const drafted: string[] = [];
    let withdrawnId: string;
    let openSentId: string;

    const list = async (as: ActingAs, query: string) => {
      const response = await pair.requesting.app.inject({
        method: 'GET',
        url: `/api/v1/requests?${query}`,
        headers: as.headers,
      });
      return response;
    };
    const page = async (query: string, as: ActingAs = officer): Promise<Page> => {
      const response = await list(as, query);
      assert.equal(response.statusCode, 200, response.body);
      return json<Page>(response);
    };

    before(async () => {
      pair = await startNodePair(target, { requesting: ['fr-list', 'FR'], requested: ['de-list', 'DE'] });
      officer = await bearerAs(pair.requesting, 'officer');
      otherOfficer = await bearerAs(pair.requesting, 'officer');
      deDuty = await bearerAs(pair.requested, 'duty-officer');
      const references = [
        'FR-2026-0001',
        'FR-2026-0002',
        'fr-2026-0003',
        'PAR/100%_A',
        'PAR/100xxA',
        'LYON-7',
        'LYON-8',
      ];
      for (const [index, caseReference] of references.entries()) {
        const created = await pair.requesting.app.inject({
          method: 'POST',
          url: '/api/v1/requests',
          headers: officer.headers,
          payload: { ...preservationDraft('FR', 'DE', index + 1), caseReference },
        });
        assert.equal(created.statusCode, 201, created.body);
        drafted.push(json<{ request: { id: string } }>(created).request.id);
      }
      const withdrawn = await pair.deliverRequest(officer, deDuty, {
        ...preservationDraft('FR', 'DE', 20),
        caseReference: 'SENT-WITHDRAWN',
      });
      withdrawnId = withdrawn.requestingId;
      await makeTransition(pair.requesting, officer, withdrawnId, 'withdraw', {
        reasons: 'Identified otherwise.',
      });
      const open = await pair.deliverRequest(officer, deDuty, {
        ...preservationDraft('FR', 'DE', 21),
        caseReference: 'SENT-OPEN',
      });
      openSentId = open.requestingId;
    });
    after(async () => pair?.close());

    it('walks every request in pages of the size asked, none lost or repeated, newest first', async () => {
      const whole = await page('direction=outgoing');
      assert.equal(whole.items.length, 9);
      assert.equal(whole.nextCursor, null);
      const walked: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `direction=outgoing&limit=4${cursor ? `&cursor=${cursor}` : ''}`;
        const next = await page(query);
        assert.ok(next.items.length <= 4);
        assert.equal(next.openCount, 8, 'every page counts the open cases of the whole list');
        walked.push(...next.items.map((item) => item.id));
        cursor = next.nextCursor;
        pages += 1;
      } while (cursor !== null);
      assert.equal(pages, 3);
      assert.deepEqual(
        walked,
        whole.items.map((item) => item.id),
      );
      const times = whole.items.map((item) => Date.parse(item.updatedAt));
      assert.deepEqual(
        times,
        [...times].sort((a, b) => b - a),
      );
    });

    it('finds a request by a part of its case reference, in any case, % and _ read as themselves', async () => {
      const references = async (q: string) =>
        (await page(`q=${encodeURIComponent(q)}`)).items.map((item) => item.caseReference).sort();
      assert.deepEqual(await references('FR-2026'), ['FR-2026-0001', 'FR-2026-0002', 'fr-2026-0003']);
      assert.deepEqual(await references('lyon'), ['LYON-7', 'LYON-8']);
      assert.deepEqual(await references('100%_'), ['PAR/100%_A']);
      assert.deepEqual(await references('nothing like it'), []);
      const byId = await page(`q=${drafted[0]?.slice(0, 8)}`);
      assert.deepEqual(
        byId.items.map((item) => item.id),
        [drafted[0]],
      );
      assert.equal((await page('q=LYON')).openCount, 2, 'the count follows the search');
    });

    it('keeps the open cases or the ended ones, and counts the open ones either way', async () => {
      const open = await page('open=true&direction=outgoing');
      assert.equal(open.items.length, 8);
      assert.ok(open.items.some((item) => item.id === openSentId));
      assert.ok(!open.items.some((item) => item.id === withdrawnId));
      const ended = await page('open=false');
      assert.deepEqual(
        ended.items.map((item) => [item.id, item.caseStatus]),
        [[withdrawnId, 'withdrawn']],
      );
      assert.equal(ended.openCount, 8);
    });

    it("counts only the requests the caller may read: another officer's list is empty", async () => {
      assert.deepEqual(await page('direction=outgoing', otherOfficer), {
        items: [],
        nextCursor: null,
        openCount: 0,
      });
    });

    it('refuses a cursor it did not give and a page size out of bounds, naming the parameter', async () => {
      const made = (await page('limit=1')).nextCursor ?? '';
      const tampered = Buffer.from(JSON.stringify(['2026-13-45T99:00:00.000000Z', drafted[0]])).toString(
        'base64url',
      );
      for (const cursor of ['abc', tampered, `${made}x`, Buffer.from('[1,2]').toString('base64url')]) {
        const response = await list(officer, `cursor=${encodeURIComponent(cursor)}`);
        assert.equal(response.statusCode, 400, `${cursor}: ${response.body}`);
        const problem = json<Problem>(response);
        assert.equal(problem.type, 'urn:comity:problem:invalid-input');
        assert.equal(problem.errors?.[0]?.path, 'cursor');
      }
      for (const limit of ['0', '501', 'ten']) {
        const response = await list(officer, `limit=${limit}`);
        assert.equal(response.statusCode, 400, response.body);
        assert.equal(json<Problem>(response).type, 'urn:comity:problem:invalid-input');
      }
    });
  });
}
