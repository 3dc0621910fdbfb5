/**
 * The duty roster (Art. 41: a point of contact available 24/7): shifts entered in the node's time
 * zone (its State's profile `timeZone`, UTC when none), who is on duty now and who comes next, and
 * handover notes from the outgoing officer to the next one. Permissions are the routes' (roster:read,
 * roster:manage); the CLI calls these as an operator.
 */
import { readStoredProfile } from '../core/directory/state-profile.ts';
import {
  fromLocalDateTime,
  nextOnRoster,
  onDutyAt,
  overlappingShifts,
  shiftSpanProblem,
  toLocalDateTime,
} from '../core/duty/roster.ts';
import { AppError } from '../core/errors.ts';
import { parseDateTime } from '../core/validation/time-format.ts';
import { loadStateSeeds } from '../data/states/index.ts';
import { UUID_PATTERN } from '../core/ids.ts';
import type { AppContext } from '../app-context.ts';
import { readIdentityFile } from '../federation/identity/identity-store.ts';
import { queueDutyStatus } from '../federation/messages/duty-status.message.ts';
import {
  deleteShift,
  insertHandoverNote,
  insertShift,
  listHandoverNotes,
  listPeerDutyStatus,
  listShifts,
  type StoredShift,
} from '../storage/duty.repository.ts';
import { findStoredState } from '../storage/states.repository.ts';
import { findUserById, findUserByUsername } from '../storage/users.repository.ts';

const DAY_MS = 86_400_000;

/** How far around now the roster is read to know who is on duty and who comes next. */
const LOOKAHEAD_DAYS = 14;

const MAX_NOTE_LENGTH = 4000;

export type RosterPerson = Readonly<{ id: string; username: string; displayName: string }>;

export type ShiftView = Readonly<{
  id: string;
  user: RosterPerson;
  startsAt: string;
  endsAt: string;
  /** The same instants as wall-clock times in the roster's time zone ("YYYY-MM-DDTHH:mm"). */
  startsLocal: string;
  endsLocal: string;
}>;

export type RosterView = Readonly<{
  timeZone: string;
  now: string;
  nowLocal: string;
  onDuty: RosterPerson[];
  next: RosterPerson | null;
  shifts: ShiftView[];
}>;

/** The IANA time zone of the node's State (its directory profile), or UTC. */
export async function rosterTimeZone(context: AppContext): Promise<string> {
  // The operator's commands run without the federation runtime: the identity file names the State.
  const state =
    context.federation?.identity.state ??
    context.config.node.state ??
    (await readIdentityFile(context.config.federation.identityDirectory))?.state;
  if (!state) return 'UTC';
  const stored = await findStoredState(context.db, state);
  // Before the node's first start has seeded its directory, the starting profile has the zone.
  const profile = stored
    ? readStoredProfile(stored.profile)
    : loadStateSeeds().find((seed) => seed.code === state)?.profile;
  return profile?.timeZone ?? 'UTC';
}

function personOf(shift: StoredShift): RosterPerson {
  return { id: shift.userId, username: shift.username, displayName: shift.displayName };
}

/** Who is on duty at `at` and who comes next, from the stored roster. */
export async function dutyAt(
  context: AppContext,
  at: Date,
): Promise<Readonly<{ onDuty: RosterPerson[]; next: RosterPerson | null }>> {
  const shifts = await listShifts(context.db, at, new Date(at.getTime() + LOOKAHEAD_DAYS * DAY_MS));
  const people = new Map(shifts.map((shift) => [shift.userId, personOf(shift)]));
  const nextId = nextOnRoster(shifts, at);
  return {
    onDuty: onDutyAt(shifts, at).flatMap((id) => people.get(id) ?? []),
    next: (nextId && people.get(nextId)) || null,
  };
}

