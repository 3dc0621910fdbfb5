/**
 * What an alert says when it leaves the node: the e-mail's sentences and the webhook's data, for a
 * step of the other State that crossed one of this node's (src/core/alerts/alert-message.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AlertFacts, alertEmail, alertWebhookPayload } from '../../src/core/alerts/alert-message.ts';

const facts = (details: AlertFacts['details']): AlertFacts => ({
  alertId: 'a1',
  kind: 'case-event-received',
  raisedAt: new Date('2026-12-07T10:00:00Z'),
  requestId: '00000000-0000-4000-8000-000000000001',
  requestType: 'preservation',
  reference: 'FR-2026-0042',
  details,
  publicUrl: 'https://comity.example/',
});

describe('the alert of a step received from the other State', () => {
  it('says only that the other State acted when the step crossed nothing', () => {
    const email = alertEmail(facts({ transition: 'acknowledge' }));
    assert.equal(email.subject, '[Comity] The other State has acted on a case: FR-2026-0042');
    assert.match(email.text, /^The other State has acted on a case\.\n\nRequest: FR-2026-0042\n/);
    assert.equal(alertWebhookPayload(facts({ transition: 'acknowledge' })).data.crossing, null);
  });

  it("says when the step was not applied, and when it left this node's own step not applied", () => {
    const theirs = alertEmail(facts({ transition: 'request-extension', crossing: 'not-applied' }));
    assert.match(
      theirs.text,
      /^The other State has acted on a case\.\nThe other State's step .* was not applied/,
    );
    const ours = alertEmail(facts({ transition: 'convert', crossing: 'own-step-not-applied' }));
    assert.match(ours.text, /your step comes after theirs and was not applied\./);
    assert.equal(
      alertWebhookPayload(facts({ crossing: 'own-step-not-applied' })).data.crossing,
      'own-step-not-applied',
    );
  });

  it('ignores a crossing it does not know, and a crossing on an alert of another kind', () => {
    for (const crossing of ['toString', 'sideways', 42]) {
      assert.equal(alertWebhookPayload(facts({ crossing })).data.crossing, null);
      assert.doesNotMatch(alertEmail(facts({ crossing })).text, /not applied/);
    }
    const deadline = { ...facts({ crossing: 'not-applied' }), kind: 'deadline-missed' };
    assert.equal(alertWebhookPayload(deadline).data.crossing, null);
  });
});
