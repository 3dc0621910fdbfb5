/**
 * The Convention's status (Arts. 64-65): public reads (status, records, map) and administrator
 * writes (one record, or a CSV import that is all or nothing). Contract: docs/api.md,
 * "Reference data".
 */
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CalendarDateSchema,
  NewTreatyRecordSchema,
  RetractionSchema,
} from '../../core/treaty/treaty-record.ts';
import { LocalizedTextSchema } from '../../core/catalogue/catalogue.ts';
import { LOCALES } from '../../core/i18n.ts';
import {
  DEPOSIT_ACTIONS,
  EVIDENCE_LEVELS,
  NOT_DEPOSITED_REASONS,
  TREATY_ACTIONS,
} from '../../core/treaty/treaty-status.ts';
import { renderTreatyMap } from '../../services/treaty-map.service.ts';
import { importRecordsCsv } from '../../services/treaty-import.service.ts';
import { addRecord, getTreatyStatus, listRecords, retractRecord } from '../../services/treaty.service.ts';
import type { ComityApp } from '../app.ts';
import { actorOf } from '../auth.ts';
import type { AppContext } from '../../app-context.ts';
import { sendProblem, toProblem } from '../problem.ts';

const AsOfQuerySchema = z.object({
  asOf: CalendarDateSchema.optional().describe('YYYY-MM-DD; default today (UTC)'),
});

const DateWindowSchema = z.object({ from: z.string(), to: z.string() }).nullable();
const ParticipantKindSchema = z.enum(['state', 'organization']);

const RecordFactsSchema = z.object({
  stateCode: z.string(),
  kind: ParticipantKindSchema,
  date: z.string().nullable(),
  dateWindow: DateWindowSchema,
  evidence: z.string(),
  evidenceLevel: z.enum(EVIDENCE_LEVELS).nullable(),
  source: z.string().nullable(),
});

const TreatyStatusSchema = z.object({
  asOf: z.string(),
  dataDate: z.string(),
  latestSourceDate: z.string(),
  summary: LocalizedTextSchema.describe("The research's summary in the six languages"),
  isInForce: z.boolean(),
  rule: z.object({
    threshold: z.number(),
    generalDelayDays: z.number(),
    laterPartyDelayDays: z.number(),
    citations: z.array(
      z.object({
        citation: z.string(),
        explanation: z.string(),
        provenance: z.object({
          sources: z.array(z.string()),
          verified: z.boolean(),
          found: z.boolean(),
          confidence: z.enum(['high', 'medium', 'low']),
        }),
      }),
    ),
  }),
  signatories: z.object({
    count: z.number(),
    depositaryCount: z.number().nullable(),
    depositaryCountSource: z.string(),
    depositaryCountAsOf: z.string(),
    items: z.array(RecordFactsSchema).readonly(),
  }),
  instruments: z.object({
    count: z.number(),
    items: z
      .array(
        RecordFactsSchema.extend({
          action: z.enum(DEPOSIT_ACTIONS),
          date: z.string(),
          isCounted: z.boolean(),
          countPosition: z.number().nullable(),
          entryIntoForce: z.string().nullable(),
        }),
      )
      .readonly(),
  }),
  countedInstruments: z.number(),
  stillNeeded: z.number(),
  entryIntoForce: z
    .object({ date: z.string(), thresholdInstrumentDate: z.string(), isInForce: z.boolean() })
    .nullable(),
  organizations: z
    .array(
      z.object({
        code: z.string(),
        memberCount: z.number(),
        membersDeposited: z.array(z.string()).readonly(),
        hasSigned: z.boolean(),
        depositDate: z.string().nullable(),
        isCounted: z.literal(false),
        explanation: z.string(),
      }),
    )
    .readonly(),
  reportedNotDeposited: z
    .array(
      RecordFactsSchema.extend({
        action: z.enum(TREATY_ACTIONS),
        note: z.string().nullable(),
        noteTranslations: LocalizedTextSchema.nullable(),
        reason: z.string(),
        reasonCode: z.enum(NOT_DEPOSITED_REASONS),
      }),
    )
    .readonly(),
  membershipSources: z
    .array(z.object({ organization: z.string(), title: z.string(), url: z.string(), asOf: z.string() }))
    .readonly(),
  sources: z.array(z.object({ id: z.string(), title: z.string(), url: z.string().nullable() })),
  gaps: z
    .array(
      z.object({ id: z.string(), statement: LocalizedTextSchema, sources: z.array(z.string()).readonly() }),
    )
    .readonly(),
});

