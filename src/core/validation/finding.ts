/**
 * A finding is one thing validation has to say about a draft: blocking (the request cannot leave
 * the node) or a warning. `article` is the printed citation, `message` is in the caller's language.
 */
export type Severity = 'blocking' | 'warning';

export type Finding = Readonly<{
  severity: Severity;
  /** The element (see src/core/request/elements.ts) or field path the finding is about. */
  element: string;
  /** The citation, e.g. "Art. 42(3)(d)". */
  article: string;
  message: string;
  /** Id of the catalogue rule that produced it. */
  rule: string;
}>;

export function hasBlockingFindings(findings: readonly Finding[]): boolean {
  return findings.some((finding) => finding.severity === 'blocking');
}
