/**
 * Raising an alert: the people to tell and what to tell them are decided by the caller (arrival
 * of an urgent request, a deadline at risk or missed, an escalation); this stores the alert once
 * per dedup key and tells the open screens (live update `alert-raised`). How the alert travels
 * further (e-mail, webhooks) is read from the stored alerts, so nothing raised is lost when a
 * channel is down.
 */
import type { AppContext } from '../app-context.ts';
import { insertAlerts, type StoredAlert } from '../storage/alerts.repository.ts';
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

/**
 * The users among `alerts`' recipients who get an e-mail copy (an enabled account with an
 * address), read once for all of them; none when the node has no mail server (COMITY_SMTP_URL).
 */
async function emailRecipientsOf(context: AppContext, alerts: readonly AlertToRaise[]): Promise<Set<string>> {
  if (!context.config.alerts.smtpUrl) return new Set();
  const everyone = new Set(alerts.flatMap((alert) => alert.recipientUserIds));
  return new Set((await listEmailRecipients(context.db, [...everyone])).map((user) => user.id));
}

/**
 * Stores the alerts (each once per dedup key), each with one pending delivery per e-mail and
 * webhook target, all in one statement, and tells open screens; the alerts stored, in order (those
 * raised before are left out). The alert delivery worker (alert-delivery.service.ts) sends the
 * copies and retries them.
 */
export async function raiseAlerts(
  context: AppContext,
  alerts: readonly AlertToRaise[],
): Promise<StoredAlert[]> {
  if (alerts.length === 0) return [];
  const raisedAt = context.now();
  const withEmail = await emailRecipientsOf(context, alerts);
  const stored = await insertAlerts(
    context.db,
    alerts.map((alert) => ({
      ...alert,
      raisedAt,
      emailRecipients: alert.recipientUserIds.filter((id) => withEmail.has(id)),
    })),
  );
  for (const alert of stored) {
    if (!alert.requestId) continue;
    context.live.publish({
      kind: 'alert-raised',
      requestId: alert.requestId,
      at: raisedAt.toISOString(),
      queuedDeliveries: alert.queuedDeliveries,
    });
  }
  return stored;
}
