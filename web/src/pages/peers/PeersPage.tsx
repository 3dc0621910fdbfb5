/**
 * Peers and delivery, for administrators (federation:operate): every other node this node knows
 * from the directory (its serial, expiry and the outcome of the latest refresh, with a warning
 * once it has expired), with its State, authority, endpoint, health (last success and failure),
 * queue depth, last delivery, failures and circuit state; then the outgoing messages by status,
 * with the last error of each and buttons to try a stuck message again now or to give it up
 * (after a confirmation). A node without a federation identity says so plainly: its operator runs
 * `comity init` first.
 */
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  Group,
  Loader,
  Paper,
  SegmentedControl,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  answer,
  api,
  isApiError,
  type OutboxMessage,
  type OutboxStatus,
  type Peer,
  type PeersReport,
} from '../../app/api.ts';
import { RouterLink } from '../../app/router.tsx';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { DeliveryBadge, HealthBadge } from '../../components/DeliveryBadge.tsx';
import { DigestText } from '../../components/DigestText.tsx';
import { DeliveryErrorText } from '../../components/DeliveryErrorText.tsx';
import { FactList } from '../../components/FactList.tsx';
import {
  formatDateTime,
  formatNumber,
  labelSeparator,
  localized,
  stateName,
} from '../../components/format.ts';
import { PageTitle } from '../../components/PageTitle.tsx';
import { TimeText } from '../../components/TimeText.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { useStates } from '../../components/reference-data.ts';
import { useApi } from '../../components/use-api.ts';
import { WideTable } from '../../components/WideTable.tsx';

function MachineText({ text, isBreakable = false }: { text: string; isBreakable?: boolean }) {
  return (
    <span className="machine-text" data-breakable={isBreakable || undefined}>
      {text}
    </span>
  );
}

/** A labelled line inside a table cell: "Last success: 12 Mar 2026, 14:05". */
function CellLine({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Text size="xs" c="gray.7">
      {label}
      {labelSeparator()}
      <Text span size="xs" c="dark.7">
        {children}
      </Text>
    </Text>
  );
}

/** "12 Mar 2026, 14:05: succeeded" or "...: failed (unreachable)" with the detail below. */
function RefreshOutcome({ refresh }: { refresh: NonNullable<PeersReport['lastRefresh']> }) {
  const { t } = useTranslation();
  return (
    <Stack gap={2}>
      <Text size="sm">
        <TimeText iso={refresh.at} isExact />
        {': '}
        {refresh.isOk ? t('peers.refreshOk') : t('peers.refreshFailed')}
        {refresh.reason ? (
          <>
            {' ('}
            <MachineText text={refresh.reason} />)
          </>
        ) : null}
      </Text>
      {refresh.detail ? (
        <Text size="xs" c="gray.7">
          <MachineText text={refresh.detail} isBreakable />
        </Text>
      ) : null}
    </Stack>
  );
}

/** Whether the node answered that it has no federation identity (503 before `comity init`, or no node id). */
function hasNoIdentity(report: PeersReport | undefined, error: unknown): boolean {
  if (isApiError(error) && error.code === 'unavailable') return true;
  return report !== undefined && report.nodeId === null;
}

function NoIdentity() {
  const { t } = useTranslation();
  return (
    <Alert color="blue" variant="light" title={t('peers.noIdentityTitle')} data-testid="peers-no-identity">
      <Text size="sm" mb="xs">
        {t('peers.noIdentity')}
      </Text>
      <Code>npx comity init</Code>
    </Alert>
  );
}

