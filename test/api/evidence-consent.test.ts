/**
 * Conditions of use enforced between two nodes over real HTTP on loopback, on both databases: the
 * executing node sends a package whose manifest limits its use (Art. 40(19)), needs consent for
 * onward transfer (Art. 36(3)) and keeps it confidential until a date; on the requesting node, a
 * use without consent is refused with consent-required naming the condition and the article; an
 * ask travels as evidence.consent-requested, the executing node's legal reviewer answers, the
 * answer travels back as evidence.consent-answered; a granted consent lets that use (and only
 * that one) be recorded, a refused one leaves it blocked. Each ask, answer and use is a custody
 * event on both nodes.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { trafficDisclosureDraft } from '../../src/demo/demo-drafts.ts';
import { runEvidenceTransferRound } from '../../src/services/evidence-transfer.service.ts';
import { sendEvidencePackage } from '../helpers/approval.ts';
import { call, TUS } from '../helpers/raw-http.ts';
import { json } from '../helpers/app.ts';
import { type ActingAs, asRole, bearerAs } from '../helpers/auth.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import { type NodePair, startNodePair } from './delivery-fixture.ts';

type Consent = {
  id: string;
  packageId: string;
  direction: string;
  status: string;
  use: { kind: string; target: string | null };
  answerConditions: string | null;
  answerReasons: string | null;
};
type Problem = {
  type: string;
  detail: string;
  errors?: { path?: string; pointer?: string; message: string }[];
};

for (const target of DATABASE_TARGETS) {
  describe(`consent to use evidence between nodes [${target.name}]`, { skip: target.skip }, () => {
    let pair: NodePair;
    const directories: string[] = [];
    let requestedId: string;
    let requestingId: string;
    let custodian: ActingAs;
    let reviewer: ActingAs;
    let requestingCustodian: ActingAs;
    let requestingOfficer: ActingAs;
    let author: ActingAs;
    let packageId: string;
    let sourceItemId: string;
    let localItemId: string;

    async function kindsAt(side: 'requesting' | 'requested', itemId: string): Promise<string[]> {
      const node = side === 'requesting' ? pair.requesting : pair.requested;
      const id = side === 'requesting' ? requestingId : requestedId;
      const as = side === 'requesting' ? requestingCustodian : custodian;
      const response = await node.app.inject({
        method: 'GET',
        url: `/api/v1/requests/${id}/evidence/${itemId}`,
        headers: as.headers,
      });
      assert.equal(response.statusCode, 200, response.body);
      const body = json<{
        item: { custody: { chain: { isIntact: boolean } } };
        timeline: { kind: string }[];
      }>(response);
      assert.equal(body.item.custody.chain.isIntact, true);
      return body.timeline.map((event) => event.kind);
    }

    function use(kind: string, useTarget: string | null, as: ActingAs = requestingCustodian) {
      return pair.requesting.app.inject({
        method: 'POST',
        url: `/api/v1/requests/${requestingId}/evidence/uses`,
        headers: as.headers,
        payload: { packageId, use: { kind, target: useTarget }, note: 'for the record' },
      });
    }

    async function ask(kind: string, useTarget: string | null): Promise<Consent> {
      const response = await pair.requesting.app.inject({
        method: 'POST',
        url: `/api/v1/requests/${requestingId}/evidence/consents`,
        headers: requestingCustodian.headers,
        payload: { packageId, use: { kind, target: useTarget }, reasons: 'The suspect moved there.' },
      });
      assert.equal(response.statusCode, 201, response.body);
      return json<{ consent: Consent }>(response).consent;
    }

    async function consentsAt(side: 'requesting' | 'requested'): Promise<Consent[]> {
      const node = side === 'requesting' ? pair.requesting : pair.requested;
      const response = await node.app.inject({
        method: 'GET',
        url: `/api/v1/requests/${side === 'requesting' ? requestingId : requestedId}/evidence/consents`,
        headers: (side === 'requesting' ? requestingCustodian : reviewer).headers,
      });
      assert.equal(response.statusCode, 200, response.body);
      return json<{ consents: Consent[] }>(response).consents;
    }

    function answer(consentId: string, payload: Record<string, unknown>) {
      return pair.requested.app.inject({
        method: 'POST',
        url: `/api/v1/requests/${requestedId}/evidence/consents/${consentId}/answer`,
        headers: reviewer.headers,
        payload,
      });
    }

    function assertConsentRequired(
      response: { statusCode: number; body: string },
      condition: string,
      article: string,
    ) {
      assert.equal(response.statusCode, 403, response.body);
      const problem = JSON.parse(response.body) as Problem;
      assert.equal(problem.type, 'urn:comity:problem:consent-required');
      assert.match(problem.detail, new RegExp(`Art\\. ${article.replace(/[()]/g, '\\$&')}`));
      assert.ok(
        problem.errors?.some((error) => error.path === `conditions.${condition}`),
        JSON.stringify(problem.errors),
      );
    }

    before(async () => {
      for (let index = 0; index < 2; index += 1) {
        directories.push(mkdtempSync(path.join(os.tmpdir(), 'comity-evidence-consent-')));
      }
      pair = await startNodePair(target, {
        requesting: ['fr-consent', 'FR'],
        requested: ['de-consent', 'DE'],
        requestingEnvironment: { COMITY_DATA_DIR: directories[0] ?? '' },
        requestedEnvironment: { COMITY_DATA_DIR: directories[1] ?? '' },
      });
      author = await asRole(pair.requesting, 'officer');
      const supervisor = await asRole(pair.requested, 'supervisor');
      custodian = await bearerAs(pair.requested, 'evidence-custodian');
      reviewer = await bearerAs(pair.requested, 'legal-reviewer');
      requestingCustodian = await bearerAs(pair.requesting, 'evidence-custodian');
      requestingOfficer = await bearerAs(pair.requesting, 'officer');
      ({ requestedId, requestingId } = await pair.deliverRequest(
        author,
        supervisor,
        trafficDisclosureDraft('FR', 'DE', 1),
      ));
      // Evidence answers a request in execution: accepted, its execution begun.
      await pair.bringToExecution(requestedId);
      const bytes = randomBytes(4096);
      const created = await call(pair.requestedUrl, {
        method: 'POST',
        path: `/api/v1/requests/${requestedId}/evidence/uploads`,
        headers: {
          ...custodian.headers,
          ...TUS,
          'upload-length': String(bytes.length),
          'upload-metadata': `filename ${Buffer.from('log.txt').toString('base64')}`,
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
      sourceItemId = location.split('/').at(-1) ?? '';
      const made = await pair.requested.app.inject({
        method: 'POST',
        url: `/api/v1/requests/${requestedId}/evidence/packages`,
        headers: custodian.headers,
        payload: {
          itemIds: [sourceItemId],
          conditions: {
            limitedToRequestPurpose: true,
            onwardTransferNeedsConsent: true,
            confidentialUntil: '2099-12-31',
          },
        },
      });
      assert.equal(made.statusCode, 201, made.body);
      packageId = json<{ package: { id: string } }>(made).package.id;
      // The two-person rule: the custodian asks, a supervisor approves, which offers the package.
      const sent = await sendEvidencePackage(pair.requested, requestedId, packageId, custodian);
      assert.equal(sent.statusCode, 200, sent.body);
      await pair.requestedWorker.runOnce();
      assert.deepEqual(await runEvidenceTransferRound(pair.requesting.context), ['verified']);
      const listed = await pair.requesting.app.inject({
        method: 'GET',
        url: `/api/v1/requests/${requestingId}/evidence/packages`,
        headers: requestingCustodian.headers,
      });
      localItemId =
        json<{ packages: { receivedItems: { id: string }[] }[] }>(listed).packages[0]?.receivedItems[0]?.id ??
        '';
      assert.ok(localItemId);
    });

    after(async () => {
      await pair?.close();
      for (const directory of directories) rmSync(directory, { recursive: true, force: true });
    });

    it('blocks every use a condition covers while no consent is recorded, naming the condition and article', async () => {
      assertConsentRequired(await use('onward-transfer', 'ES'), 'onwardTransferNeedsConsent', '36(3)');
      assertConsentRequired(await use('other-case', 'FR-2026-999'), 'limitedToRequestPurpose', '40(19)');
      assertConsentRequired(await use('disclosure', 'the press'), 'confidentialUntil', '36(1)(b)');
      const missingTarget = await use('onward-transfer', null);
      assert.equal(missingTarget.statusCode, 400, missingTarget.body);
      // Without evidence:consent-ask (an officer), the route refuses before anything else.
      assert.equal((await use('onward-transfer', 'ES', requestingOfficer)).statusCode, 403);
      assert.deepEqual(await kindsAt('requesting', localItemId), ['received', 'verified']);
    });

    it('asks through the federation; a granted consent lets that use go ahead, and only that one', async () => {
      const asked = await ask('onward-transfer', 'es');
      assert.equal(asked.status, 'pending');
      assert.deepEqual(asked.use, { kind: 'onward-transfer', target: 'ES' });
      assert.equal((await kindsAt('requesting', localItemId)).at(-1), 'consent-requested');
      // Pending is not granted.
      assertConsentRequired(await use('onward-transfer', 'ES'), 'onwardTransferNeedsConsent', '36(3)');

      await pair.requestingWorker.runOnce();
      const incoming = (await consentsAt('requested')).find((consent) => consent.id === asked.id);
      assert.equal(incoming?.direction, 'incoming');
      assert.equal(incoming?.status, 'pending');
      await runEvidenceTransferRound(pair.requested.context);
      assert.equal((await kindsAt('requested', sourceItemId)).at(-1), 'consent-requested');

      // A custodian there cannot answer; the legal reviewer can, once.
      const byCustodian = await pair.requested.app.inject({
        method: 'POST',
        url: `/api/v1/requests/${requestedId}/evidence/consents/${asked.id}/answer`,
        headers: custodian.headers,
        payload: { decision: 'granted', reasons: 'ok' },
      });
      assert.equal(byCustodian.statusCode, 403);
      const granted = await answer(asked.id, {
        decision: 'granted',
        conditions: 'Only to the Spanish prosecutor in charge.',
        reasons: 'Same offence, joint interest.',
      });
      assert.equal(granted.statusCode, 200, granted.body);
      assert.equal(json<{ consent: Consent }>(granted).consent.status, 'granted');
      assert.equal(
        (await answer(asked.id, { decision: 'refused', reasons: 'changed my mind' })).statusCode,
        409,
      );
      assert.equal((await kindsAt('requested', sourceItemId)).at(-1), 'consent-answered');

      await pair.requestedWorker.runOnce();
      const [answered] = (await consentsAt('requesting')).filter((consent) => consent.id === asked.id);
      assert.equal(answered?.status, 'granted');
      assert.equal(answered?.answerConditions, 'Only to the Spanish prosecutor in charge.');
      await runEvidenceTransferRound(pair.requesting.context);
      assert.equal((await kindsAt('requesting', localItemId)).at(-1), 'consent-answered');

      const allowed = await use('onward-transfer', 'ES');
      assert.equal(allowed.statusCode, 201, allowed.body);
      assert.equal(json<{ use: { consentId: string | null } }>(allowed).use.consentId, asked.id);
      assert.equal((await kindsAt('requesting', localItemId)).at(-1), 'used');
      // Consent to Spain is not consent to Italy.
      assertConsentRequired(await use('onward-transfer', 'IT'), 'onwardTransferNeedsConsent', '36(3)');
    });

    it('leaves the use blocked when the consent is refused', async () => {
      const asked = await ask('other-case', 'FR-2026-999');
      await pair.requestingWorker.runOnce();
      const refused = await answer(asked.id, {
        decision: 'refused',
        reasons: 'Another proceeding is not covered.',
      });
      assert.equal(refused.statusCode, 200, refused.body);
      await pair.requestedWorker.runOnce();
      const [answered] = (await consentsAt('requesting')).filter((consent) => consent.id === asked.id);
      assert.equal(answered?.status, 'refused');
      assert.equal(answered?.answerReasons, 'Another proceeding is not covered.');
      assertConsentRequired(await use('other-case', 'FR-2026-999'), 'limitedToRequestPurpose', '40(19)');
    });

    it('discloses exculpatory evidence without consent once a notice of the case names its package (Art. 40(19))', async () => {
      const exculpatory = (kind: string, useTarget: string) =>
        pair.requesting.app.inject({
          method: 'POST',
          url: `/api/v1/requests/${requestingId}/evidence/uses`,
          headers: requestingCustodian.headers,
          payload: { packageId, use: { kind, target: useTarget }, exculpatory: true },
        });
      const before = await kindsAt('requesting', localItemId);
      const withoutNotice = await exculpatory('disclosure', 'the defence of M. K.');
      assert.equal(withoutNotice.statusCode, 409, withoutNotice.body);
      assert.match(json<Problem>(withoutNotice).detail, /notify-exculpatory-disclosure/);
      // Another case is not the proceedings of the request: it still needs consent.
      const otherCase = await exculpatory('other-case', 'FR-2026-999');
      assert.equal(otherCase.statusCode, 400, otherCase.body);
      assert.deepEqual(await kindsAt('requesting', localItemId), before);

      const today = pair.clock.now().toISOString().slice(0, 10);
      const tomorrow = new Date(pair.clock.now().getTime() + 86_400_000).toISOString().slice(0, 10);
      const step = (side: 'requesting' | 'requested', name: string, payload: object) =>
        (side === 'requesting' ? pair.requesting : pair.requested).app.inject({
          method: 'POST',
          url: `/api/v1/requests/${side === 'requesting' ? requestingId : requestedId}/transitions`,
          headers: (side === 'requesting' ? author : reviewer).headers,
          payload: { name, payload },
        });
      const disclosure = 'The connection log shows another account in use: it goes to the defence.';
      // A notice names only packages received for this request.
      const unknown = await step('requesting', 'notify-exculpatory-disclosure', {
        timing: 'prior',
        disclosure,
        date: tomorrow,
        packageIds: [packageId, '0b6b7f6c-3f43-4a5e-9d43-2b1f0f6f4a10'],
      });
      assert.equal(unknown.statusCode, 400, unknown.body);
      assert.deepEqual(
        (json<Problem>(unknown).errors ?? []).map((error) => error.pointer),
        ['/payload/packageIds/1'],
      );
      const notified = await step('requesting', 'notify-exculpatory-disclosure', {
        timing: 'prior',
        disclosure,
        date: tomorrow,
        packageIds: [packageId.toUpperCase()],
      });
      assert.equal(notified.statusCode, 200, notified.body);
      // Announced for tomorrow: the other State has the notice before the disclosure is recorded.
      const tooSoon = await exculpatory('disclosure', 'the defence of M. K.');
      assert.equal(tooSoon.statusCode, 409, tooSoon.body);
      assert.match(json<Problem>(tooSoon).detail, new RegExp(`announced the disclosure for ${tomorrow}`));

      // The executing State asks to be consulted: the disclosure announced waits for the consultation.
      await pair.requestingWorker.runOnce();
      const asked = await step('requested', 'request-consultation', {
        notice: 0,
        reasons: 'A protected witness is named.',
      });
      assert.equal(asked.statusCode, 200, asked.body);
      await pair.requestedWorker.runOnce();
      // The prosecutor's desk says the consultation is to be held.
      const consultationToHold = async () => {
        const desk = await pair.requesting.app.inject({
          method: 'GET',
          url: '/api/v1/desk',
          headers: author.headers,
        });
        assert.equal(desk.statusCode, 200, desk.body);
        const items = json<{ items: { requestId: string; consultationToHold: boolean }[] }>(desk).items;
        return items.find((item) => item.requestId === requestingId)?.consultationToHold;
      };
      assert.equal(await consultationToHold(), true);
      const beforeConsulting = await exculpatory('disclosure', 'the defence of M. K.');
      assert.equal(beforeConsulting.statusCode, 409, beforeConsulting.body);
      assert.match(json<Problem>(beforeConsulting).detail, /record-consultation/);
      // A second notice naming the package does not set the consultation asked for aside.
      const second = await step('requesting', 'notify-exculpatory-disclosure', {
        timing: 'after',
        disclosure,
        date: today,
        priorNoticeImpossible: 'The court ordered it read at the hearing, without adjournment.',
        packageIds: [packageId],
      });
      assert.equal(second.statusCode, 200, second.body);
      const stillWaiting = await exculpatory('disclosure', 'the defence of M. K.');
      assert.equal(stillWaiting.statusCode, 409, stillWaiting.body);
      assert.match(json<Problem>(stillWaiting).detail, /record-consultation/);

      const held = await step('requesting', 'record-consultation', {
        notice: 0,
        heldOn: today,
        outcome: 'The witness name is redacted.',
      });
      assert.equal(held.statusCode, 200, held.body);
      assert.equal(await consultationToHold(), false);
      const disclosed = await exculpatory('disclosure', 'the defence of M. K.');
      assert.equal(disclosed.statusCode, 201, disclosed.body);
      const recorded = json<{
        use: { consentId: string | null; exculpatoryNotice: { timing: string } | null };
      }>(disclosed).use;
      assert.equal(recorded.consentId, null);
      // The latest notice naming the package: the one given after the hearing.
      assert.equal(recorded.exculpatoryNotice?.timing, 'after');
      assert.equal((await kindsAt('requesting', localItemId)).at(-1), 'used');
      // Not marked exculpatory, the same disclosure is still held by the confidentiality date.
      assertConsentRequired(await use('disclosure', 'the press'), 'confidentialUntil', '36(1)(b)');

      // The executing State's node holds the notice on the case.
      await pair.requestingWorker.runOnce();
      const view = await pair.requested.app.inject({
        method: 'GET',
        url: `/api/v1/requests/${requestedId}/history`,
        headers: reviewer.headers,
      });
      const notices = json<{ case: { exculpatoryNotices: { packageIds: string[] }[] } }>(view).case
        .exculpatoryNotices;
      // Package ids are kept in lower case, however they were written.
      assert.deepEqual(
        notices.map((notice) => notice.packageIds),
        [[packageId.toLowerCase()], [packageId.toLowerCase()]],
      );
    });
  });
}
