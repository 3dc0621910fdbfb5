/**
 * The structured content of a request, as drafted and as the API, the CLI and the formal document
 * see it. Every field is optional while a request is a draft: what is missing or wrong is reported
 * by validation as findings (src/core/validation), not rejected here. This schema rejects only what
 * is structurally wrong: a wrong JSON type, an unknown request type, an over-long text.
 *
 * IMPORTANT: drafts are stored as JSON. Renaming or removing a field needs a data migration.
 */
import { z } from 'zod';

export const REQUEST_TYPE_IDS = [
  'preservation',
  'traffic-disclosure',
  'stored-data',
  'real-time-traffic',
  'interception',
  'mla',
  'extradition',
  'spontaneous-information',
  'police-cooperation',
  'joint-investigation',
  'confiscation',
] as const;
export type RequestTypeId = (typeof REQUEST_TYPE_IDS)[number];
export const RequestTypeIdSchema = z.enum(REQUEST_TYPE_IDS);

const SHORT = 500;
const LONG = 20_000;
const Short = z.string().max(SHORT);
const Long = z.string().max(LONG);
/** A calendar date, YYYY-MM-DD. The value is checked by validation, the shape here. */
const DateString = z.string().max(40);
/** ISO 3166-1 alpha-2 code, or EU for the European Union. Checked against the directory by validation. */
const StateCode = z.string().max(8);

export const REPLY_MEANS = ['phone', 'email', 'point-of-contact-network', 'other'] as const;

/**
 * How the other side reaches a person at the authority, one field each, so that a 24/7 officer can
 * call back at the right hour. Added within protocol v1 (an optional member): a v1 node that does not
 * know it reads the free-text `contact` line, which the sender may still fill.
 */
export const ContactDetailsSchema = z
  .object({
    /** The person or unit to ask for. */
    name: Short.optional(),
    phone: Short.optional(),
    email: Short.optional(),
    /** When someone answers, in the authority's local time (e.g. "Mon-Fri 08:00-18:00", "24/7"). */
    officeHours: Short.optional(),
    /** IANA time zone of the office hours, e.g. Europe/Paris. */
    timeZone: Short.optional(),
    preferredReply: z.enum(REPLY_MEANS).optional(),
  })
  .strict();

export type ContactDetails = z.infer<typeof ContactDetailsSchema>;

export const AuthoritySchema = z
  .object({
    state: StateCode.optional(),
    name: Short.optional(),
    /**
     * Unit, address, phone, e-mail of the person in charge, as one line of text: what v1 nodes
     * before `contactDetails` send and read. Kept, and still shown, alongside the structured fields.
     */
    contact: Short.optional(),
    contactDetails: ContactDetailsSchema.optional(),
  })
  .strict();

export const OffenceSchema = z
  .object({
    /** The Convention article establishing the offence (7 to 17), if it is one. */
    conventionArticle: z.number().int().min(1).max(99).optional(),
    /** The domestic provision (law, section) of the requesting State. */
    domesticProvision: Short.optional(),
    /** Maximum deprivation of liberty under that provision, in years (decimals allowed). */
    maximumPenaltyYears: z.number().min(0).max(1000).optional(),
    /** The provision carries life imprisonment. */
    isLifeImprisonment: z.boolean().optional(),
    description: Long.optional(),
  })
  .strict();

export const PERSON_ROLES = [
  'suspect',
  'accused',
  'victim',
  'witness',
  'account-holder',
  'person-sought',
  'other',
] as const;

export const PersonSchema = z
  .object({
    role: z.enum(PERSON_ROLES).optional(),
    name: Short.optional(),
    dateOfBirth: DateString.optional(),
    nationality: StateCode.optional(),
    location: Short.optional(),
    identityDocument: Short.optional(),
    description: Long.optional(),
  })
  .strict();

