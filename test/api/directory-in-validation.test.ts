import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { json, startTestApp, type TestApp } from '../helpers/app.ts';
import { asRole } from '../helpers/auth.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';
import { type NodePair, startNodePair } from './delivery-fixture.ts';

type Findings = { findings: { rule: string; severity: string }[] };

for (const target of DATABASE_TARGETS) {
  describe(`validation sees directory changes at once [${target.name}]`, { skip: target.skip }, () => {
    let subject: TestApp;
    before(async () => {
      subject = await startTestApp(target);
    });
    after(async () => subject?.close());

    it('turns an unknown language acceptance into a blocking finding once the State notifies its languages', async () => {
      const officer = await asRole(subject, 'officer');
      const administrator = await asRole(subject, 'administrator');
      const draft = { type: 'preservation', requestedAuthority: { state: 'FR' }, language: 'en' };
      const validate = async () =>
        json<Findings>(
          await subject.app.inject({
            method: 'POST',
            url: '/api/v1/validate',
            headers: officer.headers,
            payload: draft,
          }),
        ).findings.map((finding) => finding.rule);

      assert.ok((await validate()).includes('language-acceptance-unknown'));

      const updated = await subject.app.inject({
        method: 'PUT',
        url: '/api/v1/states/FR/profile',
        headers: administrator.headers,
        payload: {
          acceptedLanguages: ['fr'],
          acceptedLanguagesSource: 'test notification',
          declarations: [],
        },
      });
      assert.equal(updated.statusCode, 200, updated.body);

      const rules = await validate();
      assert.ok(rules.includes('language-not-accepted'));
      assert.ok(!rules.includes('language-acceptance-unknown'));
    });
  });
}

for (const target of DATABASE_TARGETS) {
  describe(`validation reads the languages the requested State's nodes declare [${target.name}]`, {
    skip: target.skip,
  }, () => {
    let pair: NodePair;
    before(async () => {
      // DE has notified no languages (src/data/states); its 24/7 node declares English in the directory.
      pair = await startNodePair(target, { requesting: ['fr-poc', 'FR'], requested: ['de-poc', 'DE'] });
    });
    after(async () => pair?.close());

    const languageRules = async (payload: Record<string, unknown>) => {
      const officer = await asRole(pair.requesting, 'officer');
      const response = await pair.requesting.app.inject({
        method: 'POST',
        url: '/api/v1/validate',
        headers: officer.headers,
        payload,
      });
      assert.equal(response.statusCode, 200, response.body);
      return json<Findings>(response)
        .findings.map((finding) => finding.rule)
        .filter((rule) => rule.startsWith('language-'));
    };

    it('needs no advice for a preservation in the language the 24/7 node reads, and warns of another', async () => {
      const preservation = { type: 'preservation', requestedAuthority: { state: 'DE' } };
      assert.deepEqual(await languageRules({ ...preservation, language: 'en' }), []);
      assert.deepEqual(await languageRules({ ...preservation, language: 'fr' }), [
        'language-not-read-by-node',
      ]);
    });

    it("lists the State's nodes with the languages each declares, beside what the State notified", async () => {
      const officer = await asRole(pair.requesting, 'officer');
      const response = await pair.requesting.app.inject({
        method: 'GET',
        url: '/api/v1/states/DE',
        headers: officer.headers,
      });
      assert.equal(response.statusCode, 200, response.body);
      const state = json<{ acceptedLanguages?: string[]; nodes: unknown[] }>(response);
      assert.equal(state.acceptedLanguages, undefined);
      assert.deepEqual(state.nodes, [
        { nodeId: 'de-poc', authority: 'point-of-contact', acceptedLanguages: ['en'] },
      ]);
    });

    it('still says the languages are not recorded for a request to an authority with no node', async () => {
      assert.deepEqual(
        await languageRules({ type: 'mla', requestedAuthority: { state: 'DE' }, language: 'en' }),
        ['language-acceptance-unknown'],
      );
    });
  });
}
