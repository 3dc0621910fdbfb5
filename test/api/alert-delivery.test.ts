/**
 * Alerts that are not lost: a raised alert leaves the node as an e-mail (to a real SMTP server on
 * loopback) and as a signed webhook call (to a real HTTP receiver that checks the Standard
 * Webhooks signature itself); while the server or the receiver is down the deliveries wait and
 * are retried with back-off (an injected clock, no sleeping), and arrive once it is back; after
 * too many failures they are listed as failed, and an administrator's retry delivers them. Bad
 * input (a webhook URL that is not http(s), a malformed e-mail address) is refused and changes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AppContext } from '../../src/app-context.ts';
import type { LiveUpdate } from '../../src/core/live-updates.ts';
import { preservationDraft } from '../../src/demo/demo-drafts.ts';
import { createAlertDeliveryWorker } from '../../src/services/alert-delivery.service.ts';
import { raiseAlerts } from '../../src/services/alerts.service.ts';
import { startMailServer, startWebhookReceiver } from '../helpers/alert-receivers.ts';
import { json, startTestApp, type TestApp } from '../helpers/app.ts';
import { type ActingAs, asRole } from '../helpers/auth.ts';
import { closedPort } from '../helpers/closed-port.ts';
import { DATABASE_TARGETS } from '../helpers/database.ts';

const T0 = Date.parse('2026-12-05T10:00:00.000Z');
const MINUTE = 60_000;
/** More than the longest back-off (30 minutes): after it every waiting delivery is due. */
const PAST_ANY_BACKOFF = 31 * MINUTE;
const MAX_ATTEMPTS = 3;

type Delivery = {
  id: string;
  alertId: string;
  channel: string;
  status: string;
  attempts: number;
  lastError: string | null;
};

