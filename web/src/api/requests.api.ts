/** Drafting requests: list, read, create, update, delete, validate, and the formal document. */
import { apiUrl, requestJson, requestVoid } from './client.ts';
import type {
  FindingsReport,
  RequestAnswer,
  RequestContent,
  RequestDirection,
  RequestSummary,
  SendAnswer,
} from './types.ts';

/** The requests the user may read; `direction` keeps only outgoing or only incoming ones. */
export async function fetchRequests(direction?: RequestDirection): Promise<RequestSummary[]> {
  const answer = await requestJson<{ items: RequestSummary[] }>('/requests', { query: { direction } });
  return answer.items;
}

export function fetchRequest(id: string): Promise<RequestAnswer> {
  return requestJson<RequestAnswer>(`/requests/${encodeURIComponent(id)}`);
}

export function createRequest(content: RequestContent): Promise<RequestAnswer> {
  return requestJson<RequestAnswer>('/requests', { method: 'POST', body: content });
}

/** Saves a draft; `revision` is the one the user edited, so a concurrent change is a conflict. */
export function updateRequest(id: string, content: RequestContent, revision: number): Promise<RequestAnswer> {
  return requestJson<RequestAnswer>(`/requests/${encodeURIComponent(id)}`, {
    method: 'PUT',
    body: content,
    headers: { 'if-match': `"${revision}"` },
  });
}

/**
 * Sends a saved draft to the requested State's node. `revision` is the one the user confirmed, so
 * a draft changed meanwhile (another tab, another person) is refused instead of sent unseen.
 */
export function sendRequest(id: string, revision: number): Promise<SendAnswer> {
  return requestJson<SendAnswer>(`/requests/${encodeURIComponent(id)}/send`, {
    method: 'POST',
    headers: { 'if-match': `"${revision}"` },
  });
}

export function deleteRequest(id: string): Promise<void> {
  return requestVoid(`/requests/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

export function fetchFindings(id: string): Promise<FindingsReport> {
  return requestJson<FindingsReport>(`/requests/${encodeURIComponent(id)}/findings`);
}

export function validateContent(content: RequestContent, signal?: AbortSignal): Promise<FindingsReport> {
  return requestJson<FindingsReport>('/validate', { method: 'POST', body: content, signal });
}

/** Address of the formal document of a saved request, in the given languages. */
export function documentUrl(id: string, format: 'html' | 'pdf', languages: readonly string[]): string {
  return apiUrl(`/requests/${encodeURIComponent(id)}/document.${format}`, {
    languages: languages.length > 0 ? languages.join(',') : undefined,
  });
}
