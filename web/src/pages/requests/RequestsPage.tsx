/**
 * The requests the user may read (GET /api/v1/requests), in two tabs when the user also handles
 * requests other States sent to this node (request:read-incoming): outgoing ones with their
 * requested State, status, delivery state and the node they went to; incoming ones with the
 * requesting State (the sending node's, as the directory names it), the node they came from and
 * when they arrived. Each opens the request; the user's own drafts can be
 * deleted after a confirmation. The tab is part of the address (?direction=incoming).
 */
import { Anchor, Badge, Button, Group, Table, Tabs, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { answer, api, type RequestDirection, type RequestSummary } from '../../app/api.ts';
import { navigate, RouterLink, useLocation } from '../../app/router.tsx';
import { useUser } from '../../app/session.tsx';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { DeliveryBadge } from '../../components/DeliveryBadge.tsx';
import { formatDateTime, stateName } from '../../components/format.ts';
import { PageTitle } from '../../components/PageTitle.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { requestTypeTitle, useCatalogue, useStates } from '../../components/reference-data.ts';
import { useApi } from '../../components/use-api.ts';
import { WideTable } from '../../components/WideTable.tsx';

function directionOf(search: string): RequestDirection {
  return new URLSearchParams(search).get('direction') === 'incoming' ? 'incoming' : 'outgoing';
}

/** Where the case stands, the same words on both nodes and on the desk (not the request's own status, which stops at sent or received). */
function StatusBadge({ caseStatus }: { caseStatus: string }) {
  const { t } = useTranslation();
  return (
    <Badge variant="outline" color="gray.8" radius="sm" className="badge-whole" data-case-status={caseStatus}>
      {t(`caseStatus.${caseStatus}`, { defaultValue: caseStatus })}
    </Badge>
  );
}

function NodeId({ nodeId }: { nodeId: string | null }) {
  return nodeId ? <span className="machine-text">{nodeId}</span> : <>—</>;
}

export function RequestsPage() {
  const { t } = useTranslation();
  const user = useUser();
  const location = useLocation();
  const permissions = user?.permissions ?? [];
  const canDraft = permissions.includes('request:draft');
  const canReadIncoming =
    permissions.includes('request:read-incoming') || permissions.includes('request:read-all');
  // Someone who reads incoming requests but sends none (an evidence custodian) sees those alone.
  const hasOutgoing = canDraft || permissions.includes('request:read-all');
  const direction: RequestDirection = !canReadIncoming
    ? 'outgoing'
    : hasOutgoing
      ? directionOf(location.search)
      : 'incoming';
  // The answer names its direction, so the other tab's rows never show while this one loads.
  const requests = useApi(async () => {
    const { items } = await answer(api.GET('/api/v1/requests', { params: { query: { direction } } }));
    return { direction, items };
  }, [direction]);
  const catalogue = useCatalogue();
  const states = useStates();
  const items = requests.data?.direction === direction ? requests.data.items : [];
  const [toDelete, setToDelete] = useState<RequestSummary | undefined>(undefined);
  const [isDeleting, setIsDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<unknown>(undefined);

  const typeTitle = (type: string) => requestTypeTitle(catalogue.data, type);

  const confirmDelete = async () => {
    if (!toDelete) return;
    setIsDeleting(true);
    setDeleteError(undefined);
    try {
      await answer(api.DELETE('/api/v1/requests/{id}', { params: { path: { id: toDelete.id } } }));
      requests.setData({ direction, items: items.filter((item) => item.id !== toDelete.id) });
      setToDelete(undefined);
    } catch (error) {
      setDeleteError(error);
      setToDelete(undefined);
    } finally {
      setIsDeleting(false);
    }
  };

  const isIncoming = direction === 'incoming';
  const tableLabel = isIncoming ? t('requests.incoming') : t('requests.outgoing');

  const table =
    items.length > 0 ? (
      <WideTable minWidth={isIncoming ? 860 : 940} label={canReadIncoming ? tableLabel : t('requests.title')}>
        <Table striped highlightOnHover aria-label={canReadIncoming ? tableLabel : t('requests.title')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('requests.type')}</Table.Th>
              {/* Where the case stands next to what it is: a phone shows both before the table scrolls. */}
              <Table.Th scope="col">{t('requests.status')}</Table.Th>
              <Table.Th scope="col">{t('requests.caseReference')}</Table.Th>
              <Table.Th scope="col">
                {isIncoming ? t('requests.requestingState') : t('requests.requestedState')}
              </Table.Th>
              {isIncoming ? null : <Table.Th scope="col">{t('requests.delivery')}</Table.Th>}
              <Table.Th scope="col">{isIncoming ? t('requests.fromNode') : t('requests.toNode')}</Table.Th>
              <Table.Th scope="col">{isIncoming ? t('requests.receivedAt') : t('requests.updated')}</Table.Th>
              <Table.Th scope="col">
                <span className="visually-hidden">{t('requests.actions')}</span>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((item) => {
              const label = item.caseReference || typeTitle(item.type);
              const canDelete =
                item.status === 'draft' && item.direction === 'outgoing' && item.createdBy.id === user?.id;
              const time = isIncoming ? (item.receivedAt ?? item.createdAt) : item.updatedAt;
              const otherState = isIncoming ? item.peerState : item.requestedState;
              const otherStateLabel = otherState ? stateName(states.data, otherState) : '';
              return (
                <Table.Tr key={item.id} data-request-id={item.id} data-direction={item.direction}>
                  <Table.Td>
                    <Anchor component={RouterLink} href={`/requests/${item.id}`}>
                      {typeTitle(item.type)}
                    </Anchor>
                    {/* On a phone the columns after the status are scrolled away: rows of one type
                        are told apart by their reference and State, under the type. */}
                    <Text size="xs" c="gray.7" hiddenFrom="sm" data-testid="request-row-summary">
                      {[item.caseReference, otherStateLabel].filter(Boolean).join(' · ')}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge caseStatus={item.caseStatus} />
                  </Table.Td>
                  <Table.Td>{item.caseReference ?? '—'}</Table.Td>
                  <Table.Td>{otherStateLabel || '—'}</Table.Td>
                  {isIncoming ? null : (
                    <Table.Td>
                      {item.deliveryState ? <DeliveryBadge state={item.deliveryState} /> : '—'}
                    </Table.Td>
                  )}
                  <Table.Td>
                    <NodeId nodeId={item.peerNodeId} />
                  </Table.Td>
                  <Table.Td>
                    <time dateTime={time}>{formatDateTime(time)}</time>
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap" justify="flex-end">
                      <Button
                        size="compact-sm"
                        variant="default"
                        component={RouterLink}
                        href={`/requests/${item.id}`}
                        aria-label={t('requests.openLabel', { name: label })}
                      >
                        {t('requests.open')}
                      </Button>
                      {canDelete ? (
                        <Button
                          size="compact-sm"
                          variant="outline"
                          color="red.9"
                          c="red.9"
                          onClick={() => setToDelete(item)}
                          aria-label={t('requests.deleteLabel', { name: label })}
                        >
                          {t('requests.delete')}
                        </Button>
                      ) : null}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </WideTable>
    ) : null;

  const listing = (
    <>
      <ProblemAlert error={requests.error} />
      <ProblemAlert error={deleteError} />
      {!requests.isLoading && !requests.error && requests.data && items.length === 0 ? (
        <Text c="gray.7" data-testid="requests-empty">
          {/* "Start with New request" only to those who may draft one (not an auditor). */}
          {isIncoming
            ? t('requests.incomingEmpty')
            : canDraft
              ? t('requests.empty')
              : t('requests.sentEmpty')}
        </Text>
      ) : null}
      {table}
    </>
  );

  return (
    <>
      <Group justify="space-between" align="flex-start">
        <PageTitle text={t('requests.title')}>{t('requests.title')}</PageTitle>
        {canDraft ? (
          <Button component={RouterLink} href="/requests/new">
            {t('nav.newRequest')}
          </Button>
        ) : null}
      </Group>
      {canReadIncoming && hasOutgoing ? (
        <Tabs
          value={direction}
          onChange={(value) =>
            navigate(value === 'incoming' ? '/requests?direction=incoming' : '/requests', { replace: true })
          }
          keepMounted={false}
        >
          <Tabs.List aria-label={t('requests.directionTabs')} mb="sm">
            <Tabs.Tab value="outgoing" data-testid="tab-outgoing">
              {t('requests.outgoing')}
            </Tabs.Tab>
            <Tabs.Tab value="incoming" data-testid="tab-incoming">
              {t('requests.incoming')}
            </Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="outgoing">{isIncoming ? null : listing}</Tabs.Panel>
          <Tabs.Panel value="incoming">{isIncoming ? listing : null}</Tabs.Panel>
        </Tabs>
      ) : (
        listing
      )}
      <ConfirmModal
        isOpen={toDelete !== undefined}
        title={t('requests.deleteTitle')}
        message={t('requests.deleteConfirm', {
          name: toDelete ? toDelete.caseReference || typeTitle(toDelete.type) : '',
        })}
        confirmLabel={t('requests.delete')}
        isBusy={isDeleting}
        onConfirm={() => void confirmDelete()}
        onCancel={() => setToDelete(undefined)}
      />
    </>
  );
}
