/**
 * Raising an alert: the people to tell and what to tell them are decided by the caller (arrival
 * of an urgent request, a deadline at risk or missed, an escalation); this stores the alert once
 * per dedup key and tells the open screens (live update `alert-raised`). How the alert travels
 * further (e-mail, webhooks) is read from the stored alerts, so nothing raised is lost when a
 * channel is down.
 */
import type { AppContext } from '../app-context.ts';
import { insertAlert, type StoredAlert } from '../storage/alerts.repository.ts';
import { listEmailRecipients } from '../storage/users.repository.ts';

export const ALERT_KINDS = [
  /** An incoming request arrived (urgent ones first on the duty desk). */
  'request-arrived',
  /** The other node made a transition on a case of this node. */
  'case-event-received',
  'deadline-at-risk',
  'deadline-missed',
  /** Nobody acted in time: the next person on the roster is told. */
  'escalation',
  /** A preservation ends soon (the requesting side may ask for an extension). */
  'preservation-reminder',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export type AlertToRaise = Readonly<{
  /** Raising twice with one key raises once: e.g. `deadline:<request id>:acknowledge:missed`. */
  dedupKey: string;
  kind: AlertKind;
  requestId: string | null;
  recipientUserIds: readonly string[];
  details: Readonly<Record<string, unknown>>;
}>;

/** The recipients who get an e-mail copy: those with an address, when the node has a mail server (COMITY_SMTP_URL). */
async function emailRecipientsOf(context: AppContext, alert: AlertToRaise): Promise<string[]> {
  if (!context.config.alerts.smtpUrl) return [];
  return (await listEmailRecipients(context.db, alert.recipientUserIds)).map((user) => user.id);
}

/**
 * Stores the alert (once per dedup key) with one pending delivery per e-mail and webhook target
 * in the same statement, and tells open screens; the alert, or undefined if raised before. The
 * alert delivery worker (alert-delivery.service.ts) sends the copies and retries them.
 */
export async function raiseAlert(context: AppContext, alert: AlertToRaise): Promise<StoredAlert | undefined> {
  const raisedAt = context.now();
  const stored = await insertAlert(
    context.db,
    { ...alert, raisedAt },
    await emailRecipientsOf(context, alert),
  );
  if (stored?.requestId) {
    context.live.publish({
      kind: 'alert-raised',
      requestId: stored.requestId,
      at: raisedAt.toISOString(),
      queuedDeliveries: stored.queuedDeliveries,
    });
  }
  return stored;
}
