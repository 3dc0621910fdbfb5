/**
 * The directory of States: list, read one State with its profile, and (administrator) replace a
 * profile.
 */
import { z } from 'zod';
import { LocalizedTextSchema } from '../../core/catalogue/catalogue.ts';
import { StateProfileSchema } from '../../core/directory/state-profile.ts';
import {
  getState,
  listStates,
  type StateDetail,
  updateStateProfile,
} from '../../services/directory.service.ts';
import type { ComityApp } from '../app.ts';
import { actorOf } from '../auth.ts';
import type { AppContext } from '../../app-context.ts';

const StateSummarySchema = z.object({
  code: z.string().describe('ISO 3166-1 alpha-2, or EU'),
  iso3: z.string().nullable(),
  kind: z.enum(['state', 'organization']),
  names: LocalizedTextSchema,
  isUnMember: z.boolean(),
  note: z.string().optional().describe('e.g. "observer State"'),
  designations: z
    .object({
      centralAuthority: z.string().optional(),
      pointOfContact: z.string().optional(),
      extraditionAuthority: z.string().optional(),
    })
    .describe('names of the designated authorities known; an absent one is not yet notified'),
  acceptedLanguages: z.array(z.string()).optional().describe('absent when not known'),
  timeZone: z.string().optional(),
  nodes: z
    .array(
      z.object({
        nodeId: z.string(),
        authority: z.enum(['central-authority', 'point-of-contact', 'extradition-authority']),
        acceptedLanguages: z
          .array(z.string())
          .describe('BCP 47 tags of the languages the node declares it reads requests in (may be empty)'),
      }),
    )
    .describe(
      "the State's Comity nodes in the signed federation directory this node holds (where messages go); not a notification to the depositary",
    ),
});

const StateDetailSchema = StateSummarySchema.extend({
  numericCode: z.string().nullable(),
  profile: StateProfileSchema,
  updatedAt: z.string(),
  updatedBy: z.object({ id: z.string(), username: z.string() }).nullable(),
});

const CodeParamsSchema = z.object({
  code: z
    .string()
    .regex(/^[A-Za-z]{2}$/)
    .describe('ISO 3166-1 alpha-2 code, or EU'),
});

function present(state: StateDetail) {
  return { ...state, updatedAt: state.updatedAt.toISOString() };
}

export async function statesRoutes(app: ComityApp, context: AppContext): Promise<void> {
  app.get(
    '/api/v1/states',
    {
      config: { permission: 'reference:read' },
      schema: {
        tags: ['directory'],
        summary: 'List the States and organizations of the directory, with the authorities known',
        response: { 200: z.object({ items: z.array(StateSummarySchema) }) },
      },
    },
    async () => ({ items: await listStates(context) }),
  );

  app.get(
    '/api/v1/states/:code',
    {
      config: { permission: 'reference:read' },
      schema: {
        tags: ['directory'],
        summary: 'Read one State with its full profile',
        params: CodeParamsSchema,
        response: { 200: StateDetailSchema },
      },
    },
    async (request) => present(await getState(context, request.params.code)),
  );

  app.put(
    '/api/v1/states/:code/profile',
    {
      config: { permission: 'directory:edit' },
      schema: {
        tags: ['directory'],
        summary: "Replace a State's profile: designations, accepted languages, time zone, declarations",
        params: CodeParamsSchema,
        body: StateProfileSchema,
        response: { 200: StateDetailSchema },
      },
    },
    async (request) =>
      present(await updateStateProfile(context, actorOf(request), request.params.code, request.body)),
  );
}