for (const target of DATABASE_TARGETS) {
  describe(`alert delivery by e-mail and webhook [${target.name}]`, { skip: target.skip }, () => {
    let subject: TestApp;
    let admin: ActingAs;
    let nowMs = T0;
    let requestId: string;
    let sequence = 0;

    before(async () => {
      subject = await startTestApp(target, { now: () => new Date(nowMs) });
      admin = await asRole(subject, 'administrator');
      const officer = await asRole(subject, 'officer');
      const created = await subject.app.inject({
        method: 'POST',
        url: '/api/v1/requests',
        headers: officer.headers,
        payload: preservationDraft('FR', 'DE', 42),
      });
      assert.equal(created.statusCode, 201, created.body);
      requestId = json<{ request: { id: string } }>(created).request.id;
    });

    after(async () => {
      await subject?.close();
    });

    /** The node with a mail server at the port; the worker that sends (driven by runOnce). */
    function nodeWithMailAt(smtpPort: number): {
      context: AppContext;
      worker: ReturnType<typeof createAlertDeliveryWorker>;
    } {
      const base = subject.context;
      const context: AppContext = {
        ...base,
        config: {
          ...base.config,
          alerts: {
            ...base.config.alerts,
            smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
            maxAttempts: MAX_ATTEMPTS,
          },
        },
      };
      return { context, worker: createAlertDeliveryWorker(context, { random: () => 0.5 }) };
    }

    /** A duty officer with an e-mail address (or none, `hasEmail` false). */
    async function addRecipient(hasEmail = true): Promise<{ id: string; email: string }> {
      sequence += 1;
      const email = hasEmail ? `duty-${sequence}@example.org` : '';
      const response = await subject.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: admin.headers,
        payload: {
          username: `duty-${target.name}-${sequence}`,
          password: 'a long enough password',
          roles: ['duty-officer'],
          ...(hasEmail ? { email } : {}),
        },
      });
      assert.equal(response.statusCode, 201, response.body);
      const user = json<{ id: string; email: string | null }>(response);
      assert.equal(user.email, hasEmail ? email : null);
      return { id: user.id, email };
    }

    async function addWebhook(port: number): Promise<{ id: string; secret: string }> {
      const response = await subject.app.inject({
        method: 'POST',
        url: '/api/v1/webhooks',
        headers: admin.headers,
        payload: { url: `http://127.0.0.1:${port}/comity-alerts`, description: 'national case system' },
      });
      assert.equal(response.statusCode, 201, response.body);
      const body = json<{ endpoint: { id: string }; secret: string }>(response);
      assert.match(body.secret, /^whsec_[A-Za-z0-9+/]+=*$/);
      return { id: body.endpoint.id, secret: body.secret };
    }

    async function removeWebhook(id: string): Promise<void> {
      const response = await subject.app.inject({
        method: 'DELETE',
        url: `/api/v1/webhooks/${id}`,
        headers: admin.headers,
      });
      assert.equal(response.statusCode, 204, response.body);
    }

    async function deliveriesOf(alertId: string, status?: string): Promise<Delivery[]> {
      const response = await subject.app.inject({
        method: 'GET',
        url: `/api/v1/alert-deliveries${status ? `?status=${status}` : ''}`,
        headers: admin.headers,
      });
      assert.equal(response.statusCode, 200, response.body);
      return json<{ items: Delivery[] }>(response).items.filter((item) => item.alertId === alertId);
    }

    async function raise(context: AppContext, recipientId: string): Promise<string> {
      sequence += 1;
      const [alert] = await raiseAlerts(context, [
        {
          dedupKey: `deadline:${requestId}:acknowledge:missed:${sequence}`,
          kind: 'deadline-missed',
          requestId,
          recipientUserIds: [recipientId],
          details: {
            deadline: 'acknowledge',
            dueAt: '2026-12-05T09:00:00.000Z',
            secretNote: 'not for e-mail',
          },
        },
      ]);
      assert.ok(alert);
      return alert.id;
    }

    it('sends a raised alert by e-mail and as a signed webhook call, saying what happened without case content', async () => {
      const [smtpPort, hookPort] = [await closedPort(), await closedPort()];
      const mail = await startMailServer(smtpPort);
      const { context, worker } = nodeWithMailAt(smtpPort);
      const webhook = await addWebhook(hookPort);
      const receiver = await startWebhookReceiver(hookPort, webhook.secret);
      const published: LiveUpdate[] = [];
      const unsubscribe = context.live.subscribe((update) => published.push(update));
      try {
        const recipient = await addRecipient();
        const alertId = await raise(context, recipient.id);
        assert.deepEqual((await deliveriesOf(alertId, 'pending')).map((item) => item.channel).sort(), [
          'email',
          'webhook',
        ]);
        // The worker is told how many copies wait (it wakes only for alerts that queued some).
        assert.deepEqual(
          published.map((update) => [update.kind, update.queuedDeliveries]),
          [['alert-raised', 2]],
        );

        assert.deepEqual(await worker.runOnce(), { delivered: 2, retrying: 0, failed: 0 });

        assert.equal(mail.mails.length, 1);
        const [message] = mail.mails;
        assert.ok(message);
        assert.deepEqual(message.to, [recipient.email]);
        assert.match(message.subject, /deadline has passed.*FR-DEMO-00042/i);
        assert.match(message.text, /Request: FR-DEMO-00042/);
        assert.match(message.text, /Type: preservation/);
        assert.match(message.text, /Deadline: acknowledge, due 2026-12-05T09:00:00\.000Z/);
        assert.ok(
          message.text.includes(`${subject.context.config.http.publicUrl}/requests/${requestId}`),
          message.text,
        );
        assert.doesNotMatch(message.text, /not for e-mail|Public Prosecutor|subscriber/i);

        assert.equal(receiver.calls.length, 1);
        const [call] = receiver.calls;
        assert.ok(call);
        assert.equal(call.isSignatureValid, true);
        assert.equal(call.timestamp, Math.floor(nowMs / 1000));
        assert.equal(call.body.type, 'alert.raised');
        assert.deepEqual(
          { ...call.body.data },
          {
            alertId,
            kind: 'deadline-missed',
            requestId,
            reference: 'FR-DEMO-00042',
            requestType: 'preservation',
            deadline: { name: 'acknowledge', dueAt: '2026-12-05T09:00:00.000Z' },
            crossing: null,
            link: `${subject.context.config.http.publicUrl}/requests/${requestId}`,
          },
        );
        assert.deepEqual(await deliveriesOf(alertId), [], 'nothing failed or waiting');
        assert.deepEqual(await worker.runOnce(), { delivered: 0, retrying: 0, failed: 0 }, 'sent once');
      } finally {
        unsubscribe();
        await removeWebhook(webhook.id);
        await Promise.all([mail.close(), receiver.close()]);
      }
    });

    it('queues no copy of an alert on a node without a mail server or a webhook, and says so to the worker', async () => {
      const published: LiveUpdate[] = [];
      const unsubscribe = subject.context.live.subscribe((update) => published.push(update));
      try {
        const alertId = await raise(subject.context, (await addRecipient()).id);
        assert.deepEqual(await deliveriesOf(alertId), []);
        assert.deepEqual(
          published.map((update) => [update.kind, update.queuedDeliveries]),
          [['alert-raised', 0]],
        );
      } finally {
        unsubscribe();
      }
    });

    it('keeps retrying while the mail server and the receiver are down, and delivers once they are back', async () => {
      const [smtpPort, hookPort] = [await closedPort(), await closedPort()];
      const { context, worker } = nodeWithMailAt(smtpPort);
      const webhook = await addWebhook(hookPort);
      const recipient = await addRecipient();
      const alertId = await raise(context, recipient.id);

      assert.deepEqual(await worker.runOnce(), { delivered: 0, retrying: 2, failed: 0 });
      const waiting = await deliveriesOf(alertId, 'pending');
      assert.deepEqual(waiting.map((item) => [item.channel, item.attempts, item.lastError !== null]).sort(), [
        ['email', 1, true],
        ['webhook', 1, true],
      ]);
      assert.deepEqual(
        await worker.runOnce(),
        { delivered: 0, retrying: 0, failed: 0 },
        'not due before the back-off',
      );

      const mail = await startMailServer(smtpPort);
      const receiver = await startWebhookReceiver(hookPort, webhook.secret);
      try {
        nowMs += PAST_ANY_BACKOFF;
        assert.deepEqual(await worker.runOnce(), { delivered: 2, retrying: 0, failed: 0 });
        assert.deepEqual(
          mail.mails.map((message) => message.to),
          [[recipient.email]],
        );
        assert.equal(receiver.calls.length, 1);
        assert.equal(receiver.calls[0]?.isSignatureValid, true);
        assert.equal(
          receiver.calls[0]?.id,
          waiting.find((item) => item.channel === 'webhook')?.id,
          'webhook-id is the delivery id',
        );
        assert.deepEqual(await deliveriesOf(alertId), []);
      } finally {
        await removeWebhook(webhook.id);
        await Promise.all([mail.close(), receiver.close()]);
      }
    });

    it('lists a delivery that failed too many times, and an administrator retry delivers it', async () => {
      const [smtpPort, hookPort] = [await closedPort(), await closedPort()];
      const { context, worker } = nodeWithMailAt(smtpPort);
      const webhook = await addWebhook(hookPort);
      const recipient = await addRecipient();
      const alertId = await raise(context, recipient.id);

      for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt += 1) {
        assert.deepEqual(await worker.runOnce(), { delivered: 0, retrying: 2, failed: 0 });
        nowMs += PAST_ANY_BACKOFF;
      }
      assert.deepEqual(await worker.runOnce(), { delivered: 0, retrying: 0, failed: 2 });
      const failed = await deliveriesOf(alertId, 'failed');
      assert.deepEqual(failed.map((item) => [item.channel, item.attempts]).sort(), [
        ['email', MAX_ATTEMPTS],
        ['webhook', MAX_ATTEMPTS],
      ]);
      nowMs += PAST_ANY_BACKOFF;
      assert.deepEqual(
        await worker.runOnce(),
        { delivered: 0, retrying: 0, failed: 0 },
        'a failed delivery waits for a person',
      );

      const mail = await startMailServer(smtpPort);
      const receiver = await startWebhookReceiver(hookPort, webhook.secret);
      try {
        for (const item of failed) {
          const retried = await subject.app.inject({
            method: 'POST',
            url: `/api/v1/alert-deliveries/${item.id}/retry`,
            headers: admin.headers,
          });
          assert.equal(retried.statusCode, 200, retried.body);
        }
        assert.deepEqual(await worker.runOnce(), { delivered: 2, retrying: 0, failed: 0 });
        assert.equal(mail.mails.length, 1);
        assert.equal(receiver.calls.length, 1);
        assert.equal(receiver.calls[0]?.isSignatureValid, true);
        assert.deepEqual(await deliveriesOf(alertId), []);
      } finally {
        await removeWebhook(webhook.id);
        await Promise.all([mail.close(), receiver.close()]);
      }
    });

    it('refuses a webhook URL that is not http(s) and a malformed e-mail address, changing nothing', async () => {
      const listWebhooks = async () =>
        json<{ items: unknown[] }>(
          await subject.app.inject({ method: 'GET', url: '/api/v1/webhooks', headers: admin.headers }),
        ).items;
      const before = await listWebhooks();
      for (const url of [
        'ftp://127.0.0.1/x',
        'javascript:alert(1)',
        'not a url',
        'http://user:pw@127.0.0.1/',
      ]) {
        const response = await subject.app.inject({
          method: 'POST',
          url: '/api/v1/webhooks',
          headers: admin.headers,
          payload: { url },
        });
        assert.equal(response.statusCode, 400, `${url}: ${response.body}`);
        assert.match(String(response.headers['content-type']), /application\/problem\+json/);
        assert.equal(json<{ type: string }>(response).type, 'urn:comity:problem:invalid-input');
      }
      assert.deepEqual(await listWebhooks(), before);

      const usersBefore = json<{ items: unknown[] }>(
        await subject.app.inject({ method: 'GET', url: '/api/v1/users', headers: admin.headers }),
      ).items;
      const created = await subject.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: admin.headers,
        payload: {
          username: `bad-mail-${target.name}`,
          password: 'a long enough password',
          roles: ['officer'],
          email: 'not an address',
        },
      });
      assert.equal(created.statusCode, 400, created.body);
      assert.equal(json<{ type: string }>(created).type, 'urn:comity:problem:invalid-input');
      const recipient = await addRecipient();
      const changed = await subject.app.inject({
        method: 'PATCH',
        url: `/api/v1/users/${recipient.id}`,
        headers: admin.headers,
        payload: { email: 'duty@example.org\r\nBcc: all@example.org' },
      });
      assert.equal(changed.statusCode, 400, changed.body);
      const usersAfter = json<{ items: { id: string; email: string | null }[] }>(
        await subject.app.inject({ method: 'GET', url: '/api/v1/users', headers: admin.headers }),
      ).items;
      assert.equal(usersAfter.length, usersBefore.length + 1, 'only the valid user was added');
      assert.equal(usersAfter.find((user) => user.id === recipient.id)?.email, recipient.email);
    });

    // Last: the e-mail copies it queues stay pending (nothing sends them).
    it("raises a round's alerts at once: an e-mail copy to each recipient with an address, one live update per alert stored", async () => {
      const { context } = nodeWithMailAt(await closedPort());
      const [first, second] = [await addRecipient(), await addRecipient()];
      const withoutEmail = (await addRecipient(false)).id;
      const alertTo = (key: string, recipientUserIds: string[]) => ({
        dedupKey: `escalation:${requestId}:${key}:${sequence}`,
        kind: 'escalation' as const,
        requestId,
        recipientUserIds,
        details: {},
      });
      const [raisedBefore] = await raiseAlerts(context, [alertTo('before', [first.id])]);
      assert.ok(raisedBefore);
      const published: LiveUpdate[] = [];
      const unsubscribe = context.live.subscribe((update) => published.push(update));
      try {
        const stored = await raiseAlerts(context, [
          alertTo('one', [first.id, withoutEmail]),
          alertTo('before', [second.id]),
          alertTo('two', [second.id, first.id, second.id]),
        ]);
        assert.deepEqual(
          stored.map((alert) => alert.dedupKey),
          [alertTo('one', []).dedupKey, alertTo('two', []).dedupKey],
        );
        const emailsOf = async (alertId: string) =>
          (await deliveriesOf(alertId)).filter((item) => item.channel === 'email').length;
        assert.deepEqual(
          [await emailsOf(stored[0]!.id), await emailsOf(stored[1]!.id), await emailsOf(raisedBefore.id)],
          [1, 2, 1],
        );
        assert.deepEqual(
          published.map((update) => [update.kind, update.queuedDeliveries]),
          [
            ['alert-raised', 1],
            ['alert-raised', 2],
          ],
        );
      } finally {
        unsubscribe();
      }
    });
  });
}
