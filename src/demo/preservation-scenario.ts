/**
 * The scripted exchange of `comity demo --scenario preservation`: an officer at State A's node
 * drafts a complete preservation request (Art. 42) to State B through the API, checks that
 * validation finds nothing blocking, and sends it; the scenario then waits until B's node holds
 * the incoming request and A's node has stored B's signed receipt. Each step is printed with its
 * time; the first failure ends the scenario with one line saying which step failed and why.
 */
import { answer } from '../api-client/client.ts';
import { preservationDraft } from './demo-drafts.ts';
import {
  approveRequest,
  draftRequest,
  listIncomingRequests,
  readDelivery,
  submitRequest,
} from './federation-api.ts';
import type { Federation } from './federation-setup.ts';
import type { ApiClient } from './node-api.ts';
import { GiveUpError, waitFor } from './node-process.ts';
import { formatDuration, runSteps, type StepsOutcome } from './step-runner.ts';

export type ScenarioOptions = Readonly<{
  /** State code or node id of the sender and the receiver. */
  from: string;
  to: string;
  /** How long to wait for the request at B and the receipt at A. Default 30 s. */
  deliveryTimeoutMs?: number;
  print: (line: string) => void;
}>;

export async function runPreservationScenario(
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
  let dutyOfficer: ApiClient | undefined;
  let requestId = '';
  let caseReference = '';
  let sentAt = 0;

  options.print(
    `Scenario: preservation request from ${from.state} (${from.nodeId}) to ${to.state} (${to.nodeId})`,
  );
  const outcome = await runSteps(
    [
      {
        title: `officer and supervisor at ${from.nodeId} sign in and get API tokens`,
        run: async () => {
          officer = await sender.userClient('officer');
          supervisor = await sender.userClient('supervisor');
          dutyOfficer = await receiver.userClient('duty-officer');
          return sender.accounts?.officer.username;
        },
      },
      {
        title: `officer drafts a preservation request to ${to.state}`,
        run: async () => {
          const content = preservationDraft(from.state, to.state, Date.now() % 100_000);
          caseReference = content.caseReference ?? '';
          const drafted = await draftRequest(officer!, content);
          requestId = drafted.id;
          if (!drafted.isReady)
            throw new Error(`validation blocks the draft: ${drafted.blocking.join('; ')}`);
          return `request ${requestId}, case ${caseReference}`;
        },
      },
      {
        title: 'validation finds nothing blocking',
        run: async () => {
          const report = await answer(
            officer!.api.GET('/api/v1/requests/{id}/findings', { params: { path: { id: requestId } } }),
          );
          if (!report.isReady) throw new Error('the request is not ready to send');
          const warnings = report.findings.filter((finding) => finding.severity === 'warning').length;
          return `${warnings} warning${warnings === 1 ? '' : 's'}`;
        },
      },
      {
        title: 'officer submits it for approval',
        run: async () => {
          await submitRequest(officer!, requestId);
          return 'awaiting approval';
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
        title: `${to.nodeId} holds the incoming request`,
        run: async () => {
          const incoming = await waitFor(
            `the request at ${to.nodeId}`,
            async () =>
              (await listIncomingRequests(dutyOfficer!)).find(
                (item) => item.remoteRequestId === requestId || item.caseReference === caseReference,
              ),
            { timeoutMs, intervalMs: 50 },
          );
          return `incoming request ${incoming.id}, ${formatDuration(performance.now() - sentAt)} after sending`;
        },
      },
      {
        title: `${from.nodeId} has the signed receipt of ${to.nodeId}`,
        run: async () => {
          await waitFor(
            `the receipt at ${from.nodeId}`,
            async () => {
              const delivery = await readDelivery(officer!, requestId);
              if (delivery.state === 'failed') throw new GiveUpError('delivery failed permanently');
              return delivery.state === 'delivered' ? delivery : undefined;
            },
            { timeoutMs, intervalMs: 50 },
          );
          return `${formatDuration(performance.now() - sentAt)} from sending to receipt`;
        },
      },
    ],
    options.print,
  );
  if (outcome.isSuccess) {
    options.print(`Scenario passed in ${formatDuration(outcome.totalMilliseconds)}.`);
  } else {
    options.print(`Scenario FAILED at "${outcome.failedStep}": ${outcome.reason}`);
  }
  return outcome;
}
