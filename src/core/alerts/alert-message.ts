/**
 * What an alert says when it leaves the node (e-mail, webhook): what happened, the request's
 * reference and type, the deadline, and a link to the request's page. Never the case's content:
 * e-mail is not a secure channel, and a webhook receiver fetches the rest through the API.
 * Pure: the caller gives the node's public URL and the facts.
 */

export type AlertFacts = Readonly<{
  alertId: string;
  kind: string;
  raisedAt: Date;
  requestId: string | null;
  /** The request's type id (e.g. preservation), null without a request. */
  requestType: string | null;
  /** The request's case reference, null when it has none. */
  reference: string | null;
  /** The alert's details as raised; only the deadline's name and due time are read from them. */
  details: Readonly<Record<string, unknown>>;
  /** The node's public URL, for the link. */
  publicUrl: string;
}>;

const KIND_SENTENCES: Readonly<Record<string, string>> = {
  'request-arrived': 'A request has arrived from another State.',
  'case-event-received': 'The other State has acted on a case.',
  'deadline-at-risk': 'A deadline is close and the step is not done yet.',
  'deadline-missed': 'A deadline has passed and the step is not done.',
  escalation: 'Nobody acted in time: this case has been escalated to you.',
  'preservation-reminder': 'A preservation of data ends soon.',
};

/** What a step received did where it crossed one of this node's (alert-timers: `crossing`). */
const CROSSING_SENTENCES: Readonly<Record<string, string>> = {
  'not-applied':
    "The other State's step on a case crossed one of yours: it was not applied, and the case stands as your step left it.",
  'own-step-not-applied':
    'The other State has acted on a case at the same moment as you: your step comes after theirs and was not applied.',
};

/** The `crossing` of a received step's alert, when it is one this module knows. */
function crossingOf(facts: AlertFacts): string | null {
  const { crossing } = facts.details;
  return facts.kind === 'case-event-received' &&
    typeof crossing === 'string' &&
    Object.hasOwn(CROSSING_SENTENCES, crossing)
    ? crossing
    : null;
}

function textOf(details: AlertFacts['details'], name: string): string | undefined {
  const value = details[name];
  return typeof value === 'string' && value.length > 0 && value.length <= 100 ? value : undefined;
}

/** The deadline named in the details (its name and due time), when there is one. */
export function deadlineOf(
  details: AlertFacts['details'],
): { name: string | null; dueAt: string } | undefined {
  const dueAt = textOf(details, 'dueAt');
  if (!dueAt || Number.isNaN(Date.parse(dueAt))) return undefined;
  return { name: textOf(details, 'deadline') ?? null, dueAt: new Date(dueAt).toISOString() };
}

/** The link to the request's page (or to the list of requests without one). */
export function alertLink(facts: AlertFacts): string {
  const base = facts.publicUrl.replace(/\/+$/, '');
  return facts.requestId ? `${base}/requests/${encodeURIComponent(facts.requestId)}` : `${base}/requests`;
}

function referenceOf(facts: AlertFacts): string {
  return facts.reference ?? (facts.requestId ? `request ${facts.requestId}` : 'no request');
}

/** The subject and plain text of an alert's e-mail, in English. */
export function alertEmail(facts: AlertFacts): { subject: string; text: string } {
  const sentence = KIND_SENTENCES[facts.kind] ?? `Alert: ${facts.kind}.`;
  const deadline = deadlineOf(facts.details);
  const crossing = crossingOf(facts);
  const lines = [
    sentence,
    ...(crossing ? [CROSSING_SENTENCES[crossing] as string] : []),
    '',
    `Request: ${referenceOf(facts)}`,
    ...(facts.requestType ? [`Type: ${facts.requestType}`] : []),
    ...(deadline
      ? [`Deadline: ${deadline.name ? `${deadline.name}, ` : ''}due ${deadline.dueAt} (UTC)`]
      : []),
    `Raised: ${facts.raisedAt.toISOString()} (UTC)`,
    '',
    `Open the request in Comity: ${alertLink(facts)}`,
    '',
    'This message carries no case content: e-mail is not a secure channel. Sign in to Comity to read the request.',
  ];
  return {
    subject: `[Comity] ${sentence.replace(/\.$/, '')}: ${referenceOf(facts)}`,
    text: `${lines.join('\n')}\n`,
  };
}

/** The JSON body of an alert's webhook call (Standard Webhooks payload: type, timestamp, data). */
export function alertWebhookPayload(facts: AlertFacts): {
  type: 'alert.raised';
  timestamp: string;
  data: Record<string, unknown>;
} {
  return {
    type: 'alert.raised',
    timestamp: facts.raisedAt.toISOString(),
    data: {
      alertId: facts.alertId,
      kind: facts.kind,
      requestId: facts.requestId,
      reference: facts.reference,
      requestType: facts.requestType,
      deadline: deadlineOf(facts.details) ?? null,
      crossing: crossingOf(facts),
      link: alertLink(facts),
    },
  };
}
