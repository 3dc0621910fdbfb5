/**
 * The words of an evidence export's custody report (custody-report.pdf), one `<language>.json` per
 * UI language beside this file, checked against CustodyReportLabelsSchema: a lawyer or translator
 * corrects them without touching code, as with the formal document's labels (../document-labels).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const Word = z.string().min(1);

export const CustodyReportLabelsSchema = z
  .object({
    language: z.string().min(2),
    direction: z.enum(['ltr', 'rtl']),
    heading: Word,
    title: Word,
    package: Word,
    request: Word,
    caseReference: Word,
    sender: Word,
    recipientNode: Word,
    signedBy: Word,
    keyId: Word,
    manifestCreatedAt: Word,
    exportedAt: Word,
    exportedBy: Word,
    exportedFrom: Word,
    reason: Word,
    form: Word,
    forms: z.object({ decrypted: Word, age: Word }).strict(),
    items: Word,
    file: Word,
    name: Word,
    mediaType: Word,
    size: Word,
    bytes: Word,
    sha256: Word,
    description: Word,
    sensitive: Word,
    acquisition: z
      .object({ what: Word, fromWhom: Word, when: Word, how: Word, byWhom: Word, legalBasis: Word })
      .strict(),
    conditions: Word,
    limitedToRequestPurpose: Word,
    onwardTransferNeedsConsent: Word,
    confidentialUntil: Word,
    conditionsNote: Word,
    yes: Word,
    no: Word,
    notStated: Word,
    /** After a date-time given without offset or zone (an item's "acquired when"). */
    timeZoneNotStated: Word,
    custody: Word,
    custodyOf: Word,
    event: Word,
    by: Word,
    eventHash: Word,
    eventKinds: z.record(z.string(), Word),
    verification: Word,
    verificationText: Word,
    footer: Word,
  })
  .strict();
export type CustodyReportLabels = z.infer<typeof CustodyReportLabelsSchema>;

let cached: ReadonlyMap<string, CustodyReportLabels> | undefined;

/** The custody report's languages (cached); a file that does not fit refuses the whole set. */
export function loadCustodyReportLabels(): ReadonlyMap<string, CustodyReportLabels> {
  if (cached) return cached;
  const set = new Map<string, CustodyReportLabels>();
  for (const file of readdirSync(import.meta.dirname)
    .filter((name) => name.endsWith('.json'))
    .sort()) {
    const result = CustodyReportLabelsSchema.safeParse(
      JSON.parse(readFileSync(path.join(import.meta.dirname, file), 'utf8')),
    );
    if (!result.success) {
      const issues = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
      throw new Error(`custody report labels ${file} do not match the schema: ${issues.join('; ')}`);
    }
    if (`${result.data.language}.json` !== file) {
      throw new Error(`custody report labels ${file} declare language "${result.data.language}"`);
    }
    set.set(result.data.language, result.data);
  }
  cached = set;
  return set;
}
