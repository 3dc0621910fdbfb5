/**
 * The scripted exchange of `comity demo --scenario emergency`: the 24/7 path of Art. 41 end to
 * end between two real nodes. An officer at State A sends an emergency preservation request
 * (Art. 42); it appears on the duty desk of State B by live update (no polling), B's duty
 * officer is alerted (the alert timers: nobody is on B's roster, so every duty officer), and the
 * case shows its acknowledgement deadline from B's declared service level; B's duty officer acknowledges it and
 * A's open session hears the acknowledgement; B records the preservation and A's session hears
 * the preserved-until date. Prints each step with its time and, at the end, the acknowledgement
 * latency; the first failure ends the scenario with one line naming the step.
 */
import { answer } from '../api-client/client.ts';
import { addDays, calendarDateOf } from '../core/treaty/calendar-date.ts';
import { preservationDraft } from './demo-drafts.ts';
import { approveRequest, draftRequest, makeTransition, readCase, submitRequest } from './federation-api.ts';
import type { Federation } from './federation-setup.ts';
import { type EventStream, openLiveUpdates, type StreamEvent } from './live-stream.ts';
import type { ApiClient } from './node-api.ts';
import type { ScenarioOptions } from './preservation-scenario.ts';
import { formatDuration, runSteps, type StepsOutcome } from './step-runner.ts';

type Update = Readonly<{ kind: string; requestId: string; status?: string; transition?: string }>;

const updateOf = (event: StreamEvent): Update => event.data as Update;

