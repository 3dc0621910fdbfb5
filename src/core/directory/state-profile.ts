/**
 * What a node knows of another State's cooperation set-up: the authorities it designated (central
 * authority for mutual legal assistance, Art. 40(13); 24/7 point of contact, Art. 41(2);
 * extradition and provisional-arrest authority, Art. 37), the languages it accepts for requests
 * (Art. 40(14)), its time zone, and its declarations and reservations. The fields follow what the
 * Secretary-General's registers hold and what a PC-OC national MLA fiche asks.
 *
 * Honesty rule: a field that no source states stays absent. An absent `acceptedLanguages` means
 * "not known", never "any language"; an absent designation means "not yet notified".
 */
import { z } from 'zod';
import { CitationSchema } from '../catalogue/catalogue.ts';
import { isIanaTimeZone } from '../validation/time-format.ts';

/** How far a designation can be trusted. */
export const EVIDENCE_LEVELS = [
  /** The State's own instrument: depositary notification, law or decree text, official register. */
  'primary',
  /** A reliable report of a primary instrument (official news agency, established press). */
  'secondary',
  /** Said by someone without a traceable instrument; to be confirmed. */
  'reported',
] as const;
export type EvidenceLevel = (typeof EVIDENCE_LEVELS)[number];

/** True for a well-formed BCP 47 language tag with an ISO 639 language (e.g. "en", "zh-Hans", "pt-BR"). */
export function isLanguageTag(value: string): boolean {
  if (!/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(value)) return false;
  try {
    return Intl.getCanonicalLocales(value).length === 1;
  } catch {
    return false;
  }
}

const text = z.string().trim().min(1).max(500);

export const TimeZoneSchema = z
  .string()
  .refine(isIanaTimeZone, { message: 'not an IANA time zone name (e.g. "Europe/Paris")' })
  .meta({ description: 'IANA time zone name, e.g. "Asia/Baku"', examples: ['Asia/Baku'] });

export const LanguageTagSchema = z
  .string()
  .refine(isLanguageTag, { message: 'not a BCP 47 language tag (e.g. "en", "zh-Hans")' })
  .meta({ description: 'BCP 47 language tag', examples: ['en', 'fr'] });

/** One designated authority, with where the information comes from. */
export const DesignationSchema = z
  .object({
    /** The authority's name, e.g. "Ministry of Justice of ...". */
    name: text,
    /** Department or desk within the authority. */
    unit: text.optional(),
    address: z.string().trim().min(1).max(1000).optional(),
    phone: z.string().trim().min(3).max(60).optional(),
    email: z.email().max(320).optional(),
    /** Opening hours in words, e.g. "24/7" or "Mon-Fri 09:00-18:00 local time". */
    hours: text.optional(),
    /** Where this designation is stated: instrument, publication or URL. */
    source: z.string().trim().min(1).max(2000),
    evidence: z.enum(EVIDENCE_LEVELS),
  })
  .strict();
export type Designation = z.infer<typeof DesignationSchema>;

/** A declaration, reservation or notification made by the State under an article. */
export const DeclarationSchema = CitationSchema.extend({
  kind: z.enum(['declaration', 'reservation', 'notification']),
  /** A paraphrase of what the State declared; never invented. */
  summary: z.string().trim().min(1).max(4000),
  /** 'YYYY-MM-DD' when the date is known. */
  date: z.iso.date().optional(),
  source: z.string().trim().min(1).max(2000),
}).strict();
export type Declaration = z.infer<typeof DeclarationSchema>;

export const StateProfileSchema = z
  .object({
    /** Central authority for mutual legal assistance (Art. 40(13)). */
    centralAuthority: DesignationSchema.optional(),
    /** 24/7 point of contact (Art. 41). */
    pointOfContact: DesignationSchema.optional(),
    /** Authority for extradition and provisional arrest requests (Art. 37). */
    extraditionAuthority: DesignationSchema.optional(),
    /** Languages acceptable for requests (Art. 40(14)); absent = not known. */
    acceptedLanguages: z.array(LanguageTagSchema).min(1).max(20).optional(),
    /** Where the accepted languages are stated. */
    acceptedLanguagesSource: z.string().trim().min(1).max(2000).optional(),
    /** The State's time zone for deadlines and the 24/7 point of contact; a default the administrator may change. */
    timeZone: TimeZoneSchema.optional(),
    declarations: z.array(DeclarationSchema).max(200).default([]),
    serviceLevel: z
      .object({
        /** Hours within which the State undertakes to acknowledge an urgent request. */
        acknowledgeWithinHours: z
          .number()
          .int()
          .min(1)
          .max(24 * 30)
          .optional(),
      })
      .strict()
      .optional(),
    note: z.string().trim().min(1).max(4000).optional(),
  })
  .strict();

/** A validated profile (declarations always present). */
export type StateProfile = z.output<typeof StateProfileSchema>;
/** A profile as a client sends it (declarations may be omitted). */
export type StateProfileInput = z.input<typeof StateProfileSchema>;

/** The profile of a State nobody has notified anything for. */
export const EMPTY_PROFILE: StateProfile = Object.freeze({ declarations: [] });

/**
 * Reads a stored profile. Profiles are validated before they are written, so a mismatch means the
 * row predates a schema change: it reads as empty rather than breaking the whole directory.
 */
export function readStoredProfile(value: unknown): StateProfile {
  const parsed = StateProfileSchema.safeParse(value);
  return parsed.success ? parsed.data : EMPTY_PROFILE;
}
