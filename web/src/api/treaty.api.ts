/** The public treaty status: counts, records with sources, and the world map. */
import { apiUrl, requestJson } from './client.ts';
import type { TreatyRecordView, TreatyStatusReport } from './types.ts';

export function fetchTreatyStatus(asOf?: string): Promise<TreatyStatusReport> {
  return requestJson<TreatyStatusReport>('/treaty/status', { query: { asOf }, isSessionProbe: true });
}

export async function fetchTreatyRecords(): Promise<TreatyRecordView[]> {
  const answer = await requestJson<{ items: TreatyRecordView[] }>('/treaty/records', {
    isSessionProbe: true,
  });
  return answer.items;
}

export function treatyMapUrl(asOf?: string): string {
  return apiUrl('/treaty/map.svg', { asOf });
}