function PeerRow({ peer, stateLabel }: { peer: Peer; stateLabel: string }) {
  const { t } = useTranslation();
  const circuitLabel = t(`circuit.${peer.circuit.status}`, { defaultValue: peer.circuit.status });
  return (
    <Table.Tr data-peer={peer.nodeId}>
      <Table.Th scope="row" fw={500}>
        <Stack gap={2}>
          <MachineText text={peer.nodeId} />
          {peer.isListed ? null : (
            <Badge variant="outline" color="gray.8" radius="sm" size="sm" className="badge-whole">
              {t('peers.notListed')}
            </Badge>
          )}
        </Stack>
      </Table.Th>
      <Table.Td>
        <Stack gap={2} align="flex-start">
          <HealthBadge health={peer.health} />
          <CellLine label={t('peers.lastSuccess')}>
            <TimeText iso={peer.lastSuccessAt} isExact />
          </CellLine>
          <CellLine label={t('peers.lastFailure')}>
            <TimeText iso={peer.lastFailureAt} isExact />
          </CellLine>
        </Stack>
      </Table.Td>
      <Table.Td>
        <Stack gap={2}>
          <Text size="sm">{stateLabel || '—'}</Text>
          {peer.authority ? (
            <Text size="xs" c="gray.7">
              {t(`channel.${peer.authority}`, { defaultValue: peer.authority })}
            </Text>
          ) : null}
        </Stack>
      </Table.Td>
      <Table.Td>{peer.endpoint ? <MachineText text={peer.endpoint} isBreakable /> : '—'}</Table.Td>
      <Table.Td>
        <Stack gap={2}>
          <Text size="sm" data-testid="queue-depth">
            {t('peers.waiting', { n: formatNumber(peer.queueDepth) })}
          </Text>
          <CellLine label={t('peers.delivered')}>{formatNumber(peer.deliveredMessages)}</CellLine>
          <CellLine label={t('peers.lastDelivery')}>
            <TimeText iso={peer.lastDeliveredAt} isExact />
          </CellLine>
        </Stack>
      </Table.Td>
      <Table.Td>
        <Stack gap={2}>
          <CellLine label={t('peers.failedAttempts')}>{formatNumber(peer.totalFailures)}</CellLine>
          <CellLine label={t('peers.failedMessages')}>{formatNumber(peer.failedMessages)}</CellLine>
          {peer.lastError ? <DeliveryErrorText text={peer.lastError} maw={280} /> : null}
        </Stack>
      </Table.Td>
      <Table.Td>
        <Stack gap={2}>
          <Text size="sm" data-circuit={peer.circuit.status}>
            {circuitLabel}
          </Text>
          {peer.circuit.consecutiveFailures > 0 ? (
            <CellLine label={t('peers.consecutiveFailures')}>
              {formatNumber(peer.circuit.consecutiveFailures)}
            </CellLine>
          ) : null}
          {peer.circuit.openedAt ? (
            <CellLine label={t('peers.openedAt')}>
              <TimeText iso={peer.circuit.openedAt} isExact />
            </CellLine>
          ) : null}
        </Stack>
      </Table.Td>
    </Table.Tr>
  );
}

