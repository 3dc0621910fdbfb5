/**
 * Incoming screening and the domestic law map (docs/case-lifecycle.md, "Screening" and "Dual
 * criminality"): the checklist of a request received here (read by those who read incoming
 * requests, answered by legal reviewers and supervisors: screening:review), and the law map with
 * its compliance view (read by everyone signed in with reference:read, changed with law-map:edit).
 */
import { z } from 'zod';
import { LocalizedTextSchema } from '../../core/catalogue/catalogue.ts';
import { SCREENING_ANSWERS, ScreeningAnswerSchema } from '../../core/screening/screening.ts';
import {
  addProvision,
  complianceCsv,
  complianceOf,
  listLawMap,
  ProvisionInputSchema,
  removeProvision,
} from '../../services/law-map.service.ts';
import { saveScreening, screeningOf } from '../../services/screening.service.ts';
import type { ComityApp } from '../app.ts';
import { actorOf } from '../auth.ts';
import type { AppContext } from '../../app-context.ts';

const ParamsSchema = z.object({ id: z.string().describe('the request id (a UUID)') });

const RecordSchema = z
  .object({
    state: z.string().nullable(),
    received: z.number().int().describe('earlier requests received here from that State'),
    refused: z.number().int().describe('of those, how many this node refused'),
    groundCounts: z.record(z.string(), z.number().int()).describe('refusals by ground'),
  })
  .meta({ id: 'RequestingStateRecord' });

/** The checks Comity runs by itself on a request received here: each raises a flag or, else, proposes. */
const AutomaticCheckSchema = z.enum(['dual-criminality', 'outside-scope', 'requesting-state-record']);

const FlagSchema = z
  .object({
    itemId: z.string(),
    kind: AutomaticCheckSchema,
    articles: z
      .array(z.number().int())
      .optional()
      .describe('dual criminality: Convention articles with no domestic provision'),
    offences: z.array(z.string()).optional().describe('outside scope: the offences concerned'),
    record: RecordSchema.optional(),
  })
  .meta({ id: 'ScreeningFlag' });

const ClearanceSchema = z
  .object({
    itemId: z.string(),
    kind: AutomaticCheckSchema,
    articles: z
      .array(z.number().int())
      .optional()
      .describe('the Convention offences cited (dual criminality: each with a domestic provision here)'),
    seriousCrimes: z
      .array(z.string())
      .optional()
      .describe('outside scope: the other offences cited, each stated as a serious crime'),
    state: z.string().optional().describe("the requesting State's record: that State"),
    received: z.number().int().optional().describe('its earlier requests received here, none refused'),
  })
  .meta({ id: 'ScreeningClearance' });

const ItemSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['ground', 'not-a-ground', 'safeguard', 'flag']),
    article: z.number().int().nullable(),
    paragraph: z.string().nullable(),
    basis: z.enum(['treaty', 'practice']).describe("treaty, or Comity's practice (not treaty text)"),
    verified: z.boolean().describe('checked against an authentic text of the Convention'),
    groundIds: z.array(z.string()).describe('the refusal grounds a concern on this item supports'),
    title: LocalizedTextSchema,
    explanation: LocalizedTextSchema,
    answer: z.enum(SCREENING_ANSWERS).nullable(),
    reasons: z.string().nullable(),
    flags: z.array(FlagSchema),
    isOutdated: z
      .boolean()
      .describe(
        'answered before what Comity found on the item changed (e.g. another request of the State refused here since): read it again and save; until then no decision rests on it',
      ),
    clearance: ClearanceSchema.nullable().describe(
      "where Comity's own check raised no flag, what it found: a proposed answer of no concern for the reviewer to confirm or change (never recorded by itself)",
    ),
  })
  .meta({ id: 'ScreeningItem' });

const ScreeningSchema = z
  .object({
    requestId: z.string(),
    requestType: z.string(),
    requestingState: z.string().nullable(),
    caseStatus: z.string(),
    complete: z.boolean().describe('every applicable item answered, and no answer outdated'),
    missing: z.array(z.string()),
    outdated: z.array(z.string()).describe('the items whose answer is outdated (isOutdated)'),
    groundsSupported: z
      .array(z.string())
      .describe('the refusal grounds the items answered "concern" support'),
    dutiesOnRefusal: z
      .array(z.string())
      .describe(
        'the procedural duties a refusal would bring, by the items answered "concern" (ids of the catalogue\'s refusalGrounds)',
      ),
    gatedTransitions: z.array(z.string()).describe('the decisions that need the completed checklist'),
    revision: z.number().int().describe('0 until first saved'),
    updatedBy: z.string().nullable().describe('the username of who saved it last'),
    updatedByName: z.string().nullable().describe('their name as the node shows it'),
    updatedAt: z.string().nullable(),
    open: z.boolean().describe('the checklist can still change'),
    record: RecordSchema,
    items: z.array(ItemSchema),
  })
  .meta({ id: 'Screening' });