export async function runEmergencyScenario(
  federation: Federation,
  options: ScenarioOptions,
): Promise<StepsOutcome> {
  const sender = federation.node(options.from);
  const receiver = federation.node(options.to);
  const timeoutMs = options.deliveryTimeoutMs ?? 30_000;
  const from = sender.spec;
  const to = receiver.spec;
  let officer: ApiClient | undefined;
  let supervisor: ApiClient | undefined;
  let duty: ApiClient | undefined;
  let atA: EventStream | undefined;
  let atB: EventStream | undefined;
  let requestId = '';
  let incomingId = '';
  let sentAt = 0;
  let arrivedAt = 0;
  let acknowledgedAt = 0;
  let acknowledgementSeenAtA = 0;
  const today = calendarDateOf(new Date());
  const preservedUntil = addDays(today, 90);

  options.print(
    `Scenario: emergency preservation request from ${from.state} (${from.nodeId}) to ${to.state} (${to.nodeId})`,
  );
  try {
    const outcome = await runSteps(
      [
        {
          title: `officer at ${from.nodeId} and duty officer at ${to.nodeId} sign in; both have their screens open`,
          run: async () => {
            officer = await sender.userClient('officer');
            supervisor = await sender.userClient('supervisor');
            duty = await receiver.userClient('duty-officer');
            atA = await openLiveUpdates(officer);
            atB = await openLiveUpdates(duty);
            return 'live updates open on both nodes';
          },
        },
        {
          title: `officer drafts an emergency preservation request to ${to.state}`,
          run: async () => {
            const content = {
              ...preservationDraft(from.state, to.state, Date.now() % 100_000),
              urgency: {
                level: 'emergency' as const,
                justification:
                  'A hospital network is being encrypted now; the logs that show the intrusion are rotated daily.',
              },
            };
            const drafted = await draftRequest(officer!, content);
            if (!drafted.isReady)
              throw new Error(`validation blocks the draft: ${drafted.blocking.join('; ')}`);
            requestId = drafted.id;
            return `request ${requestId}`;
          },
        },
        {
          title: 'officer submits it; it waits at the top of the approval queue (an emergency)',
          run: async () => {
            await submitRequest(officer!, requestId);
            const queue = await answer(supervisor!.api.GET('/api/v1/approvals'));
            if (queue.items[0]?.requestId !== requestId) {
              throw new Error('the emergency request is not first in the approval queue');
            }
            return `${queue.items.length} waiting for approval`;
          },
        },
        {
          title: `supervisor approves it, which sends it to ${to.nodeId} (two-person rule)`,
          run: async () => {
            sentAt = performance.now();
            await approveRequest(supervisor!, requestId);
            return undefined;
          },
        },
        {
          title: `it appears on the duty desk at ${to.nodeId} without a reload`,
          run: async () => {
            const arrival = await atB!.next((event) => event.name === 'request-arrived', timeoutMs);
            incomingId = updateOf(arrival).requestId;
            arrivedAt = arrival.receivedAt;
            return `${formatDuration(arrivedAt - sentAt)} after sending`;
          },
        },
        {
          title: `the duty officer at ${to.nodeId} is alerted`,
          run: async () => {
            const alert = await atB!.next(
              (event) => event.name === 'alert-raised' && updateOf(event).requestId === incomingId,
              timeoutMs,
            );
            return `${formatDuration(alert.receivedAt - sentAt)} after sending; by e-mail and webhook too where configured`;
          },
        },
        {
          title: `${to.nodeId} shows the acknowledgement deadline of its service level`,
          run: async () => {
            const current = await readCase(duty!, incomingId);
            const deadline = current.deadlines.find((item) => item.kind === 'acknowledge');
            if (!deadline) throw new Error(`no acknowledgement deadline (status ${current.status})`);
            return `acknowledge by ${deadline.dueAt} (${deadline.state})`;
          },
        },
        {
          title: `duty officer at ${to.nodeId} acknowledges it`,
          run: async () => {
            const status = await makeTransition(duty!, incomingId, 'acknowledge', {
              note: 'Received by the 24/7 desk; preservation under way.',
            });
            acknowledgedAt = performance.now();
            return `${status}, ${formatDuration(acknowledgedAt - sentAt)} after sending`;
          },
        },
        {
          title: `officer at ${from.nodeId} sees "acknowledged" without a reload`,
          run: async () => {
            const heard = await atA!.next(
              (event) =>
                updateOf(event).requestId === requestId && updateOf(event).transition === 'acknowledge',
              timeoutMs,
            );
            acknowledgementSeenAtA = heard.receivedAt;
            return `${formatDuration(acknowledgementSeenAtA - acknowledgedAt)} after ${to.nodeId} acknowledged`;
          },
        },
        {
          title: `${to.nodeId} records the preservation until ${preservedUntil}`,
          run: async () => {
            const status = await makeTransition(duty!, incomingId, 'record-preservation', {
              tookEffectOn: today,
              preservedUntil,
              note: 'Subscriber and traffic data of the account preserved by the provider.',
            });
            return status;
          },
        },
        {
          title: `officer at ${from.nodeId} sees the preserved-until date`,
          run: async () => {
            await atA!.next(
              (event) =>
                updateOf(event).requestId === requestId &&
                updateOf(event).transition === 'record-preservation',
              timeoutMs,
            );
            const current = await readCase(officer!, requestId);
            const recorded = current.events.find((event) => event.transition === 'record-preservation');
            const until = (recorded?.payload as { preservedUntil?: string } | undefined)?.preservedUntil;
            if (current.status !== 'preserved' || until !== preservedUntil) {
              throw new Error(
                `the case at ${from.nodeId} is ${current.status}, preserved until ${until ?? 'unknown'}`,
              );
            }
            return `${current.status} until ${until}`;
          },
        },
      ],
      options.print,
    );
    if (outcome.isSuccess) {
      options.print(
        `Acknowledgement latency: ${formatDuration(acknowledgementSeenAtA - sentAt)} from sending at ${from.nodeId} to the acknowledgement seen at ${from.nodeId} ` +
          `(arrival on the desk ${formatDuration(arrivedAt - sentAt)}, acknowledgement back ${formatDuration(acknowledgementSeenAtA - acknowledgedAt)}).`,
      );
      options.print(`Scenario passed in ${formatDuration(outcome.totalMilliseconds)}.`);
    } else {
      options.print(`Scenario FAILED at "${outcome.failedStep}": ${outcome.reason}`);
    }
    return outcome;
  } finally {
    await atA?.close();
    await atB?.close();
  }
}