const TreatyRecordSchema = z.object({
  id: z.string(),
  stateCode: z.string(),
  kind: z.string(),
  action: z.string(),
  date: z.string().nullable(),
  dateNote: z.string().nullable(),
  source: z.string(),
  evidence: z.string(),
  evidenceLevel: z.enum(EVIDENCE_LEVELS).nullable(),
  note: z.string().nullable(),
  noteTranslations: LocalizedTextSchema.nullable().describe(
    "The note in the six languages when it is one of the research's own; null for a note an administrator wrote",
  ),
  origin: z.string(),
  createdAt: z.string(),
  createdBy: z.object({ id: z.string(), username: z.string() }).nullable(),
  retraction: z
    .object({
      reason: z.string(),
      source: z.string().nullable(),
      createdAt: z.string(),
      createdBy: z.object({ id: z.string(), username: z.string() }).nullable(),
    })
    .nullable()
    .describe(
      'Why, on whose word, when and by whom the record was retracted; null while the status counts it',
    ),
});

function isCsv(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() === 'text/csv';
}

export async function treatyRoutes(app: ComityApp, context: AppContext): Promise<void> {
  app.get(
    '/api/v1/treaty/status',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['treaty'],
        summary:
          "The Convention's status on a date: signatories, instruments, Art. 65 count, entry into force",
        security: [],
        querystring: AsOfQuerySchema,
        response: { 200: TreatyStatusSchema },
      },
    },
    async (request) => getTreatyStatus(context, request.query.asOf),
  );

  app.get(
    '/api/v1/treaty/records',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['treaty'],
        summary: 'Every signature, deposit and report record, with its source and evidence level',
        security: [],
        response: { 200: z.object({ items: z.array(TreatyRecordSchema) }) },
      },
    },
    async () => ({ items: await listRecords(context) }),
  );

  app.post(
    '/api/v1/treaty/records',
    {
      config: { permission: 'treaty:edit' },
      schema: {
        tags: ['treaty'],
        summary: 'Add one record (administrator)',
        body: NewTreatyRecordSchema,
        response: { 201: TreatyRecordSchema },
      },
    },
    async (request, reply) => {
      return reply.status(201).send(await addRecord(context, actorOf(request), request.body));
    },
  );

  app.post(
    '/api/v1/treaty/records/:id/retraction',
    {
      config: { permission: 'treaty:edit' },
      schema: {
        tags: ['treaty'],
        summary:
          'Retract a record entered in error (administrator): it stays, struck out, and stops counting',
        description:
          'The reason is required; the source that shows the record wrong is optional. 409 when the record ' +
          'is already retracted, or while a record that counts presupposes it (a ratification its signature).',
        params: z.object({ id: z.string().describe('the record id (a UUID)') }),
        body: RetractionSchema,
        response: { 200: TreatyRecordSchema },
      },
    },
    async (request) => retractRecord(context, actorOf(request), request.params.id, request.body),
  );

  app.get(
    '/api/v1/treaty/map.svg',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['treaty'],
        summary:
          'World map coloured by status (SVG, with a <title> per country), in one of the six UN languages',
        security: [],
        querystring: AsOfQuerySchema.extend({
          lang: z
            .enum(LOCALES)
            .optional()
            .describe('the language of its words and country names; default en. Arabic reads right to left'),
          v: z
            .string()
            .max(40)
            .optional()
            .describe(
              'ignored by the node: a client changes it to load the map again once the records changed',
            ),
        }).strict(),
      },
    },
    async (request, reply) =>
      reply
        .type('image/svg+xml; charset=utf-8')
        .header('content-language', request.query.lang ?? 'en')
        .send(await renderTreatyMap(context, request.query.asOf, request.query.lang)),
  );

  // The CSV parser is registered inside this scope only: no other route accepts text/csv.
  await app.register(async (scope) => {
    const csvScope = scope.withTypeProvider<ZodTypeProvider>();
    csvScope.addContentTypeParser('text/csv', { parseAs: 'string' }, (_request, body, done) =>
      done(null, body),
    );
    csvScope.post(
      '/api/v1/treaty/import',
      {
        config: { permission: 'treaty:edit' },
        preValidation: async (request, reply) => {
          if (!isCsv(request.headers['content-type'])) {
            return sendProblem(reply, {
              ...toProblem('unsupported-media-type', 'send the records as text/csv'),
              instance: request.url,
            });
          }
        },
        schema: {
          tags: ['treaty'],
          summary: 'Import records from CSV (administrator); all rows or none',
          description:
            'Columns: state_code or iso3, action, date, source, evidence, note (and optionally state, date_note). ' +
            'If any row is invalid nothing is imported and the import-rejected problem lists each error with its line.',
          consumes: ['text/csv'],
          body: z.string(),
          response: { 200: z.object({ inserted: z.number() }) },
        },
      },
      async (request) => {
        return { inserted: await importRecordsCsv(context, actorOf(request), request.body) };
      },
    );
  });
}
