/**
 * `comity peers` and `comity outbox ...`: the node's operator sees every peer's health, queue
 * depth, last delivery, failures and circuit state, lists the outbox, and retries or cancels a
 * stuck message, on the machine that runs the node (working on its database directly, like the
 * other operator commands). On PostgreSQL a running node picks a retried message up at once (it
 * is notified); the embedded database opens in one process at a time, so there the node is stopped
 * first (or the API does it: /api/v1/outbox).
 */
import { type Command, Option } from 'commander';
import { readIdentityFile } from '../../federation/identity/identity-store.ts';
import {
  cancelOutboxMessage,
  listOutbox,
  listPeers,
  OUTBOX_STATUSES,
  type OutboxMessageView,
  type OutboxStatus,
  type PeersReport,
  retryOutboxMessage,
} from '../../services/peers.service.ts';
import { printJson, printLine } from '../output.ts';
import { withNodeContext } from './node-context.ts';

function orDash(value: string | number | null | undefined): string {
  return value === null || value === undefined || value === '' ? '-' : String(value);
}

/** "directory serial 3 (issued ..., expires ...)" or "... EXPIRED since ...: no peer is trusted". */
function describeDirectory(directory: PeersReport['directory']): string {
  if (!directory) return 'no directory fetched yet';
  const validity = directory.isExpired
    ? `EXPIRED since ${directory.expiresAt}: no message is exchanged until a fresh one arrives`
    : `expires ${directory.expiresAt}`;
  return `directory serial ${directory.serial} (issued ${directory.issuedAt}, ${validity})`;
}

function describeRefresh(refresh: PeersReport['lastRefresh']): string {
  if (!refresh) return 'last refresh: none recorded';
  const outcome = refresh.isOk ? 'ok' : `failed (${orDash(refresh.reason)}): ${orDash(refresh.detail)}`;
  return `last refresh ${refresh.at}: ${outcome}`;
}

/** The readable table of `comity peers`. */
export function printPeers(report: PeersReport): void {
  printLine(
    `${report.nodeId ?? 'this node (no identity: run comity init)'}, ${describeDirectory(report.directory)}`,
  );
  printLine(describeRefresh(report.lastRefresh));
  if (report.items.length === 0) {
    printLine('no peers');
    return;
  }
  printLine(
    [
      'node',
      'state',
      'health',
      'circuit',
      'queue',
      'failed',
      'delivered',
      'last delivery',
      'last error',
    ].join('\t'),
  );
  for (const peer of report.items) {
    printLine(
      [
        peer.nodeId + (peer.isListed ? '' : ' (not in directory)'),
        orDash(peer.state),
        peer.health,
        peer.circuit.status +
          (peer.circuit.consecutiveFailures > 0 ? ` (${peer.circuit.consecutiveFailures} failures)` : ''),
        peer.queueDepth,
        peer.failedMessages,
        peer.deliveredMessages,
        orDash(peer.lastDeliveredAt),
        orDash(peer.lastError),
      ].join('\t'),
    );
  }
}

function printMessage(message: OutboxMessageView): void {
  printLine(
    [
      message.id,
      message.peerNodeId,
      message.type,
      message.status,
      `attempts ${message.attempts}`,
      message.status === 'pending' ? `next ${orDash(message.nextAttemptAt)}` : orDash(message.deliveredAt),
      orDash(message.lastError),
    ].join('\t'),
  );
}

export function registerPeersCommands(program: Command): void {
  program
    .command('peers')
    .description('every peer node: health, queue depth, last delivery, failures and circuit state')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const report = await withNodeContext(async (context) => {
        const identity = await readIdentityFile(context.config.federation.identityDirectory);
        return listPeers(context, identity ? { selfNodeId: identity.nodeId } : {});
      });
      if (options.json) printJson(report);
      else printPeers(report);
    });

  const outbox = program.command('outbox').description('messages this node delivers to other nodes');

  outbox
    .command('list')
    .description('list outgoing messages, oldest first')
    .addOption(new Option('--status <status>', 'only messages in this state').choices([...OUTBOX_STATUSES]))
    .option('--peer <nodeId>', 'only messages to this node')
    .option('--json', 'print JSON')
    .action(async (options: { status?: OutboxStatus; peer?: string; json?: boolean }) => {
      const messages = await withNodeContext((context) =>
        listOutbox(context, {
          ...(options.status ? { status: options.status } : {}),
          ...(options.peer ? { peerNodeId: options.peer } : {}),
          limit: 1000,
        }),
      );
      if (options.json) printJson({ items: messages });
      else if (messages.length === 0) printLine('no messages');
      else for (const message of messages) printMessage(message);
    });

  outbox
    .command('retry')
    .description('try a failed or waiting message again now (and close its peer circuit)')
    .argument('<id>', 'the message id')
    .action(async (id: string) => {
      const message = await withNodeContext((context) => retryOutboxMessage(context, id));
      printLine(`message ${message.id} to ${message.peerNodeId} is pending again`);
    });

  outbox
    .command('cancel')
    .description('give up a failed or waiting message (its request shows cancelled)')
    .argument('<id>', 'the message id')
    .action(async (id: string) => {
      const message = await withNodeContext((context) => cancelOutboxMessage(context, id));
      printLine(`message ${message.id} to ${message.peerNodeId} is cancelled`);
    });
}
