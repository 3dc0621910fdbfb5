/**
 * The alert delivery worker: sends the copies of alerts that leave the node (an e-mail over SMTP,
 * a signed webhook call), records each outcome, and retries with exponential back-off while the
 * mail server or the receiver is down. A delivery that has failed COMITY_ALERT_MAX_ATTEMPTS times,
 * or for longer than COMITY_ALERT_MAX_AGE_HOURS, is marked failed: it stays listed for an
 * administrator (GET /api/v1/alert-deliveries), who can retry it. Nothing is dropped.
 *
 * Webhook calls follow the Standard Webhooks specification: headers webhook-id (the delivery's id,
 * the same on every retry, so a receiver can drop duplicates), webhook-timestamp (seconds) and
 * webhook-signature (`v1,<base64 HMAC-SHA256 of id.timestamp.body>` with the endpoint's secret).
 *
 * One worker per node process; several processes on one PostgreSQL share the queue (claims use
 * FOR UPDATE SKIP LOCKED and a lease). The clock is the context's, so tests drive the back-off
 * by advancing it and calling `runOnce`.
 */
import type { Transporter } from 'nodemailer';
import { Webhook } from 'standardwebhooks';
import type { AppContext } from '../app-context.ts';
import { type AlertFacts, alertEmail, alertWebhookPayload } from '../core/alerts/alert-message.ts';
import { AppError } from '../core/errors.ts';
import { UUID_PATTERN } from '../core/ids.ts';
import { nextRetryDelay, type RetryPolicy } from '../federation/delivery/retry-policy.ts';
import {
  ALERT_DELIVERY_STATUSES,
  type AlertChannel,
  type AlertDeliveryStatus,
  type AlertDeliveryView,
  claimDueAlertDeliveries,
  type DueAlertDelivery,
  findNextAlertDeliveryDue,
  listAlertDeliveries,
  recordAlertAttemptFailed,
  recordAlertDelivered,
  requeueAlertDelivery,
} from '../storage/alert-deliveries.repository.ts';

/** Back-off of alert deliveries: 30 s, doubling, at most 30 minutes apart (full jitter). */
export const ALERT_RETRY_POLICY: RetryPolicy = Object.freeze({
  baseMs: 30_000,
  factor: 2,
  capMs: 30 * 60_000,
  giveUpAfterMs: Number.POSITIVE_INFINITY,
});

/** Deliveries claimed per round. */
const CLAIM_SIZE = 16;

export type AlertDeliveryReport = { delivered: number; retrying: number; failed: number };

export type AlertDeliveryWorker = Readonly<{
  /** Sends everything due now, round after round until nothing due is left (tests and tools). */
  runOnce: () => Promise<AlertDeliveryReport>;
  /** Look at the queue now. */
  wake: () => void;
  /** Stops the loop and waits for the round in flight. */
  stop: () => Promise<void>;
}>;

export type AlertDeliveryWorkerOptions = Readonly<{
  /** Randomness of the retry jitter, in [0, 1); default Math.random. */
  random?: () => number;
  retryPolicy?: RetryPolicy;
}>;

/** A failure that sending again cannot mend (the target is gone): the delivery fails at once. */
class TargetGone extends Error {}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return 'no answer before the alert delivery timeout';
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

function factsOf(context: AppContext, delivery: DueAlertDelivery): AlertFacts {
  return {
    alertId: delivery.alert.id,
    kind: delivery.alert.kind,
    raisedAt: delivery.alert.raisedAt,
    requestId: delivery.alert.requestId,
    requestType: delivery.request?.type ?? null,
    reference: delivery.request?.reference ?? null,
    details: delivery.alert.details,
    publicUrl: context.config.http.publicUrl,
  };
}

