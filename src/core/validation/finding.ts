/**
 * A finding is one thing validation has to say about a draft: blocking (the request cannot leave
 * the node) or a warning. `article` is the printed citation, `message` is in the caller's language.
 */
import { z } from 'zod';

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

/** A finding as the API answers it and the CLI reads it. */
export const FindingSchema = z.object({
  severity: z.enum(['blocking', 'warning']),
  element: z.string(),
  article: z.string(),
  message: z.string(),
  rule: z.string(),
}) satisfies z.ZodType<Finding>;

export function hasBlockingFindings(findings: readonly Finding[]): boolean {
  return findings.some((finding) => finding.severity === 'blocking');
}
