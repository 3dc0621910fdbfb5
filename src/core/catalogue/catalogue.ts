/**
 * The Convention catalogue: the legal rules Comity applies, as data. Each entry carries its
 * article and paragraph, a paraphrased explanation in the six UI languages, its source and an
 * honest `verified` flag (true only when the article text itself was checked). The data lives in
 * src/data/catalogue/*.json and is parsed with these schemas when the node starts and in tests.
 *
 * IMPORTANT: never paste treaty text into the data; paraphrase and cite.
 */
import { z } from 'zod';
import { isRightToLeft, LOCALES, type Locale } from '../i18n.ts';
import { ELEMENT_IDS, type ElementId } from '../request/elements.ts';
import { REQUEST_TYPE_IDS } from '../request/draft.ts';

export const LocalizedTextSchema = z
  .object(
    Object.fromEntries(LOCALES.map((locale) => [locale, z.string().min(1)])) as Record<Locale, z.ZodString>,
  )
  .strict();

const ElementIdSchema = z.enum(ELEMENT_IDS as [ElementId, ...ElementId[]]);

/** Where an entry comes from and how far it can be trusted. */
export const ProvenanceSchema = z.object({
  /** Source ids from `sources`, e.g. ["S3"]. */
  sources: z.array(z.string().min(1)).min(1),
  /** True only when the provision was checked against an authentic text of the Convention. */
  verified: z.boolean(),
  /** Confidence in the paraphrase and the numbering when not verified. */
  confidence: z.enum(['high', 'medium', 'low']),
  /**
   * What the entry rests on: `treaty` when it says what the Convention says, `practice` when it is
   * Comity's own practice (a check the treaty does not ask for, a plausibility limit). Every rule
   * says which.
   */
  basis: z.enum(['treaty', 'practice']).optional(),
});

export const CitationSchema = z.object({
  article: z.number().int().min(1).max(68),
  /** Paragraph and sub-paragraph as printed after the article number, e.g. "3(d)" or "15(c)". */
  paragraph: z
    .string()
    .regex(/^[0-9a-z]+(\([0-9a-z]+\))*$/)
    .optional(),
});
export type Citation = z.infer<typeof CitationSchema>;

export const RequestTypeEntrySchema = CitationSchema.extend({
  id: z.enum(REQUEST_TYPE_IDS),
  title: LocalizedTextSchema,
  explanation: LocalizedTextSchema,
  /** Which designated authority of the requested State receives it. */
  channel: z.enum(['central-authority', 'point-of-contact', 'extradition-authority']),
  elements: z.array(
    CitationSchema.extend({
      element: ElementIdSchema,
      /** required: blocking when missing; where-possible: a warning; optional: never reported. */
      requirement: z.enum(['required', 'where-possible', 'optional']),
    }),
  ),
  /** Ids of the rules in `rules` that apply to this type. */
  rules: z.array(z.string()),
  /**
   * What this type calls some elements every request has, where the common name would say
   * something untrue: information given without a request has a sending authority and a
   * receiving State, not a requesting and a requested one.
   */
  elementLabels: z.partialRecord(ElementIdSchema, LocalizedTextSchema).optional(),
  provenance: ProvenanceSchema,
});

export const ElementEntrySchema = z.object({
  id: ElementIdSchema,
  label: LocalizedTextSchema,
  help: LocalizedTextSchema,
});

export const OffenceEntrySchema = CitationSchema.extend({
  id: z.string().regex(/^art-\d+$/),
  title: LocalizedTextSchema,
  explanation: LocalizedTextSchema,
  /** The elements of the offence (conduct, intent, "without right"...), paraphrased. */
  elements: z.array(LocalizedTextSchema).min(1),
  provenance: ProvenanceSchema,
});

export const RuleEntrySchema = CitationSchema.extend({
  id: z.string().regex(/^[a-z0-9-]+$/),
  severity: z.enum(['blocking', 'warning']),
  /** Numbers the rule uses (e.g. minimumDays: 60), so a lawyer can correct them without code. */
  parameters: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  explanation: LocalizedTextSchema,
  /** The finding's message; {placeholders} are filled by validation. */
  message: LocalizedTextSchema,
  /**
   * The citation to print instead of the rule's own for a request type whose own article governs
   * the point (a preservation finding cites Art. 42, not the mutual-assistance paragraphs).
   */
  citationByType: z.partialRecord(z.enum(REQUEST_TYPE_IDS), CitationSchema).optional(),
  provenance: ProvenanceSchema.extend({ basis: z.enum(['treaty', 'practice']) }),
});

export const RefusalGroundEntrySchema = CitationSchema.extend({
  id: z.string().regex(/^[a-z0-9-]+$/),
  /** may-refuse: a ground the requested State may invoke; not-a-ground: a reason that may not be the sole ground. */
  kind: z.enum(['may-refuse', 'not-a-ground', 'procedural-duty']),
  appliesTo: z.array(z.enum(REQUEST_TYPE_IDS)).min(1),
  title: LocalizedTextSchema,
  explanation: LocalizedTextSchema,
  provenance: ProvenanceSchema,
});