/** The roster from `from` (default: a day ago) to `to` (default: two weeks ahead), with who is on duty now. */
export async function getRoster(
  context: AppContext,
  range: Readonly<{ from?: string | undefined; to?: string | undefined }> = {},
): Promise<RosterView> {
  const now = context.now();
  const timeZone = await rosterTimeZone(context);
  const from = range.from ? parseInstant(range.from, 'from') : new Date(now.getTime() - DAY_MS);
  const to = range.to ? parseInstant(range.to, 'to') : new Date(now.getTime() + LOOKAHEAD_DAYS * DAY_MS);
  if (to.getTime() <= from.getTime()) throw invalid('to', '"to" is after "from"');
  const shifts = await listShifts(context.db, from, to);
  const duty = await dutyAt(context, now);
  return {
    timeZone,
    now: now.toISOString(),
    nowLocal: toLocalDateTime(now, timeZone),
    ...duty,
    shifts: shifts.map((shift) => ({
      id: shift.id,
      user: personOf(shift),
      startsAt: shift.startsAt.toISOString(),
      endsAt: shift.endsAt.toISOString(),
      startsLocal: toLocalDateTime(shift.startsAt, timeZone),
      endsLocal: toLocalDateTime(shift.endsAt, timeZone),
    })),
  };
}

export type NewShift = Readonly<{ username: string; start: string; end: string }>;

/**
 * Puts a person on the roster from `start` to `end`, wall-clock times in the roster's time zone.
 * Refused (nothing stored): an unknown or disabled account, a time the zone skips, an end before
 * the start, a shift over 72 hours (invalid-input), or one that overlaps that person's own (conflict).
 */
export async function addShift(
  context: AppContext,
  createdBy: string | null,
  input: NewShift,
): Promise<ShiftView> {
  const timeZone = await rosterTimeZone(context);
  const startsAt = fromLocalDateTime(input.start, timeZone);
  if (!startsAt) throw invalid('start', `not a wall-clock time in ${timeZone} ("YYYY-MM-DDTHH:mm")`);
  const endsAt = fromLocalDateTime(input.end, timeZone);
  if (!endsAt) throw invalid('end', `not a wall-clock time in ${timeZone} ("YYYY-MM-DDTHH:mm")`);
  const spanProblem = shiftSpanProblem(startsAt, endsAt);
  if (spanProblem) throw invalid('end', spanProblem);
  const user = await findUserByUsername(context.db, input.username);
  if (!user || user.isDisabled) throw invalid('username', `no enabled account named ${input.username}`);
  const existing = await listShifts(context.db, startsAt, endsAt);
  const overlap = overlappingShifts(existing, { userId: user.id, startsAt, endsAt })[0];
  if (overlap) {
    throw new AppError(
      'conflict',
      `${user.username} is already on the roster from ${toLocalDateTime(overlap.startsAt, timeZone)} to ${toLocalDateTime(overlap.endsAt, timeZone)}`,
    );
  }
  const id = await insertShift(context.db, { userId: user.id, startsAt, endsAt, createdBy });
  return {
    id,
    user: { id: user.id, username: user.username, displayName: user.displayName },
    startsAt: startsAt.toISOString(),
    endsAt: endsAt.toISOString(),
    startsLocal: toLocalDateTime(startsAt, timeZone),
    endsLocal: toLocalDateTime(endsAt, timeZone),
  };
}

/** Takes a shift off the roster; not-found when there is none with that id. */
export async function removeShift(context: AppContext, id: string): Promise<void> {
  if (!UUID_PATTERN.test(id) || !(await deleteShift(context.db, id))) {
    throw new AppError('not-found', `no shift ${id} on the roster`);
  }
}

export type HandoverNoteView = Readonly<{
  id: string;
  author: RosterPerson;
  /** The next person on the roster when it was written. */
  forUser: RosterPerson | null;
  body: string;
  writtenAt: string;
}>;