/** Creates a worker without starting its loop (tests drive it with `runOnce`). */
export function createAlertDeliveryWorker(
  context: AppContext,
  options: AlertDeliveryWorkerOptions = {},
): AlertDeliveryWorker & { start: () => void } {
  const settings = context.config.alerts;
  const random = options.random ?? Math.random;
  const policy: RetryPolicy = {
    ...(options.retryPolicy ?? ALERT_RETRY_POLICY),
    giveUpAfterMs: settings.maxAgeMs,
  };
  // nodemailer loads with the first e-mail, not at start (an idle node does not hold it).
  let mailer: Promise<Transporter> | undefined;
  const mailerFor = (smtpUrl: string): Promise<Transporter> => {
    mailer ??= import('nodemailer').then(({ default: nodemailer }) =>
      nodemailer.createTransport({
        url: smtpUrl,
        connectionTimeout: settings.timeoutMs,
        greetingTimeout: settings.timeoutMs,
        socketTimeout: settings.timeoutMs,
      }),
    );
    return mailer;
  };

  async function sendEmail(delivery: DueAlertDelivery): Promise<void> {
    if (!settings.smtpUrl) throw new TargetGone('the node has no mail server (COMITY_SMTP_URL)');
    if (!delivery.email) throw new TargetGone('the user has no e-mail address any more, or is disabled');
    const message = alertEmail(factsOf(context, delivery));
    await (await mailerFor(settings.smtpUrl)).sendMail({
      from: settings.fromAddress,
      to: delivery.email,
      subject: message.subject,
      text: message.text,
      headers: { 'Auto-Submitted': 'auto-generated' },
    });
  }

  async function sendWebhook(delivery: DueAlertDelivery): Promise<void> {
    if (!delivery.webhook) throw new TargetGone('the webhook endpoint was removed');
    const body = JSON.stringify(alertWebhookPayload(factsOf(context, delivery)));
    const timestamp = context.now();
    const response = await fetch(delivery.webhook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': delivery.id,
        'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
        'webhook-signature': new Webhook(delivery.webhook.secret).sign(delivery.id, timestamp, body),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
    await response.body?.cancel();
    if (response.status < 200 || response.status > 299) {
      throw new Error(`the receiver answered HTTP ${response.status}`);
    }
  }

  async function attempt(delivery: DueAlertDelivery): Promise<keyof AlertDeliveryReport> {
    try {
      await (delivery.channel === 'email' ? sendEmail(delivery) : sendWebhook(delivery));
    } catch (error) {
      const now = context.now();
      const attempts = delivery.attempts + 1;
      const delay =
        attempts >= settings.maxAttempts || error instanceof TargetGone
          ? null
          : nextRetryDelay(
              {
                attempt: attempts,
                elapsedMs: now.getTime() - delivery.firstAttemptAt.getTime(),
                random: random(),
              },
              policy,
            );
      const next = delay === null ? null : new Date(now.getTime() + delay);
      await recordAlertAttemptFailed(context.db, delivery.id, now, describeError(error), next);
      return next ? 'retrying' : 'failed';
    }
    await recordAlertDelivered(context.db, delivery.id, context.now());
    return 'delivered';
  }

  async function runOnce(): Promise<AlertDeliveryReport> {
    const report: AlertDeliveryReport = { delivered: 0, retrying: 0, failed: 0 };
    for (;;) {
      const now = context.now();
      // The lease outlasts the attempts of one round (each bounded by the timeout).
      const due = await claimDueAlertDeliveries(context.db, now, CLAIM_SIZE, 3 * settings.timeoutMs + 60_000);
      if (due.length === 0) return report;
      const outcomes = await Promise.all(due.map(attempt));
      for (const outcome of outcomes) report[outcome] += 1;
      // A retry is never due in the same round (its delay starts at `now`); stop when only retries remain.
      if (outcomes.every((outcome) => outcome !== 'delivered')) return report;
    }
  }

  let isStopped = false;
  let waiter: (() => void) | undefined;
  let loop: Promise<void> | undefined;
  let unsubscribe: (() => void) | undefined;

  function wake(): void {
    const resolve = waiter;
    waiter = undefined;
    resolve?.();
  }

  async function runLoop(): Promise<void> {
    while (!isStopped) {
      let pauseMs = context.config.federation.deliveryPollMs;
      try {
        await runOnce();
        const next = await findNextAlertDeliveryDue(context.db);
        if (next) pauseMs = Math.max(0, Math.min(pauseMs, next.getTime() - context.now().getTime()));
      } catch {
        // The database is unreachable or a row is odd: look again after the pause.
      }
      if (isStopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pauseMs);
        waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  return {
    runOnce,
    wake,
    start: () => {
      if (loop) return;
      unsubscribe = context.live.subscribe((update) => {
        // An alert with no e-mail or webhook copy has nothing for this worker.
        if (update.kind === 'alert-raised' && (update.queuedDeliveries ?? 1) > 0) wake();
      });
      loop = runLoop();
    },
    stop: async () => {
      isStopped = true;
      unsubscribe?.();
      wake();
      await loop;
      (await mailer)?.close();
    },
  };
}

/** Starts the alert delivery worker of this process; `stop()` at shut-down. */
export function startAlertDeliveryWorker(context: AppContext): AlertDeliveryWorker {
  const worker = createAlertDeliveryWorker(context);
  worker.start();
  return worker;
}

export type AlertDeliveryItem = Readonly<{
  id: string;
  alertId: string;
  alertKind: string;
  requestId: string | null;
  raisedAt: string;
  channel: AlertChannel;
  target: string | null;
  status: AlertDeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastError: string | null;
  deliveredAt: string | null;
}>;

function toItem(view: AlertDeliveryView): AlertDeliveryItem {
  return {
    ...view,
    raisedAt: view.raisedAt.toISOString(),
    nextAttemptAt: view.nextAttemptAt?.toISOString() ?? null,
    lastAttemptAt: view.lastAttemptAt?.toISOString() ?? null,
    deliveredAt: view.deliveredAt?.toISOString() ?? null,
  };
}

/** Alert deliveries with the given statuses (default: failed and pending), oldest alert first. */
export async function listAlertDeliveryItems(
  context: AppContext,
  statuses: readonly AlertDeliveryStatus[] = ['failed', 'pending'],
  limit = 500,
): Promise<AlertDeliveryItem[]> {
  return (await listAlertDeliveries(context.db, statuses, limit)).map(toItem);
}

/** Puts a failed (or pending) delivery back in the queue, due now; not-found otherwise. */
export async function retryAlertDelivery(context: AppContext, id: string): Promise<void> {
  if (!UUID_PATTERN.test(id) || !(await requeueAlertDelivery(context.db, id, context.now()))) {
    throw new AppError('not-found', 'no failed or pending alert delivery with this id');
  }
}

export { ALERT_DELIVERY_STATUSES };