function PeersTable({ report }: { report: PeersReport }) {
  const { t } = useTranslation();
  const states = useStates();
  if (report.items.length === 0) {
    return (
      <Text c="gray.7" size="sm" data-testid="peers-empty">
        {t('peers.empty')}
      </Text>
    );
  }
  return (
    <WideTable minWidth={1080} label={t('peers.peersTitle')}>
      <Table striped aria-label={t('peers.peersTitle')} fz="sm" verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">{t('peers.node')}</Table.Th>
            {/* How the peer is doing next to which it is: a phone shows both before the table scrolls. */}
            <Table.Th scope="col">{t('peers.health')}</Table.Th>
            <Table.Th scope="col">{t('peers.stateAndAuthority')}</Table.Th>
            <Table.Th scope="col">{t('peers.endpoint')}</Table.Th>
            <Table.Th scope="col">{t('peers.queue')}</Table.Th>
            <Table.Th scope="col">{t('peers.failures')}</Table.Th>
            <Table.Th scope="col">{t('peers.circuit')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {report.items.map((peer) => (
            <PeerRow key={peer.nodeId} peer={peer} stateLabel={stateName(states.data, peer.state)} />
          ))}
        </Table.Tbody>
      </Table>
    </WideTable>
  );
}

/** The statuses an outgoing message can have, in the order the peers screen offers them. */
const OUTBOX_STATUSES: readonly OutboxStatus[] = ['failed', 'pending', 'delivered', 'cancelled'];

function OutboxSection({ onChanged }: { onChanged: () => void }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<OutboxStatus>('failed');
  const outbox = useApi(async () => {
    const { items } = await answer(api.GET('/api/v1/outbox', { params: { query: { status, limit: 200 } } }));
    return { status, items };
  }, [status]);
  const [toCancel, setToCancel] = useState<OutboxMessage | undefined>(undefined);
  const [busyId, setBusyId] = useState<string | undefined>(undefined);
  const [actionError, setActionError] = useState<unknown>(undefined);
  const [notice, setNotice] = useState('');
  const items = outbox.data?.status === status ? outbox.data.items : [];
  const canAct = status === 'failed' || status === 'pending';

  const act = async (message: OutboxMessage, action: 'retry' | 'cancel') => {
    setBusyId(message.id);
    setActionError(undefined);
    setNotice('');
    try {
      const path = { params: { path: { id: message.id } } };
      if (action === 'retry') await answer(api.POST('/api/v1/outbox/{id}/retry', path));
      else await answer(api.POST('/api/v1/outbox/{id}/cancel', path));
      setNotice(
        action === 'retry'
          ? t('outbox.retried', { node: message.peerNodeId })
          : t('outbox.cancelled', { node: message.peerNodeId }),
      );
      outbox.reload();
      onChanged();
    } catch (error) {
      setActionError(error);
    } finally {
      setBusyId(undefined);
      setToCancel(undefined);
    }
  };

  return (
    <Paper component="section" aria-labelledby="outbox-title" withBorder p="sm">
      <Group justify="space-between" align="flex-end" mb="xs">
        <Title order={2} size="h4" id="outbox-title">
          {t('outbox.title')}
        </Title>
        <SegmentedControl
          aria-label={t('outbox.statusFilter')}
          value={status}
          onChange={(value) => setStatus(value as OutboxStatus)}
          data={OUTBOX_STATUSES.map((value) => ({ value, label: t(`deliveryState.${value}`) }))}
          size="xs"
          data-testid="outbox-status"
        />
      </Group>
      <Text size="sm" c="gray.7" mb="xs">
        {t('outbox.intro')}
      </Text>
      <Text size="sm" role="status" c="teal.9" mb={notice ? 'xs' : 0}>
        {notice}
      </Text>
      <Stack gap="xs">
        <ProblemAlert error={outbox.error} />
        <ProblemAlert error={actionError} />
        {!outbox.isLoading && !outbox.error && outbox.data && items.length === 0 ? (
          <Text c="gray.7" size="sm" data-testid="outbox-empty">
            {t('outbox.empty', { status: t(`deliveryState.${status}`) })}
          </Text>
        ) : null}
        {items.length > 0 ? (
          <WideTable minWidth={1000} label={t('outbox.tableLabel', { status: t(`deliveryState.${status}`) })}>
            <Table
              striped
              aria-label={t('outbox.tableLabel', { status: t(`deliveryState.${status}`) })}
              fz="sm"
            >
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('outbox.message')}</Table.Th>
                  <Table.Th scope="col">{t('outbox.peer')}</Table.Th>
                  <Table.Th scope="col">{t('outbox.state')}</Table.Th>
                  <Table.Th scope="col">{t('outbox.attempts')}</Table.Th>
                  <Table.Th scope="col">{t('outbox.times')}</Table.Th>
                  <Table.Th scope="col">{t('outbox.lastError')}</Table.Th>
                  {canAct ? (
                    <Table.Th scope="col">
                      <span className="visually-hidden">{t('requests.actions')}</span>
                    </Table.Th>
                  ) : null}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((message) => (
                  <Table.Tr key={message.id} data-message-id={message.id}>
                    <Table.Td>
                      <Stack gap={2}>
                        <Anchor component={RouterLink} href={`/requests/${message.caseId}`} size="sm">
                          {localized(message.typeLabel)}
                        </Anchor>
                        <DigestText digest={message.digest} />
                      </Stack>
                    </Table.Td>
                    <Table.Td>
                      <MachineText text={message.peerNodeId} />
                    </Table.Td>
                    <Table.Td>
                      <DeliveryBadge state={message.status} />
                    </Table.Td>
                    <Table.Td>{formatNumber(message.attempts)}</Table.Td>
                    <Table.Td>
                      <Stack gap={2}>
                        <CellLine label={t('outbox.created')}>
                          <TimeText iso={message.createdAt} isExact />
                        </CellLine>
                        {message.lastAttemptAt ? (
                          <CellLine label={t('outbox.lastAttempt')}>
                            <TimeText iso={message.lastAttemptAt} isExact />
                          </CellLine>
                        ) : null}
                        {message.nextAttemptAt ? (
                          <CellLine label={t('outbox.nextAttempt')}>
                            <TimeText iso={message.nextAttemptAt} isExact />
                          </CellLine>
                        ) : null}
                        {message.deliveredAt ? (
                          <CellLine label={t('outbox.deliveredAt')}>
                            <TimeText iso={message.deliveredAt} isExact />
                          </CellLine>
                        ) : null}
                      </Stack>
                    </Table.Td>
                    <Table.Td>
                      {message.lastError ? (
                        <DeliveryErrorText text={message.lastError} statusCode={message.lastStatusCode} />
                      ) : (
                        '—'
                      )}
                    </Table.Td>
                    {canAct ? (
                      <Table.Td>
                        <Group gap="xs" wrap="nowrap" justify="flex-end">
                          <Button
                            size="compact-sm"
                            variant="default"
                            loading={busyId === message.id && toCancel === undefined}
                            disabled={busyId !== undefined && busyId !== message.id}
                            onClick={() => void act(message, 'retry')}
                            aria-label={t('outbox.retryLabel', { node: message.peerNodeId })}
                          >
                            {t('outbox.retry')}
                          </Button>
                          <Button
                            size="compact-sm"
                            variant="outline"
                            color="red.9"
                            c="red.9"
                            disabled={busyId !== undefined}
                            onClick={() => setToCancel(message)}
                            aria-label={t('outbox.cancelLabel', { node: message.peerNodeId })}
                          >
                            {t('outbox.cancel')}
                          </Button>
                        </Group>
                      </Table.Td>
                    ) : null}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </WideTable>
        ) : null}
      </Stack>
      <ConfirmModal
        isOpen={toCancel !== undefined}
        title={t('outbox.cancelTitle')}
        message={t('outbox.cancelConfirm', { node: toCancel?.peerNodeId ?? '' })}
        confirmLabel={t('outbox.cancelConfirmButton')}
        dismissLabel={t('outbox.keep')}
        isBusy={busyId !== undefined}
        onConfirm={() => {
          if (toCancel) void act(toCancel, 'cancel');
        }}
        onCancel={() => setToCancel(undefined)}
      />
    </Paper>
  );
}

export function PeersPage() {
  const { t } = useTranslation();
  const peers = useApi(() => answer(api.GET('/api/v1/peers')), []);
  const title = t('peers.title');
  const isWithoutIdentity = hasNoIdentity(peers.data, peers.error);
  const report = peers.data;

  return (
    <>
      <Group justify="space-between" align="flex-start">
        <PageTitle text={title}>{title}</PageTitle>
        {/* Busy without being disabled: the focus stays on the button while the list reloads. */}
        <Button
          variant="default"
          onClick={peers.reload}
          aria-busy={peers.isLoading}
          leftSection={peers.isLoading ? <Loader size="xs" aria-hidden /> : undefined}
          data-testid="peers-refresh"
        >
          {t('peers.refresh')}
        </Button>
      </Group>
      <Text size="sm" c="gray.7" mb="sm">
        {t('peers.intro')}
      </Text>
      {isWithoutIdentity ? <NoIdentity /> : <ProblemAlert error={peers.error} />}
      {report && !isWithoutIdentity ? (
        <Stack gap="md">
          <FactList
            facts={[
              report.nodeId !== null && {
                label: t('peers.thisNode'),
                value: <MachineText text={report.nodeId} />,
              },
              {
                label: t('peers.directory'),
                value: report.directory
                  ? t('peers.directorySerial', {
                      serial: report.directory.serial,
                      issuedAt: formatDateTime(report.directory.issuedAt),
                    })
                  : t('peers.noDirectory'),
              },
              report.directory?.fetchedAt
                ? {
                    label: t('peers.directoryFetched'),
                    value: <TimeText iso={report.directory.fetchedAt} isExact />,
                  }
                : null,
              report.directory
                ? {
                    label: t('peers.directoryExpires'),
                    value: <TimeText iso={report.directory.expiresAt} isExact />,
                  }
                : null,
              report.lastRefresh
                ? {
                    label: t('peers.lastRefresh'),
                    value: <RefreshOutcome refresh={report.lastRefresh} />,
                    testId: 'peers-last-refresh',
                  }
                : null,
            ]}
          />
          {report.directory?.isExpired ? (
            <Alert
              color="red"
              variant="light"
              title={t('peers.expiredTitle')}
              data-testid="peers-directory-expired"
            >
              <Text size="sm">
                {t('peers.expired', { time: formatDateTime(report.directory.expiresAt) })}
              </Text>
            </Alert>
          ) : null}
          <Paper component="section" aria-labelledby="peers-title" withBorder p="sm">
            <Title order={2} size="h4" id="peers-title" mb="xs">
              {t('peers.peersTitle')}
            </Title>
            <PeersTable report={report} />
          </Paper>
          <OutboxSection onChanged={peers.reload} />
        </Stack>
      ) : null}
    </>
  );
}