/** The outgoing officer's note for the next person on the roster (who it is for is read from the roster now). */
export async function writeHandoverNote(
  context: AppContext,
  authorId: string,
  body: string,
): Promise<HandoverNoteView> {
  const text = body.trim();
  if (text.length === 0 || text.length > MAX_NOTE_LENGTH) {
    throw invalid('body', `a handover note holds 1 to ${MAX_NOTE_LENGTH} characters`);
  }
  const writtenAt = context.now();
  const { next } = await dutyAt(context, writtenAt);
  await insertHandoverNote(context.db, { authorId, forUserId: next?.id ?? null, body: text, writtenAt });
  const [note] = await handoverNotes(context, 1);
  if (!note) throw new Error('the handover note just written is not there');
  return note;
}

/** The latest handover notes, newest first. */
export async function handoverNotes(context: AppContext, limit = 20): Promise<HandoverNoteView[]> {
  const notes = await listHandoverNotes(context.db, limit);
  const forUsers = new Map<string, RosterPerson>();
  for (const id of new Set(notes.flatMap((note) => note.forUserId ?? []))) {
    const user = await findUserById(context.db, id);
    if (user) forUsers.set(id, { id: user.id, username: user.username, displayName: user.displayName });
  }
  return notes.map((note) => ({
    id: note.id,
    author: note.author,
    forUser: (note.forUserId && forUsers.get(note.forUserId)) || null,
    body: note.body,
    writtenAt: note.writtenAt.toISOString(),
  }));
}

/** An RFC 3339 instant: with its offset, on a day that exists (Date.parse alone takes 30 February as 2 March). */
function parseInstant(value: string, path: string): Date {
  const time = Date.parse(value);
  if (Number.isNaN(time) || !parseDateTime(value)?.hasOffset) {
    throw invalid(
      path,
      'not an RFC 3339 instant (a real date and time with its offset, e.g. 2026-03-01T09:00:00Z)',
    );
  }
  return new Date(time);
}

function invalid(path: string, message: string): AppError {
  return new AppError('invalid-input', message, [{ path, message }]);
}

/**
 * Tells every peer that reads duty.status whether someone is on duty here now (the alert timers
 * call it when that changes, and at their first round). A peer that does not read the type, or
 * has no valid key, is skipped; the others are queued and the delivery worker is woken.
 */
export async function announceDutyStatus(context: AppContext, isOnDuty: boolean): Promise<number> {
  const federation = context.federation;
  if (!federation) return 0;
  const body = { onDuty: isOnDuty, at: context.now().toISOString() };
  let queued = 0;
  for (const peer of federation.directory.listNodes()) {
    if (peer.nodeId === federation.identity.nodeId) continue;
    try {
      await queueDutyStatus(context, federation, { to: peer, body });
      queued += 1;
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
    }
  }
  if (queued > 0) federation.wakeDelivery();
  return queued;
}

export type StateDutyView = Readonly<{
  state: string;
  timeZone: string | null;
  /** The wall-clock time there now ("YYYY-MM-DDTHH:mm"), when its time zone is known. */
  localTime: string | null;
  /** Each node of that State in the directory, with the duty status it last announced (null: none yet). */
  nodes: { nodeId: string; authority: string; onDuty: boolean | null; asOf: string | null }[];
}>;

/** Another State's local time (its profile's time zone) and whether its nodes said someone is on duty. */
export async function dutyStatusOfState(context: AppContext, code: string): Promise<StateDutyView> {
  const state = code.trim().toUpperCase();
  const stored = await findStoredState(context.db, state);
  if (!stored) throw new AppError('not-found', `no State with code ${state} in the directory`);
  const timeZone = readStoredProfile(stored.profile).timeZone ?? null;
  const statuses = new Map((await listPeerDutyStatus(context.db)).map((status) => [status.nodeId, status]));
  const nodes = (context.federation?.directory.listNodes() ?? [])
    .filter((node) => node.state === state)
    .map((node) => {
      const status = statuses.get(node.nodeId);
      return {
        nodeId: node.nodeId,
        authority: node.authority,
        onDuty: status?.isOnDuty ?? null,
        asOf: status?.asOf.toISOString() ?? null,
      };
    });
  return { state, timeZone, localTime: timeZone ? toLocalDateTime(context.now(), timeZone) : null, nodes };
}