export const IDENTIFIER_KINDS = [
  'account',
  'email',
  'phone',
  'ip-address',
  'domain',
  'url',
  'crypto-asset-address',
  'imei',
  'other',
] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

export const IdentifierSchema = z
  .object({
    kind: z.enum(IDENTIFIER_KINDS),
    /** Empty while a draft's row is being filled in: a blocking finding (identifier-checks). */
    value: Short,
    /** For accounts: the service (e.g. a platform name); for crypto-asset addresses: the network. */
    service: Short.optional(),
    /** Source port, for IP addresses behind carrier-grade NAT. */
    port: z.number().int().optional(),
    /** When the identifier was observed in use: RFC 3339 date-time, with or without an offset. */
    observedAt: Short.optional(),
    /** IANA time zone of `observedAt` when it has no offset, e.g. Europe/Paris. */
    timeZone: Short.optional(),
    note: Short.optional(),
  })
  .strict();
export type Identifier = z.infer<typeof IdentifierSchema>;

export const DATA_CATEGORIES = ['subscriber', 'traffic', 'content'] as const;

export const PeriodSchema = z
  .object({ from: DateString.optional(), to: DateString.optional(), justification: Long.optional() })
  .strict();

export const DataSoughtSchema = z
  .object({
    categories: z.array(z.enum(DATA_CATEGORIES)).max(3).optional(),
    description: Long.optional(),
    /** How the data relates to the offence (Art. 42(3)(c)). */
    relationToOffence: Long.optional(),
    period: PeriodSchema.optional(),
  })
  .strict();

export const CustodianSchema = z
  .object({
    name: Short.optional(),
    kind: z.enum(['service-provider', 'other']).optional(),
    /** The State where the custodian or the ICT system is. */
    state: StateCode.optional(),
    /**
     * The requesting side does not know who holds the data: a valid answer, since Art. 42(3)(d) asks
     * only for the information available.
     */
    isUnknown: z.boolean().optional(),
    /** Address, data centre or other location information. */
    location: Short.optional(),
  })
  .strict();

export const ASSISTANCE_KINDS = ['service-of-documents', 'evidence', 'data', 'other'] as const;

export const URGENCY_LEVELS = ['routine', 'urgent', 'emergency'] as const;

