import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { json, startTestApp, type TestApp } from '../helpers/app.ts';
import { asRole } from '../helpers/auth.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';

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
