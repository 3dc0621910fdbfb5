/** Reference data: node health, the Convention catalogue and the directory of States. */
import { requestJson } from './client.ts';
import type { Catalogue, Health, StateDetail, StateProfileInput, StateSummary } from './types.ts';

export function fetchHealth(): Promise<Health> {
  return requestJson<Health>('/health', { isSessionProbe: true });
}

export function fetchCatalogue(): Promise<Catalogue> {
  return requestJson<Catalogue>('/catalogue', { isSessionProbe: true });
}

export async function fetchStates(): Promise<StateSummary[]> {
  const answer = await requestJson<{ items: StateSummary[] }>('/states');
  return answer.items;
}

export function fetchState(code: string): Promise<StateDetail> {
  return requestJson<StateDetail>(`/states/${encodeURIComponent(code)}`);
}

export function replaceStateProfile(code: string, profile: StateProfileInput): Promise<StateDetail> {
  return requestJson<StateDetail>(`/states/${encodeURIComponent(code)}/profile`, {
    method: 'PUT',
    body: profile,
  });
}
