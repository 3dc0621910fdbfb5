/**
 * The public transparency report (docs/transparency.md): aggregated figures of a quarter or a
 * year, with counts under 5 suppressed, as JSON (`/api/v1/transparency`) and as CSV
 * (`/api/v1/transparency.csv`). No sign-in; a node that does not publish it answers 404.
 */
import { z } from 'zod';
import {
  DIRECTIONS,
  DURATIONS,
  OUTCOMES,
  PERIOD_PATTERN,
  SUPPRESSED,
} from '../../core/transparency/report.ts';
import {
  getTransparencyCsv,
  getTransparencyReport,
  periodFrom,
} from '../../services/transparency.service.ts';
import type { AppContext } from '../../app-context.ts';
import type { ComityApp } from '../app.ts';

const PeriodQuerySchema = z.object({
  period: z
    .string()
    .regex(PERIOD_PATTERN, 'a year (2026) or a quarter (2026-Q4)')
    .optional()
    .describe('a calendar year (2026) or quarter (2026-Q4), UTC; default the current year'),
});

const CountSchema = z
  .union([z.number().int().min(0), z.literal(SUPPRESSED), z.null()])
  .describe('the count; "<5" for 1 to 4; null when withheld so that no count under 5 can be recovered');

const record = <K extends string, T extends z.ZodType>(keys: readonly K[], value: T) =>
  z.object(Object.fromEntries(keys.map((key) => [key, value])) as Record<K, T>);

const DurationSchema = z.object({
  cases: CountSchema,
  medianSeconds: z.number().nullable().describe('null when fewer than 5 cases'),
  p90Seconds: z.number().nullable().describe('null when fewer than 5 cases'),
});

const TransparencyReportSchema = z.object({
  publisher: z
    .object({ state: z.string(), nodeId: z.string() })
    .nullable()
    .describe('who publishes the figures: this node, by its State and id; null before comity init'),
  period: z.object({
    kind: z.enum(['year', 'quarter']),
    label: z.string(),
    year: z.number(),
    quarter: z.number().nullable(),
    from: z.string(),
    to: z.string(),
  }),
  threshold: z.number(),
  totals: record(DIRECTIONS, CountSchema),
  rows: z.array(
    z.object({
      direction: z.enum(DIRECTIONS),
      requestType: z.string(),
      counterpartState: z.string(),
      requests: CountSchema,
      outcomes: record(OUTCOMES, CountSchema),
      durations: record(DURATIONS, DurationSchema),
    }),
  ),
  refusalGrounds: z.array(
    z.object({ direction: z.enum(DIRECTIONS), ground: z.string(), refusals: CountSchema }),
  ),
});

const CSV_TYPE = 'text/csv; charset=utf-8';

export async function transparencyRoutes(app: ComityApp, context: AppContext): Promise<void> {
  app.get(
    '/api/v1/transparency',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['transparency'],
        summary:
          'The transparency report of a quarter or year: requests sent and received by type and State, outcomes, refusal grounds, times (counts under 5 suppressed)',
        security: [],
        querystring: PeriodQuerySchema,
        response: { 200: TransparencyReportSchema },
      },
    },
    async (request) =>
      (await getTransparencyReport(context, periodFrom(context, request.query.period))) as z.output<
        typeof TransparencyReportSchema
      >,
  );

  app.get(
    '/api/v1/transparency.csv',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['transparency'],
        summary:
          'The transparency report as CSV: one figure per line (period, direction, request_type, counterpart_state, measure, value)',
        security: [],
        querystring: PeriodQuerySchema,
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const period = periodFrom(context, request.query.period);
      const csv = await getTransparencyCsv(context, period);
      return reply
        .type(CSV_TYPE)
        .header('content-disposition', `attachment; filename="transparency-${period.label}.csv"`)
        .send(csv);
    },
  );
}