/**
 * One item of the screening checklist a legal reviewer works through when a request arrives
 * (src/core/screening/): a ground for refusal to weigh, a safeguard to confirm, or a flag of
 * Comity's own practice (`provenance.basis: 'practice'`, never treaty text). A concern on an item
 * can support a refusal only on the refusal grounds it names (`groundIds`).
 */
export const ScreeningItemEntrySchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  /** ground: a ground to weigh; not-a-ground: never a ground by itself; safeguard: to confirm; flag: Comity's practice. */
  kind: z.enum(['ground', 'not-a-ground', 'safeguard', 'flag']),
  article: z.number().int().min(1).max(68).optional(),
  paragraph: CitationSchema.shape.paragraph,
  appliesTo: z.array(z.enum(REQUEST_TYPE_IDS)).min(1),
  /** Ids of `refusalGrounds` a concern on this item can support. */
  groundIds: z.array(z.string()),
  /**
   * Ids of `refusalGrounds` of kind procedural-duty that a refusal resting on a concern on this
   * item brings (a refusal because the person sought is a national: extradite or prosecute).
   */
  dutyIds: z.array(z.string()).optional(),
  /** What Comity checks by itself and shows as a flag on the item. */
  automatic: z.enum(['dual-criminality', 'outside-scope', 'requesting-state-record']).optional(),
  title: LocalizedTextSchema,
  explanation: LocalizedTextSchema,
  provenance: ProvenanceSchema.extend({ basis: z.enum(['treaty', 'practice']) }),
});

export const DefinitionEntrySchema = CitationSchema.extend({
  id: z.enum(['serious-crime', 'emergency', 'traffic-data', 'content-data', 'subscriber-information']),
  title: LocalizedTextSchema,
  explanation: LocalizedTextSchema,
  parameters: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  provenance: ProvenanceSchema,
});

export const SourceEntrySchema = z.object({ id: z.string(), title: z.string(), url: z.string().optional() });

export const CatalogueSchema = z.object({
  /** Version of the catalogue data, bumped on every change of a rule. */
  version: z.string(),
  /** Date the data was last reviewed (YYYY-MM-DD). */
  reviewedOn: z.string(),
  sources: z.array(SourceEntrySchema),
  definitions: z.array(DefinitionEntrySchema),
  elements: z.array(ElementEntrySchema),
  requestTypes: z.array(RequestTypeEntrySchema),
  offences: z.array(OffenceEntrySchema),
  rules: z.array(RuleEntrySchema),
  refusalGrounds: z.array(RefusalGroundEntrySchema),
  screeningItems: z.array(ScreeningItemEntrySchema).default([]),
});

export type Catalogue = z.infer<typeof CatalogueSchema>;
export type RequestTypeEntry = z.infer<typeof RequestTypeEntrySchema>;
export type RuleEntry = z.infer<typeof RuleEntrySchema>;
export type OffenceEntry = z.infer<typeof OffenceEntrySchema>;
export type RefusalGroundEntry = z.infer<typeof RefusalGroundEntrySchema>;
export type ScreeningItemEntry = z.infer<typeof ScreeningItemEntrySchema>;

/** "Art. 42(3)(d)" — the citation in English, as the API's machine-facing fields give it. */
export function formatCitation(citation: Citation): string {
  return formatCitationWith(citation, CITATION_PATTERNS.en);
}

/**
 * How each UI language cites an article of the Convention: `{reference}` is "42(3)(d)",
 * `{article}` "42" and `{paragraph}` "(3)(d)". The
 * formal document's languages give their own pattern in src/data/document-labels.
 */
export const CITATION_PATTERNS: Readonly<Record<Locale, string>> = {
  ar: 'المادة {reference}',
  zh: '第{article}条{paragraph}',
  en: 'Art. {reference}',
  fr: 'art. {reference}',
  ru: 'Ст. {reference}',
  es: 'art. {reference}',
};

/** "(3)(d)": the paragraph and subparagraphs of a citation, "" when it names an article only. */
function paragraphReference(citation: Citation): string {
  if (!citation.paragraph) return '';
  const [head, ...rest] = citation.paragraph.split('(');
  return `(${head})${rest.map((part) => `(${part}`).join('')}`;
}

/**
 * The citation in one language: "المادة 42(3)(d)", "第42条(3)(d)", "Ст. 42(3)(d)". In Arabic the
 * number and its parentheses are a left-to-right isolate (U+2066 … U+2069): right-to-left text
 * would otherwise print "(d)(3)42" and mirror the parentheses.
 */
export function formatCitationIn(citation: Citation, locale: Locale): string {
  return formatCitationWith(citation, CITATION_PATTERNS[locale], isRightToLeft(locale) ? 'rtl' : 'ltr');
}

/** The citation through a pattern (a document language's own); see formatCitationIn. */
export function formatCitationWith(
  citation: Citation,
  pattern: string,
  direction: 'ltr' | 'rtl' = 'ltr',
): string {
  const isolate = (text: string) => (direction === 'rtl' && text ? `\u2066${text}\u2069` : text);
  const paragraph = paragraphReference(citation);
  return pattern
    .replace('{reference}', isolate(`${citation.article}${paragraph}`))
    .replace('{article}', isolate(String(citation.article)))
    .replace('{paragraph}', isolate(paragraph));
}
