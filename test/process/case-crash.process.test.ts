/**
 * Process test: a case driven through acknowledge, clarification, acceptance, partial execution,
 * full execution and closing between two real nodes (FR requesting, DE requested), while DE is
 * killed with SIGKILL twice mid-way: once while FR's answer to the clarification is on its way to
 * DE, once right after DE executed partly (its message still in DE's outbox). Afterwards both
 * nodes hold the same status and the same history, every event once, none lost; the federation
 * carried each transition in exactly one message each way.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { addDays, calendarDateOf } from '../../src/core/treaty/calendar-date.ts';
import { approveResponse, makeTransition, readCase } from '../../src/demo/federation-api.ts';
import { createAccount, createTokenFor } from '../../src/demo/node-api.ts';
import {
  type ApiClient,
  apiClient,
  delay,
  draftMany,
  type Federation,
  startFederation,
  submitAndApprove,
  supervisorFor,
  waitFor,
  waitUntilAllDelivered,
  withNodeDatabase,
} from '../helpers/node-process.ts';

type CaseView = Awaited<ReturnType<typeof readCase>>;

const RESPONSE = {
  text: 'Subscriber data of the account, as held by the provider.',
  results: [{ kind: 'subscriber-data', identifier: 'user@example.org', subscriber: { name: 'A. N.' } }],
};

/** The history as both nodes must agree on it (where each event was made, and its message's direction, differ). */
function shared(current: CaseView) {
  return {
    status: current.status,
    events: current.events.map(({ origin: _origin, message, ...event }) => ({
      ...event,
      message: message && { id: message.id, state: message.state, receipt: message.receipt },
    })),
  };
}

describe('kill -9 of the requested node while a case moves', { timeout: 240_000 }, () => {
  let federation: Federation;

  before(async () => {
    federation = await startFederation({ states: ['FR', 'DE'], shouldKeepLogs: false });
  });
  after(async () => {
    await federation?.stop();
  });

  it('leaves both nodes with the same status and history, each event once', async () => {
    const fr = federation.node('FR');
    const de = federation.node('DE');
    const officer = await fr.userClient('officer');
    const duty = await de.userClient('duty-officer');
    const reviewerAccount = await createAccount(de, {
      username: 'de.reviewer',
      displayName: 'DE legal reviewer',
      roles: ['legal-reviewer'],
    });
    const reviewer: ApiClient = apiClient(
      de.url,
      await createTokenFor(de.url, reviewerAccount.username, reviewerAccount.password),
    );

    const [frId] = await draftMany(officer, 'FR', 'DE', 1, 1);
    assert.ok(frId);
    await submitAndApprove(officer, frId);
    await waitUntilAllDelivered(officer, [frId], 30_000);
    const deId = await waitFor(
      'the request at DE',
      async () => {
        const { items } = await answerOk(
          duty.api.GET('/api/v1/requests', { params: { query: { direction: 'incoming' } } }),
        );
        return items.find((item) => item.remoteRequestId === frId)?.id;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );

    /** Waits until FR's copy of the case reaches `status`. */
    const atFr = (status: string) =>
      waitFor(
        `FR's case ${status}`,
        async () => ((await readCase(officer, frId)).status === status ? true : undefined),
        {
          timeoutMs: 60_000,
          intervalMs: 100,
        },
      );
    const atDe = (status: string) =>
      waitFor(
        `DE's case ${status}`,
        async () => ((await readCase(duty, deId)).status === status ? true : undefined),
        {
          timeoutMs: 60_000,
          intervalMs: 100,
        },
      );

    const today = calendarDateOf(new Date());
    await makeTransition(duty, deId, 'acknowledge', { note: 'Received by the 24/7 desk.' });
    await makeTransition(duty, deId, 'begin-assessment');
    await makeTransition(duty, deId, 'request-clarification', {
      questions: 'In which time zone are the log times given?',
      answerBy: addDays(today, 7),
    });
    await atFr('clarification-requested');

    // FR answers while DE is down: the answer waits in FR's outbox and arrives after DE restarts.
    await de.process.kill();
    await makeTransition(officer, frId, 'answer-clarification', { answer: 'UTC.' });
    await delay(1000);
    await de.process.start();
    await atDe('under-assessment');

    await makeTransition(reviewer, deId, 'accept');
    await makeTransition(duty, deId, 'begin-execution');
    await makeTransition(duty, deId, 'execute-partly', RESPONSE);
    // A response leaves only once a second person approves it (the two-person rule).
    await approveResponse(await supervisorFor(duty), deId);
    // DE dies right after executing partly: its message is still in its outbox, or on the wire.
    await de.process.kill();
    await delay(500);
    await de.process.start();
    await atFr('executed-partly');
    await makeTransition(duty, deId, 'execute-fully', RESPONSE);
    await approveResponse(await supervisorFor(duty), deId);
    // FR closes once it holds the full execution (closing from executed-partly at the same time
    // as DE executes fully would be two concurrent transitions: docs/case-lifecycle.md, Limits).
    await atFr('executed-fully');
    await makeTransition(officer, frId, 'close');
    await atDe('closed');
    await atFr('closed');

    // Each node's own messages have their receipts once delivered.
    const settled = (client: ApiClient, id: string) =>
      waitFor(
        'every message of the case delivered',
        async () => {
          const current = await readCase(client, id);
          return current.events.every((event) => event.message?.state === 'delivered') ? current : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 100 },
      );
    const [caseAtFr, caseAtDe] = await Promise.all([settled(officer, frId), settled(duty, deId)]);
    assert.deepEqual(shared(caseAtFr), shared(caseAtDe));
    assert.deepEqual(
      caseAtDe.events.map((event) => event.transition),
      [
        'acknowledge',
        'begin-assessment',
        'request-clarification',
        'answer-clarification',
        'accept',
        'begin-execution',
        'execute-partly',
        'execute-fully',
        'close',
      ],
    );

    // Each transition travelled once: DE received FR's two, FR received DE's seven.
    const receivedAtDe = await withNodeDatabase(de.process, (db) => countCaseMessages(db, deId));
    const receivedAtFr = await withNodeDatabase(fr.process, (db) => countCaseMessages(db, frId));
    assert.deepEqual(receivedAtDe, { events: 9, received: 2 });
    assert.deepEqual(receivedAtFr, { events: 9, received: 7 });
  });
});

async function answerOk<T>(call: Promise<{ data?: T; error?: unknown }>): Promise<T> {
  const { data, error } = await call;
  if (error !== undefined || data === undefined)
    throw new Error(`the node refused: ${JSON.stringify(error)}`);
  return data;
}

async function countCaseMessages(
  db: Parameters<Parameters<typeof withNodeDatabase>[1]>[0],
  requestId: string,
): Promise<{ events: number; received: number }> {
  const { rows } = await sql<{ events: number; received: number }>`
    select count(*)::int as events, count(received_message_id)::int as received
      from case_events where request_id = ${requestId}::uuid`.execute(db);
  return { events: Number(rows[0]?.events), received: Number(rows[0]?.received) };
}
