/**
 * The directory of States: read the States with their profiles (designated authorities, accepted
 * languages, time zone, declarations), let the administrator correct a profile, and give
 * validation the DirectoryView it needs. Membership facts (UN Member State, observer State) are
 * reference data from src/data/states, not node data, so they are read from there.
 */
import { LocalizedTextSchema } from '../core/catalogue/catalogue.ts';
import { toDirectoryEntry } from '../core/directory/directory-entry.ts';
import {
  type DirectoryEntry,
  type DirectoryView,
  directoryViewOf,
} from '../core/directory/directory-view.ts';
import { readStoredProfile, type StateProfile, StateProfileSchema } from '../core/directory/state-profile.ts';
import type { StateKind, StateSeed } from '../core/directory/state-seed.ts';
import { AppError } from '../core/errors.ts';
import type { LocalizedText } from '../core/i18n.ts';
import { loadStateSeeds } from '../data/states/index.ts';
import type { AppContext } from '../app-context.ts';
import type { AuthorityKind } from '../federation/protocol/types.ts';
import type { Actor } from '../policies/access.ts';
import {
  findStoredState,
  listStoredStates,
  readDirectoryStamp,
  type StoredState,
  updateStoredProfile,
} from '../storage/states.repository.ts';

/** A State as lists show it: identity, status and which authorities are known. */
export type StateSummary = Readonly<{
  code: string;
  iso3: string | null;
  kind: StateKind;
  names: LocalizedText;
  isUnMember: boolean;
  note?: string;
  /** Names of the designated authorities known; absent = not yet notified. */
  designations: Readonly<{
    centralAuthority?: string;
    pointOfContact?: string;
    extraditionAuthority?: string;
  }>;
  acceptedLanguages?: string[];
  timeZone?: string;
  /**
   * The State's Comity nodes in the signed federation directory this node holds, by authority:
   * where messages go, and the languages each declares it reads. Not a notification to the
   * depositary (`designations`, `acceptedLanguages`), which may lag.
   */
  nodes: Readonly<{ nodeId: string; authority: AuthorityKind; acceptedLanguages: string[] }>[];
}>;

/** A State with its full profile and who last changed it. */
export type StateDetail = StateSummary &
  Readonly<{
    numericCode: string | null;
    profile: StateProfile;
    updatedAt: Date;
    updatedBy: Readonly<{ id: string; username: string }> | null;
  }>;

function seedsByCode(): ReadonlyMap<string, StateSeed> {
  return new Map(loadStateSeeds().map((seed) => [seed.code, seed]));
}

function kindOf(stored: StoredState): StateKind {
  return stored.kind === 'organization' ? 'organization' : 'state';
}

function namesOf(stored: StoredState, seed: StateSeed | undefined): LocalizedText {
  const names = LocalizedTextSchema.safeParse(stored.names);
  if (names.success) return names.data;
  return (
    seed?.names ?? {
      ar: stored.code,
      zh: stored.code,
      en: stored.code,
      fr: stored.code,
      ru: stored.code,
      es: stored.code,
    }
  );
}

function toSummary(
  stored: StoredState,
  profile: StateProfile,
  seed: StateSeed | undefined,
  nodes: StateSummary['nodes'] = [],
): StateSummary {
  return {
    code: stored.code,
    iso3: stored.iso3,
    kind: kindOf(stored),
    names: namesOf(stored, seed),
    isUnMember: seed?.isUnMember ?? false,
    ...(seed?.note ? { note: seed.note } : {}),
    designations: {
      ...(profile.centralAuthority ? { centralAuthority: profile.centralAuthority.name } : {}),
      ...(profile.pointOfContact ? { pointOfContact: profile.pointOfContact.name } : {}),
      ...(profile.extraditionAuthority ? { extraditionAuthority: profile.extraditionAuthority.name } : {}),
    },
    ...(profile.acceptedLanguages ? { acceptedLanguages: profile.acceptedLanguages } : {}),
    ...(profile.timeZone ? { timeZone: profile.timeZone } : {}),
    nodes,
  };
}

function toDetail(
  stored: StoredState,
  seed: StateSeed | undefined,
  nodes: StateSummary['nodes'] | undefined,
): StateDetail {
  const profile = readStoredProfile(stored.profile);
  return {
    ...toSummary(stored, profile, seed, nodes),
    numericCode: stored.numericCode,
    profile,
    updatedAt: stored.updatedAt,
    updatedBy: stored.updatedBy,
  };
}

