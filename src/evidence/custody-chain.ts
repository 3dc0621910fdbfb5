/**
 * The chain of custody of one evidence item: every event (acquired, sealed, downloaded, deleted...)
 * carries the SHA-256 of its canonical JSON together with the previous event's hash, so changing,
 * removing or reordering any stored event breaks the chain from that event on (docs/evidence.md).
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../document/canonical-json.ts';

export const CUSTODY_EVENT_KINDS = [
  'acquired',
  'sealed',
  'sent',
  'received',
  'verified',
  'opened',
  'downloaded',
  'exported',
  'deleted',
  'consent-requested',
  'consent-answered',
  'used',
] as const;
export type CustodyEventKind = (typeof CUSTODY_EVENT_KINDS)[number];

/** What an event says, the part its hash covers besides the previous hash. */
export type CustodyEventContent = Readonly<{
  itemId: string;
  sequence: number;
  kind: string;
  actor: Readonly<{ id: string | null; name: string }>;
  /** ISO 8601, UTC, milliseconds. */
  at: string;
  details: unknown;
}>;

export type CustodyEvent = CustodyEventContent &
  Readonly<{ id: string; previousHash: string | null; hash: string }>;

/** SHA-256 (lower-case hex) over the canonical JSON of the event with the previous event's hash. */
export function custodyEventHash(event: CustodyEventContent, previousHash: string | null): string {
  const { itemId, sequence, kind, actor, at, details } = event;
  const text = canonicalJson({ itemId, sequence, kind, actor, at, details, previousHash });
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The result of checking a chain: intact, or the first event that does not hold and why. */
export type CustodyChainCheck =
  | Readonly<{ isIntact: true; eventCount: number }>
  | Readonly<{
      isIntact: false;
      eventCount: number;
      firstBadEvent: Readonly<{ id: string; sequence: number; reason: string }>;
    }>;

/** Checks the events of one item, oldest first: order, links and each event's own hash. */
export function checkCustodyChain(events: readonly CustodyEvent[]): CustodyChainCheck {
  let previousHash: string | null = null;
  for (const [index, event] of events.entries()) {
    const bad = (reason: string): CustodyChainCheck => ({
      isIntact: false,
      eventCount: events.length,
      firstBadEvent: { id: event.id, sequence: event.sequence, reason },
    });
    if (event.sequence !== index + 1) return bad(`expected event ${index + 1} here, found ${event.sequence}`);
    if (event.previousHash !== previousHash) return bad("it does not name the previous event's hash");
    if (custodyEventHash(event, event.previousHash) !== event.hash) {
      return bad('its content does not match its hash (changed after it was recorded)');
    }
    previousHash = event.hash;
  }
  return { isIntact: true, eventCount: events.length };
}
