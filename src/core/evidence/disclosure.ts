/**
 * Which requests evidence may be sent on. A preservation (Art. 42) asks that data be kept, not
 * sent: the data is disclosed in answer to the request that follows it, the expedited disclosure
 * of preserved traffic data (Art. 43) or a request for the stored data (Art. 44). Comity's
 * reading of Art. 42, documented in docs/evidence.md. Pure: no I/O.
 */

/** The request types that send no evidence: the measure keeps the data where it is. */
export const KEEPS_DATA_ONLY_TYPES: readonly string[] = ['preservation'];

/** Why evidence cannot be sent on a request of this type, or undefined when it can. */
export function noDisclosureReason(requestType: string): string | undefined {
  if (!KEEPS_DATA_ONLY_TYPES.includes(requestType)) return undefined;
  return (
    'a preservation request (Art. 42) keeps the data and discloses none: send the evidence in answer to ' +
    'the request that follows it (Art. 43 for preserved traffic data, Art. 44 for stored data)'
  );
}
