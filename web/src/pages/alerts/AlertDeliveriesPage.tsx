/**
 * Alert deliveries, for administrators (alerts:manage): the e-mails and webhook calls of alerts
 * that failed too many times (they wait for a person) or are still being retried, with the alert,
 * its request, where it goes, the attempts and the last error, and a button to try again now.
 */
import { Anchor, Button, Group, Paper, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type AlertDelivery, type AlertDeliveryStatus, answer, api } from '../../app/api.ts';
import { RouterLink } from '../../app/router.tsx';
import { labelSeparator } from '../../components/format.ts';
import { PageTitle } from '../../components/PageTitle.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { useApi } from '../../components/use-api.ts';
import { TimeText } from '../../components/TimeText.tsx';
import { WideTable } from '../../components/WideTable.tsx';
import { DeliveryErrorText } from '../../components/DeliveryErrorText.tsx';

/** The statuses the screen offers: what needs a person first. */
const STATUSES = ['failed', 'pending'] as const satisfies readonly AlertDeliveryStatus[];
type ShownStatus = (typeof STATUSES)[number];

export function AlertDeliveriesPage() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<ShownStatus>('failed');
  const deliveries = useApi(async () => {
    const { items } = await answer(
      api.GET('/api/v1/alert-deliveries', { params: { query: { status, limit: 500 } } }),
    );
    return { status, items };
  }, [status]);
  const [busyId, setBusyId] = useState<string | undefined>(undefined);
  const [actionError, setActionError] = useState<unknown>(undefined);
  const [notice, setNotice] = useState('');
  const items = deliveries.data?.status === status ? deliveries.data.items : [];
  const title = t('alerts.title');
  const statusLabel = t(`alerts.status.${status}`);

  const retry = async (delivery: AlertDelivery) => {
    setBusyId(delivery.id);
    setActionError(undefined);
    setNotice('');
    try {
      await answer(
        api.POST('/api/v1/alert-deliveries/{id}/retry', { params: { path: { id: delivery.id } } }),
      );
      setNotice(t('alerts.retried'));
      deliveries.reload();
    } catch (error) {
      setActionError(error);
    } finally {
      setBusyId(undefined);
    }
  };

  return (
    <>
      <Group justify="space-between" align="flex-start">
        <PageTitle text={title}>{title}</PageTitle>
        <Button variant="default" onClick={deliveries.reload} loading={deliveries.isLoading}>
          {t('alerts.refresh')}
        </Button>
      </Group>
      <Text size="sm" c="gray.7" mb="sm">
        {t('alerts.intro')}
      </Text>
      <Paper component="section" withBorder p="sm">
        <Group justify="flex-end" mb="xs">
          <SegmentedControl
            aria-label={t('alerts.statusFilter')}
            value={status}
            onChange={(value) => setStatus(value as ShownStatus)}
            data={STATUSES.map((value) => ({ value, label: t(`alerts.status.${value}`) }))}
            size="xs"
            data-testid="alert-deliveries-status"
          />
        </Group>
        <Text size="sm" role="status" c="teal.9" mb={notice ? 'xs' : 0}>
          {notice}
        </Text>
        <Stack gap="xs">
          <ProblemAlert error={deliveries.error} />
          <ProblemAlert error={actionError} />
          {!deliveries.isLoading && !deliveries.error && deliveries.data && items.length === 0 ? (
            <Text c="gray.7" size="sm" data-testid="alert-deliveries-empty">
              {t('alerts.empty')}
            </Text>
          ) : null}
          {items.length > 0 ? (
            <WideTable minWidth={900} label={t('alerts.tableLabel', { status: statusLabel })}>
              <Table striped aria-label={t('alerts.tableLabel', { status: statusLabel })} fz="sm">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t('alerts.alert')}</Table.Th>
                    <Table.Th scope="col">{t('alerts.channel')}</Table.Th>
                    <Table.Th scope="col">{t('alerts.target')}</Table.Th>
                    <Table.Th scope="col">{t('alerts.attempts')}</Table.Th>
                    <Table.Th scope="col">{t('alerts.times')}</Table.Th>
                    <Table.Th scope="col">{t('alerts.lastError')}</Table.Th>
                    <Table.Th scope="col">
                      <span className="visually-hidden">{t('alerts.retry')}</span>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((delivery) => (
                    <Table.Tr key={delivery.id} data-delivery-id={delivery.id}>
                      <Table.Td>
                        <Stack gap={2}>
                          <Text size="sm">{t(`alerts.kinds.${delivery.alertKind}`, delivery.alertKind)}</Text>
                          {delivery.requestId ? (
                            <Anchor component={RouterLink} href={`/requests/${delivery.requestId}`} size="xs">
                              {t('alerts.request')}
                            </Anchor>
                          ) : (
                            <Text size="xs" c="gray.7">
                              {t('alerts.noRequest')}
                            </Text>
                          )}
                        </Stack>
                      </Table.Td>
                      <Table.Td>{t(`alerts.channels.${delivery.channel}`)}</Table.Td>
                      <Table.Td>
                        <span className="machine-text" data-breakable>
                          {delivery.target ?? t('alerts.targetGone')}
                        </span>
                      </Table.Td>
                      <Table.Td>{delivery.attempts}</Table.Td>
                      <Table.Td>
                        <Stack gap={2}>
                          <Text size="xs">
                            {t('alerts.raisedAt')}
                            {labelSeparator()}
                            <TimeText iso={delivery.raisedAt} />
                          </Text>
                          <Text size="xs">
                            {t('alerts.lastAttempt')}
                            {labelSeparator()}
                            <TimeText iso={delivery.lastAttemptAt} isExact />
                          </Text>
                          {delivery.nextAttemptAt ? (
                            <Text size="xs">
                              {t('alerts.nextAttempt')}
                              {labelSeparator()}
                              <TimeText iso={delivery.nextAttemptAt} isExact />
                            </Text>
                          ) : null}
                        </Stack>
                      </Table.Td>
                      <Table.Td>
                        {delivery.lastError ? <DeliveryErrorText text={delivery.lastError} /> : '—'}
                      </Table.Td>
                      <Table.Td>
                        <Button
                          size="xs"
                          variant="light"
                          loading={busyId === delivery.id}
                          onClick={() => void retry(delivery)}
                        >
                          {t('alerts.retry')}
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </WideTable>
          ) : null}
        </Stack>
      </Paper>
    </>
  );
}
