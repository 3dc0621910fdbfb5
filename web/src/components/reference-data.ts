/**
 * The catalogue and the directory change rarely: each is loaded once per page life and shared by
 * every screen (the draft form, the checklist, the catalogue and directory screens).
 */
import i18next from 'i18next';
import { localized } from './format.ts';
import type { Catalogue } from '../../../src/core/catalogue/catalogue.ts';
import { answer, api, publicApi, type StateSummary } from '../app/api.ts';
import { type ApiState, useApi } from './use-api.ts';

let catalogue: Promise<Catalogue> | undefined;
let states: Promise<StateSummary[]> | undefined;
let thisNode: Promise<ThisNode> | undefined;

/** A State's node, or the secretariat that keeps the register of nodes (COMITY_MODE). */
export type NodeMode = 'node' | 'secretariat';

/** What this node says of itself in GET /api/v1/health: its mode, State and authority, fixed while it runs. */
export type ThisNode = Readonly<{ mode: NodeMode; state: string | null; authority: string | null }>;

function loadThisNodeOnce(): Promise<ThisNode> {
  thisNode ??= answer(publicApi.GET('/api/v1/health'))
    .then((health) => ({
      mode: health.node.mode,
      state: health.node.state,
      authority: health.node.authority,
    }))
    .catch((error: unknown) => {
      thisNode = undefined;
      throw error;
    });
  return thisNode;
}

/** This node's mode and State, asked once per page life (the header and the menu share it). */
export function useThisNode(): ApiState<ThisNode> {
  return useApi(loadThisNodeOnce, []);
}

/** What this node is: it does not change while the page lives. */
export function useNodeMode(): Readonly<{ data: NodeMode | undefined; isLoading: boolean }> {
  const node = useThisNode();
  return { data: node.data?.mode, isLoading: node.isLoading };
}

function loadCatalogueOnce(): Promise<Catalogue> {
  catalogue ??= answer(publicApi.GET('/api/v1/catalogue')).catch((error: unknown) => {
    catalogue = undefined;
    throw error;
  });
  return catalogue;
}

function loadStatesOnce(): Promise<StateSummary[]> {
  states ??= answer(api.GET('/api/v1/states'))
    .then((answered) => answered.items)
    .catch((error: unknown) => {
      states = undefined;
      throw error;
    });
  return states;
}

/** Forgets the cached directory, after an administrator changed a profile. */
export function forgetStates(): void {
  states = undefined;
}

export function useCatalogue(): ApiState<Catalogue> {
  return useApi(loadCatalogueOnce, []);
}

/** The directory; `enabled` false (signed out) answers nothing without calling the node. */
export function useStates(isEnabled = true): ApiState<StateSummary[]> {
  return useApi(() => (isEnabled ? loadStatesOnce() : Promise.resolve([])), [isEnabled]);
}

/** A request type's title in the UI language: the catalogue's, else the UI's own wording of it. */
export function requestTypeTitle(catalogue: Catalogue | undefined, type: string): string {
  return (
    localized(catalogue?.requestTypes.find((entry) => entry.id === type)?.title) ||
    i18next.t(`requestType.${type}`, { defaultValue: type })
  );
}

/** The title of the Convention offence of an article (7 to 17), likewise. */
export function offenceTitle(catalogue: Catalogue | undefined, article: number): string {
  return (
    localized(catalogue?.offences.find((entry) => entry.article === article)?.title) ||
    i18next.t(`offence.${article}`, { defaultValue: String(article) })
  );
}