/** The nodes of the signed federation directory this node holds, by State (none without federation). */
function federationNodesByState(context: AppContext): Map<string, StateSummary['nodes']> {
  const byState = new Map<string, StateSummary['nodes']>();
  for (const node of context.federation?.directory.listNodes() ?? []) {
    byState.set(node.state, [
      ...(byState.get(node.state) ?? []),
      { nodeId: node.nodeId, authority: node.authority, acceptedLanguages: [...node.acceptedLanguages] },
    ]);
  }
  return byState;
}

/** Every State and organization of the directory, by code. */
export async function listStates(context: AppContext): Promise<StateSummary[]> {
  const seeds = seedsByCode();
  const stored = await listStoredStates(context.db);
  const nodesByState = federationNodesByState(context);
  return stored.map((state) =>
    toSummary(state, readStoredProfile(state.profile), seeds.get(state.code), nodesByState.get(state.code)),
  );
}

/** One State with its full profile; not-found for a code the directory does not have. */
export async function getState(context: AppContext, code: string): Promise<StateDetail> {
  const normalized = code.trim().toUpperCase();
  const stored = await findStoredState(context.db, normalized);
  if (!stored) throw new AppError('not-found', `no State with code ${normalized} in the directory`);
  return toDetail(stored, seedsByCode().get(normalized), federationNodesByState(context).get(normalized));
}

/**
 * Replaces a State's profile (an administrator recording a notified designation, languages or a
 * declaration). The whole profile is validated first; invalid input changes nothing.
 */
export async function updateStateProfile(
  context: AppContext,
  actor: Actor,
  code: string,
  profile: unknown,
): Promise<StateDetail> {
  const parsed = StateProfileSchema.safeParse(profile);
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => ({
      path: ['profile', ...issue.path.map(String)].join('.'),
      message: issue.message,
    }));
    throw new AppError('invalid-input', details.map((d) => `${d.path}: ${d.message}`).join('; '), details);
  }
  const normalized = code.trim().toUpperCase();
  const isUpdated = await updateStoredProfile(context.db, normalized, {
    profile: parsed.data,
    updatedBy: actor.userId,
    now: context.now(),
  });
  if (!isUpdated) throw new AppError('not-found', `no State with code ${normalized} in the directory`);
  return getState(context, normalized);
}

/**
 * Directory views already built, per database, with the stamp they were built at. Validation runs
 * on every save, and building the view reads every State's profile; checking the stamp costs one
 * small aggregate query and sees changes made by any process sharing the database. The stamp also
 * names the serial of the signed directory of nodes held, whose nodes declare their languages.
 */
const cachedViews = new WeakMap<AppContext['db'], { stamp: string; view: DirectoryView }>();

/**
 * The directory as validation sees it (accepted languages, time zones), from the database;
 * `knownStamp`: the stamp, when the caller read it with something else.
 */
export async function loadDirectoryView(context: AppContext, knownStamp?: string): Promise<DirectoryView> {
  const nodesSerial = context.federation?.directory.describe()?.serial ?? 'none';
  const stamp = `${knownStamp ?? (await readDirectoryStamp(context.db))}/nodes:${nodesSerial}`;
  const cached = cachedViews.get(context.db);
  if (cached?.stamp === stamp) return cached.view;
  const view = await buildDirectoryView(context);
  cachedViews.set(context.db, { stamp, view });
  return view;
}

/** The languages each State's nodes declare in the signed directory of nodes held, by authority. */
function nodeLanguagesByState(
  context: AppContext,
): Map<string, NonNullable<DirectoryEntry['nodeLanguages']>> {
  const byState = new Map<string, NonNullable<DirectoryEntry['nodeLanguages']>>();
  for (const node of context.federation?.directory.listNodes() ?? []) {
    // The first node of a State for an authority, as the send picks it (findNodeFor).
    if (byState.get(node.state)?.[node.authority] !== undefined) continue;
    byState.set(node.state, { ...byState.get(node.state), [node.authority]: node.acceptedLanguages });
  }
  return byState;
}

async function buildDirectoryView(context: AppContext): Promise<DirectoryView> {
  const stored = await listStoredStates(context.db);
  const nodeLanguages = nodeLanguagesByState(context);
  return directoryViewOf(
    stored.map((state) => {
      const entry = toDirectoryEntry({
        code: state.code,
        kind: kindOf(state),
        names: namesOf(state, undefined),
        profile: readStoredProfile(state.profile),
      });
      const languages = nodeLanguages.get(state.code);
      return languages ? { ...entry, nodeLanguages: languages } : entry;
    }),
  );
}
