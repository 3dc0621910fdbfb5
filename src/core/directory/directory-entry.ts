/**
 * Builds the entries of the DirectoryView (what validation needs) from a State's stored data,
 * so the database-backed view and the offline view from src/data/states agree.
 */
import type { LocalizedText } from '../i18n.ts';
import type { DirectoryEntry } from './directory-view.ts';
import type { StateProfile } from './state-profile.ts';
import type { StateKind } from './state-seed.ts';

export type DirectorySource = Readonly<{
  code: string;
  kind: StateKind;
  names: LocalizedText;
  profile: StateProfile;
}>;

export function toDirectoryEntry(state: DirectorySource): DirectoryEntry {
  return {
    code: state.code,
    kind: state.kind,
    names: state.names,
    acceptedLanguages: state.profile.acceptedLanguages,
    timeZone: state.profile.timeZone,
  };
}
