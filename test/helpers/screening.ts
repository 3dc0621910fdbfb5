/**
 * Completing the screening checklist of a received request before deciding on it (docs/case-
 * lifecycle.md, "Screening"): every test that accepts, refuses, postpones or proposes conditions
 * on an incoming request answers the checklist first, through this one helper.
 *
 *   await completeScreening(pair.requested, reviewer, requestId, { 'essential-interests': 'reasons' });
 */
import assert from 'node:assert/strict';
import type { TestApp } from './app.ts';
import type { ActingAs } from './auth.ts';

export type ScreeningItem = {
  id: string;
  kind: string;
  answer: string | null;
  reasons: string | null;
  groundIds: string[];
  flags: Array<{ itemId: string; kind: string; articles?: number[]; offences?: string[] }>;
  isOutdated: boolean;
  clearance: {
    itemId: string;
    kind: string;
    articles?: number[];
    seriousCrimes?: string[];
    state?: string;
    received?: number;
  } | null;
};
export type Screening = {
  requestId: string;
  complete: boolean;
  missing: string[];
  outdated: string[];
  groundsSupported: string[];
  dutiesOnRefusal: string[];
  revision: number;
  updatedBy: string | null;
  updatedByName: string | null;
  updatedAt: string | null;
  items: ScreeningItem[];
  record: { state: string | null; received: number; refused: number; groundCounts: Record<string, number> };
};

/** Every applicable item answered: "concern" with the given reasons for the items named, "no-concern" for the rest. */
export function answersFor(
  items: readonly Pick<ScreeningItem, 'id'>[],
  concerns: Readonly<Record<string, string>> = {},
): Array<{ itemId: string; answer: string; reasons: string }> {
  return items.map((item) =>
    item.id in concerns
      ? { itemId: item.id, answer: 'concern', reasons: concerns[item.id] as string }
      : { itemId: item.id, answer: 'no-concern', reasons: 'Checked against the request: no concern.' },
  );
}

/** Reads the checklist of a request received by `node`. */
export async function readScreening(node: TestApp, as: ActingAs, requestId: string): Promise<Screening> {
  const response = await node.app.inject({
    method: 'GET',
    url: `/api/v1/requests/${requestId}/screening`,
    headers: as.headers,
  });
  assert.equal(response.statusCode, 200, response.body);
  return (JSON.parse(response.body) as { screening: Screening }).screening;
}

/** Answers every item of the checklist (concerns on the items named) as `as`, a legal reviewer or supervisor. */
export async function completeScreening(
  node: TestApp,
  as: ActingAs,
  requestId: string,
  concerns: Readonly<Record<string, string>> = {},
): Promise<Screening> {
  const current = await readScreening(node, as, requestId);
  const response = await node.app.inject({
    method: 'PUT',
    url: `/api/v1/requests/${requestId}/screening`,
    headers: as.headers,
    payload: { answers: answersFor(current.items, concerns), revision: current.revision },
  });
  assert.equal(response.statusCode, 200, response.body);
  const saved = (JSON.parse(response.body) as { screening: Screening }).screening;
  assert.equal(saved.complete, true);
  return saved;
}

/** Something that calls a node's API over HTTP (src/demo/node-api.ts's ApiClient). */
type HttpCaller = Readonly<{
  call: <T = unknown>(
    method: string,
    path: string,
    body?: unknown,
  ) => Promise<{ status: number; body: T; text: string }>;
}>;

/**
 * Like completeScreening, over HTTP to a node process (process and browser tests): `client` acts as
 * a legal reviewer or supervisor of the requested node.
 */
export async function completeScreeningOver(
  client: HttpCaller,
  requestId: string,
  concerns: Readonly<Record<string, string>> = {},
): Promise<Screening> {
  const path = `/api/v1/requests/${requestId}/screening`;
  const read = await client.call<{ screening: Screening }>('GET', path);
  assert.equal(read.status, 200, read.text);
  const current = read.body.screening;
  const saved = await client.call<{ screening: Screening }>('PUT', path, {
    answers: answersFor(current.items, concerns),
    revision: current.revision,
  });
  assert.equal(saved.status, 200, saved.text);
  assert.equal(saved.body.screening.complete, true);
  return saved.body.screening;
}
