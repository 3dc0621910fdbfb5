/**
 * What a node counts as it works, for its operator's monitoring (docs/operations.md, Monitoring):
 * the parts of the node that observe something call these; the metrics service (prom-client)
 * implements them. Absent on a context (tests, command-line tools): nothing is counted.
 */
export type NodeMetrics = Readonly<{
  /** A message to `peer` was delivered (its receipt verified), `seconds` after it was queued. */
  messageDelivered: (peer: string, seconds: number) => void;
  /** An attempt to deliver a message to `peer` failed (it will be retried, or it failed for good). */
  deliveryFailed: (peer: string) => void;
  /** A message from another node was refused, with the protocol's reason (docs/federation.md §6.1). */
  messageRefused: (reason: string) => void;
  /** A sign-in was refused (wrong name or password, locked account). */
  signInFailed: () => void;
  /** Every metric now, in the Prometheus text format (what GET /metrics answers). */
  exposition: () => Promise<Readonly<{ contentType: string; body: string }>>;
}>;
