/**
 * The duty roster (docs/api.md, "Duty roster"): read by everyone with incoming work (roster:read),
 * handover notes written by those who take or run shifts (roster:handover),
 * changed by supervisors and administrators (roster:manage). Shift times are wall-clock times in
 * the node's time zone; bad input is a 400 invalid-input problem and stores nothing, a shift that
 * overlaps the same person's is a 409 conflict.
 */
import { z } from 'zod';
import {
  addShift,
  getRoster,
  handoverNotes,
  removeShift,
  dutyStatusOfState,
  writeHandoverNote,
} from '../../services/roster.service.ts';
import type { ComityApp } from '../app.ts';
import { actorOf } from '../auth.ts';
import type { AppContext } from '../../app-context.ts';

const PersonSchema = z.object({ id: z.string(), username: z.string(), displayName: z.string() });

const ShiftSchema = z.object({
  id: z.string(),
  user: PersonSchema,
  startsAt: z.string(),
  endsAt: z.string(),
  startsLocal: z.string().describe('the start as a wall-clock time in the roster time zone'),
  endsLocal: z.string(),
});

const RosterSchema = z.object({
  timeZone: z.string().describe("the node's IANA time zone (its State's profile), or UTC"),
  now: z.string(),
  nowLocal: z.string(),
  onDuty: z.array(PersonSchema).describe('the people on duty now'),
  next: PersonSchema.nullable().describe('the next person on the roster'),
  shifts: z.array(ShiftSchema),
});

const LocalTimeSchema = z
  .string()
  .max(40)
  .describe('wall-clock time in the roster time zone, "YYYY-MM-DDTHH:mm"');

const NewShiftSchema = z
  .object({ username: z.string().min(1).max(64), start: LocalTimeSchema, end: LocalTimeSchema })
  .strict();

const NoteSchema = z.object({
  id: z.string(),
  author: PersonSchema,
  forUser: PersonSchema.nullable().describe('the next person on the roster when it was written'),
  body: z.string(),
  writtenAt: z.string(),
});

const StateDutySchema = z.object({
  state: z.string(),
  timeZone: z.string().nullable().describe("the State's IANA time zone (its profile), null when unknown"),
  localTime: z.string().nullable().describe('the wall-clock time there now, "YYYY-MM-DDTHH:mm"'),
  nodes: z.array(
    z.object({
      nodeId: z.string(),
      authority: z.string(),
      onDuty: z
        .boolean()
        .nullable()
        .describe('what the node last announced (duty.status); null: nothing yet'),
      asOf: z.string().nullable().describe('when that status began, by the node'),
    }),
  ),
});

export async function rosterRoutes(app: ComityApp, context: AppContext): Promise<void> {
  app.get(
    '/api/v1/roster/states/:code',
    {
      config: { permission: 'reference:read' },
      schema: {
        tags: ['roster'],
        summary: "Another State's local time and whether its nodes said someone is on duty",
        params: z.object({ code: z.string().max(10) }),
        response: { 200: StateDutySchema },
      },
    },
    async (request) => dutyStatusOfState(context, request.params.code),
  );

  app.get(
    '/api/v1/roster',
    {
      config: { permission: 'roster:read' },
      schema: {
        tags: ['roster'],
        summary: 'The duty roster: shifts, who is on duty now, who comes next',
        querystring: z.object({
          from: z.string().max(40).optional().describe('RFC 3339 instant; default a day ago'),
          to: z.string().max(40).optional().describe('RFC 3339 instant; default two weeks ahead'),
        }),
        response: { 200: RosterSchema },
      },
    },
    async (request) => getRoster(context, request.query),
  );

  app.post(
    '/api/v1/roster/shifts',
    {
      config: { permission: 'roster:manage' },
      schema: {
        tags: ['roster'],
        summary: 'Put a person on duty from one wall-clock time to another',
        body: NewShiftSchema,
        response: { 201: ShiftSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await addShift(context, actorOf(request).userId, request.body)),
  );

  app.delete(
    '/api/v1/roster/shifts/:id',
    {
      config: { permission: 'roster:manage' },
      schema: {
        tags: ['roster'],
        summary: 'Take a shift off the roster',
        params: z.object({ id: z.string() }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await removeShift(context, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/roster/handover-notes',
    {
      config: { permission: 'roster:read' },
      schema: {
        tags: ['roster'],
        summary: 'The latest handover notes, newest first',
        response: { 200: z.object({ items: z.array(NoteSchema) }) },
      },
    },
    async () => ({ items: await handoverNotes(context) }),
  );

  app.post(
    '/api/v1/roster/handover-notes',
    {
      config: { permission: 'roster:handover' },
      schema: {
        tags: ['roster'],
        summary: 'Write a handover note for the next person on the roster',
        body: z.object({ body: z.string().max(8000) }).strict(),
        response: { 201: NoteSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await writeHandoverNote(context, actorOf(request).userId, request.body.body)),
  );
}