export const RequestContentSchema = z
  .object({
    type: RequestTypeIdSchema,
    requestingAuthority: AuthoritySchema.optional(),
    requestedAuthority: AuthoritySchema.optional(),
    caseReference: Short.optional(),
    /** Art. 40(15)(b): subject matter and nature of the investigation, prosecution or proceeding. */
    subjectMatter: Long.optional(),
    /** Art. 40(15)(b): name and functions of the authority conducting it. */
    conductingAuthority: z
      .object({ name: Short.optional(), functions: Short.optional() })
      .strict()
      .optional(),
    offences: z.array(OffenceSchema).max(50).optional(),
    summaryOfFacts: Long.optional(),
    persons: z.array(PersonSchema).max(100).optional(),
    identifiers: z.array(IdentifierSchema).max(500).optional(),
    dataSought: DataSoughtSchema.optional(),
    custodian: CustodianSchema.optional(),
    assistanceSought: Long.optional(),
    procedureWished: Long.optional(),
    purpose: Long.optional(),
    /** Art. 42(3)(e): why preservation (or the measure) is necessary. */
    necessity: Long.optional(),
    /**
     * Art. 42(3)(f): the requesting State intends to follow up with a request for assistance. `false`
     * is an answer (no follow-up intended), not a missing element.
     */
    intendsFollowUpRequest: z.boolean().optional(),
    /** Days the data is to be preserved (Art. 42: at least 60). */
    preservationDays: z.number().int().min(-100000).max(100000).optional(),
    /** The date the request is made (YYYY-MM-DD), as the requesting authority dates it. */
    requestDate: DateString.optional(),
    /** Whether this request is new or extends an earlier one (a preservation whose period ends), and which. */
    extension: z
      .object({ isExtension: z.boolean().optional(), earlierReference: Short.optional() })
      .strict()
      .optional(),
    /** A person the requested side can call to confirm that the request is genuine. */
    verificationContact: ContactDetailsSchema.optional(),
    /**
     * Where the requesting State's law requires it: the authority (a prosecutor, a judge) that
     * validated the request, and the reference and date of its decision.
     */
    validatingAuthority: z
      .object({
        name: Short.optional(),
        decisionReference: Short.optional(),
        decisionDate: DateString.optional(),
      })
      .strict()
      .optional(),
    /**
     * What kind of assistance a mutual-assistance request seeks (Art. 40(3)). A request only for the
     * service of documents needs no summary of facts; a data period is asked where data is sought.
     */
    assistanceKinds: z.array(z.enum(ASSISTANCE_KINDS)).max(ASSISTANCE_KINDS.length).optional(),
    /** Arts. 45 and 46: the period of collection and why it is that long. */
    collectionPeriod: PeriodSchema.optional(),
    /** The earlier request this one follows (e.g. the preservation behind a stored-data request). */
    relatedRequest: z
      .object({ reference: Short.optional(), type: RequestTypeIdSchema.optional() })
      .strict()
      .optional(),
    urgency: z
      .object({ level: z.enum(URGENCY_LEVELS).optional(), justification: Long.optional() })
      .strict()
      .optional(),
    confidentiality: z
      .object({
        isRequired: z.boolean().optional(),
        until: DateString.optional(),
        isUserNotificationBarred: z.boolean().optional(),
        reasons: Long.optional(),
      })
      .strict()
      .optional(),
    suggestedDeadline: z
      .object({ date: DateString.optional(), reasons: Long.optional() })
      .strict()
      .optional(),
    /** BCP 47 tag of the language the request is written in. */
    language: z.string().max(35).optional(),
    /** Extradition (Art. 37). */
    extradition: z
      .object({
        /** The warrant or judgment the request rests on. */
        warrant: z
          .object({
            kind: z.enum(['arrest-warrant', 'judgment']).optional(),
            reference: Short.optional(),
            issuedBy: Short.optional(),
            date: DateString.optional(),
          })
          .strict()
          .optional(),
        isProvisionalArrestSought: z.boolean().optional(),
        /** For a convicted person: the sentence imposed and what remains, in months. */
        sentence: z
          .object({
            imposedMonths: z.number().min(0).max(12000).optional(),
            remainingMonths: z.number().min(0).max(12000).optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    /** Confiscation (Art. 50). */
    confiscation: z
      .object({
        measure: z.enum(['identify-trace', 'freeze-seize', 'confiscation-order', 'enforce-order']).optional(),
        property: z
          .array(
            z
              .object({
                description: Short.optional(),
                location: Short.optional(),
                estimatedValue: z.number().min(0).optional(),
                currency: z.string().max(3).optional(),
              })
              .strict(),
          )
          .max(100)
          .optional(),
        order: z
          .object({
            reference: Short.optional(),
            issuedBy: Short.optional(),
            date: DateString.optional(),
            isFinal: z.boolean().optional(),
          })
          .strict()
          .optional(),
        thirdPartiesNotice: Long.optional(),
      })
      .strict()
      .optional(),
    /** Joint investigation (Art. 48). */
    jointInvestigation: z
      .object({
        participatingStates: z.array(StateCode).max(50).optional(),
        period: PeriodSchema.optional(),
        legalBasis: Long.optional(),
      })
      .strict()
      .optional(),
    /** Spontaneous information (Art. 40(4)) and police cooperation (Art. 47): what is shared or asked. */
    information: z
      .object({ description: Long.optional(), conditionsOfUse: Long.optional() })
      .strict()
      .optional(),
  })
  .strict()
  .meta({ id: 'RequestContent' });

export type RequestContent = z.infer<typeof RequestContentSchema>;