const SaveBodySchema = z
  .object({
    answers: z.array(ScreeningAnswerSchema).max(100),
    revision: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('the revision you read; a conflict if someone saved since'),
  })
  .strict();

const ProvisionSchema = z
  .object({
    id: z.string(),
    citation: z.string(),
    title: z.string(),
    maximumPenalty: z.string(),
    offences: z.array(z.string()).describe('Convention offences it implements (art-7 ... art-17)'),
    updatedAt: z.string(),
  })
  .meta({ id: 'DomesticProvision' });

const ComplianceSchema = z
  .object({
    generatedAt: z.string(),
    catalogueVersion: z.string(),
    offences: z.array(
      z.object({
        id: z.string(),
        article: z.number().int(),
        title: LocalizedTextSchema,
        verified: z.boolean(),
        provisions: z.array(z.string()),
        implemented: z.boolean(),
      }),
    ),
    missing: z.array(z.string()).describe('Convention offences no domestic provision implements'),
  })
  .meta({ id: 'LawMapCompliance' });

export async function screeningRoutes(app: ComityApp, context: AppContext): Promise<void> {
  app.get(
    '/api/v1/requests/:id/screening',
    {
      config: { permission: 'screening:read' },
      schema: {
        tags: ['requests'],
        summary: 'The screening checklist of a request received here: items, answers, flags',
        params: ParamsSchema,
        response: { 200: z.object({ screening: ScreeningSchema }) },
      },
    },
    async (request) => ({ screening: await screeningOf(context, actorOf(request), request.params.id) }),
  );

  app.put(
    '/api/v1/requests/:id/screening',
    {
      config: { permission: 'screening:review' },
      schema: {
        tags: ['requests'],
        summary: 'Answer the screening checklist (legal reviewer); deciding the request needs it complete',
        params: ParamsSchema,
        body: SaveBodySchema,
        response: { 200: z.object({ screening: ScreeningSchema }) },
      },
    },
    async (request) => ({
      screening: await saveScreening(context, actorOf(request), request.params.id, {
        answers: request.body.answers,
        expectedRevision: request.body.revision,
      }),
    }),
  );

  app.get(
    '/api/v1/law-map',
    {
      config: { permission: 'reference:read' },
      schema: {
        tags: ['law-map'],
        summary: "This node's domestic law map: provisions and the Convention offences they implement",
        response: { 200: z.object({ items: z.array(ProvisionSchema) }) },
      },
    },
    async () => ({ items: await listLawMap(context) }),
  );

  app.post(
    '/api/v1/law-map',
    {
      config: { permission: 'law-map:edit' },
      schema: {
        tags: ['law-map'],
        summary: 'Add a domestic provision, or replace the one with the same citation',
        body: ProvisionInputSchema,
        response: { 201: ProvisionSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await addProvision(context, request.body)),
  );

  app.delete(
    '/api/v1/law-map/:id',
    {
      config: { permission: 'law-map:edit' },
      schema: {
        tags: ['law-map'],
        summary: 'Remove a domestic provision',
        params: z.object({ id: z.string().describe('the provision id or its citation') }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await removeProvision(context, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/law-map/compliance',
    {
      config: { permission: 'reference:read' },
      schema: {
        tags: ['law-map'],
        summary: 'Which Convention offences (Arts. 7-17) the law map implements and which it lacks',
        response: { 200: ComplianceSchema },
      },
    },
    async () => complianceOf(context),
  );

  app.get(
    '/api/v1/law-map/compliance.csv',
    {
      config: { permission: 'reference:read' },
      schema: {
        tags: ['law-map'],
        summary: 'The compliance view as CSV, for the implementation report',
      },
    },
    async (_request, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="law-map-compliance.csv"')
        .send(complianceCsv(await complianceOf(context))),
  );
}
