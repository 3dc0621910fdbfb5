/**
 * A participant in the directory as the reference data describes it (src/data/states): the 193 UN
 * Member States, the two observer States and the European Union. The seed gives each node the
 * same starting directory; after that, profiles belong to the node's administrator.
 */
import type { LocalizedText } from '../i18n.ts';
import type { StateProfile } from './state-profile.ts';

/** A State, or a regional economic integration organization such as the European Union (Art. 64). */
export type StateKind = 'state' | 'organization';

export const STATE_KINDS: readonly StateKind[] = ['state', 'organization'];

export type StateSeed = Readonly<{
  /** ISO 3166-1 alpha-2, or EU. */
  code: string;
  /** ISO 3166-1 alpha-3; null for the European Union. */
  iso3: string | null;
  /** ISO 3166-1 numeric, three digits; null for the European Union. */
  numericCode: string | null;
  kind: StateKind;
  names: LocalizedText;
  /** Whether the participant is a Member State of the United Nations. */
  isUnMember: boolean;
  /** Status that is not membership, e.g. "observer State". */
  note?: string;
  /** The starting profile: the default time zone and the designations known with a source. */
  profile: StateProfile;
}>;
