/**
 * The requests the user may read (GET /api/v1/requests), in two tabs when the user also handles
 * requests other States sent to this node (request:read-incoming): outgoing ones with their
 * requested State, status, delivery state and the node they went to; incoming ones with the
 * requesting State (the sending node's, as the directory names it), the node they came from and
 * when they arrived. Each opens the request; the user's own drafts can be
 * deleted after a confirmation. Where the requested side's conditions or questions wait for the
 * requesting side's answer, the row says so (in bold where the answer is this side's). The tab,
 * the search (by case reference or id) and which cases are shown (all, open, ended) are part of
 * the address (?direction=incoming&q=FR-2026&cases=open); each tab counts its open cases (the
 * node's count over every page), and without a tab in the address the list opens on the incoming
 * requests when there are some and nothing was sent from here (a central authority's node). The
 * node answers a page at a time (100 requests); "Show more" adds the next page below. Coming back
 * to the list (Back, after opening a request) shows the rows read before, scrolled where they were,
 * the request opened in focus (list-return.ts).
 */
import { Anchor, Badge, Button, Group, SegmentedControl, Table, Tabs, Text, TextInput } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
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
import { keepInHistory, listReturnOf, rowsShownBefore } from './list-return.ts';

/** Which cases the list shows: all, those that have not ended, or those that have. */
type CasesShown = 'all' | 'open' | 'ended';

/** What the address names: the tab, the search and which cases (each optional). */
function listAddressOf(search: string): {
  direction: RequestDirection | undefined;
  q: string;
  cases: CasesShown;
} {
  const params = new URLSearchParams(search);
  const named = params.get('direction');
  const cases = params.get('cases');
  return {
    direction: named === 'incoming' || named === 'outgoing' ? named : undefined,
    q: params.get('q')?.slice(0, 100) ?? '',
    cases: cases === 'open' || cases === 'ended' ? cases : 'all',
  };
}

/** The address of the list with these choices (what is left at its default is left out). */
function listAddress(choices: {
  direction: RequestDirection | undefined;
  q: string;
  cases: CasesShown;
}): string {
  const params = new URLSearchParams();
  if (choices.direction) params.set('direction', choices.direction);
  if (choices.q.trim()) params.set('q', choices.q.trim());
  if (choices.cases !== 'all') params.set('cases', choices.cases);
  const query = params.toString();
  return query ? `/requests?${query}` : '/requests';
}

/** A page of a list as the node answers it, the pages read so far joined. */
type ListPage = Readonly<{ items: readonly RequestSummary[]; nextCursor: string | null; openCount: number }>;

type Listed = Readonly<Record<RequestDirection, ListPage | undefined>>;

/** How many requests the node answers a page when not asked for more, and the most it answers at once. */
const PAGE_SIZE = 100;
const LARGEST_PAGE = 500;

/** How many rows each tab shows. */
function rowCounts(listed: Listed): Partial<Record<RequestDirection, number>> {
  return { outgoing: listed.outgoing?.items.length, incoming: listed.incoming?.items.length };
}

/** How long typing pauses before the search is asked of the node. */
const SEARCH_PAUSE_MS = 300;

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
  const hasTabs = canReadIncoming && hasOutgoing;
  const address = listAddressOf(location.search);
  const { q, cases } = address;
  const [searchText, setSearchText] = useState(q);
  /** The tab shown, kept for the search: a search never moves the reader to the other tab. */
  const shownDirection = useRef<RequestDirection | undefined>(undefined);
  // The search is asked of the node once typing pauses, and kept in the address.
  useEffect(() => {
    if (searchText.trim() === q.trim()) return;
    const timer = setTimeout(() => {
      const now = listAddressOf(window.location.search);
      const direction = now.direction ?? shownDirection.current;
      navigate(listAddress({ ...now, direction, q: searchText }), { replace: true });
    }, SEARCH_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [searchText, q]);
  // An address changed otherwise (back, a link) brings its search into the field.
  useEffect(() => {
    setSearchText((text) => (text.trim() === q.trim() ? text : q));
  }, [q]);
  const listOf = async (
    direction: RequestDirection,
    page: Readonly<{ cursor?: string | undefined; limit?: number }> = {},
  ): Promise<ListPage> =>
    answer(
      api.GET('/api/v1/requests', {
        params: {
          query: {
            direction,
            ...(q.trim() ? { q: q.trim() } : {}),
            ...(cases === 'all' ? {} : { open: cases === 'open' ? 'true' : 'false' }),
            ...(page.cursor ? { cursor: page.cursor } : {}),
            ...(page.limit ? { limit: page.limit } : {}),
          },
        },
      }),
    );
  /**
   * The first page of a tab or, back on the list, as many rows as it showed before (kept in the
   * history entry for this search and filter): in one call up to the node's largest page.
   */
  const firstRowsOf = async (direction: RequestDirection): Promise<ListPage> => {
    const count = rowsShownBefore(listReturnOf(window.history.state), { q, cases }, direction);
    let read = await listOf(direction, count > PAGE_SIZE ? { limit: Math.min(count, LARGEST_PAGE) } : {});
    while (read.nextCursor && read.items.length < count) {
      const limit = Math.min(count - read.items.length, LARGEST_PAGE);
      const next = await listOf(direction, { cursor: read.nextCursor, limit });
      read = { ...next, items: [...read.items, ...next.items] };
    }
    return read;
  };
  // Both tabs' lists at once when there are two: each tab counts its open cases.
  const requests = useApi(async (): Promise<Listed> => {
    if (!hasTabs) {
      const only: RequestDirection = canReadIncoming ? 'incoming' : 'outgoing';
      return { outgoing: undefined, incoming: undefined, [only]: await firstRowsOf(only) };
    }
    const [outgoing, incoming] = await Promise.all([firstRowsOf('outgoing'), firstRowsOf('incoming')]);
    return { outgoing, incoming };
  }, [hasTabs, canReadIncoming, q, cases]);
  // The rows shown are kept in the history entry as they change: coming back reads as many again.
  // (The data only changes for the search and filter now in the address: an older answer is dropped.)
  useEffect(() => {
    if (!requests.data) return;
    const now = listAddressOf(window.location.search);
    keepInHistory({ q: now.q, cases: now.cases, shown: rowCounts(requests.data) });
  }, [requests.data]);
  /** The request about to be opened, kept with the scroll: coming back goes to its row. */
  const keepOpened = (openedId: string) => {
    if (!requests.data) return;
    keepInHistory({ q, cases, shown: rowCounts(requests.data), openedId, scrollY: window.scrollY });
  };
  /** What this history entry kept when the list was shown (undefined on a fresh visit). */
  const [cameBack] = useState(() => listReturnOf(window.history.state));
  const hasGoneBackToRow = useRef(false);
  // Back on the list, once its rows are there: the page scrolled as it was, the request opened in focus.
  useEffect(() => {
    if (hasGoneBackToRow.current || !requests.data || !cameBack?.openedId) return;
    hasGoneBackToRow.current = true;
    window.scrollTo(0, cameBack.scrollY ?? 0);
    // Focusing scrolls the row into view only if it is not shown (another window size).
    document.querySelector<HTMLElement>(`tr[data-request-id="${CSS.escape(cameBack.openedId)}"] a`)?.focus();
  }, [requests.data, cameBack]);
  const named = address.direction;
  const direction: RequestDirection = !canReadIncoming
    ? 'outgoing'
    : !hasOutgoing
      ? 'incoming'
      : (named ??
        // Not an empty tab when the other has requests: a central authority's node mostly receives.
        (requests.data?.outgoing?.items.length === 0 && (requests.data.incoming?.items.length ?? 0) > 0
          ? 'incoming'
          : 'outgoing'));
  shownDirection.current = hasTabs ? direction : undefined;
  const catalogue = useCatalogue();
  const states = useStates();
  const shown = requests.data?.[direction];
  const items = shown?.items ?? [];
  const isFiltered = q.trim() !== '' || cases !== 'all';
  const [isLoadingMore, setIsLoadingMore] = useState(false);
  /** The first row a "Show more" added: it takes the focus (the button may be gone). */
  const [firstAddedId, setFirstAddedId] = useState<string | undefined>(undefined);
  useEffect(() => {
    if (!firstAddedId) return;
    document.querySelector<HTMLElement>(`tr[data-request-id="${firstAddedId}"] a`)?.focus();
    setFirstAddedId(undefined);
  }, [firstAddedId]);
  const [moreError, setMoreError] = useState<unknown>(undefined);
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
      const remaining = items.filter((item) => item.id !== toDelete.id);
      if (requests.data && shown) {
        requests.setData({
          ...requests.data,
          [direction]: { ...shown, items: remaining, openCount: Math.max(0, shown.openCount - 1) },
        });
      }
      setToDelete(undefined);
    } catch (error) {
      setDeleteError(error);
      setToDelete(undefined);
    } finally {
      setIsDeleting(false);
    }
  };

  /** The next page of the tab shown, after the rows read so far. */
  const showMore = async () => {
    if (!shown?.nextCursor || !requests.data) return;
    setIsLoadingMore(true);
    setMoreError(undefined);
    try {
      const next = await listOf(direction, { cursor: shown.nextCursor });
      requests.setData({
        ...requests.data,
        [direction]: { ...next, items: [...shown.items, ...next.items] },
      });
      setFirstAddedId(next.items[0]?.id);
    } catch (error) {
      setMoreError(error);
    } finally {
      setIsLoadingMore(false);
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
                    <Anchor
                      component={RouterLink}
                      href={`/requests/${item.id}`}
                      onClick={() => keepOpened(item.id)}
                    >
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
                    {item.awaitingAnswer ? (
                      // The requesting side answers: its own step (bold); the requested side waits.
                      <Text
                        size="xs"
                        mt={4}
                        fw={isIncoming ? 400 : 700}
                        c={isIncoming ? 'gray.7' : undefined}
                        data-testid="request-awaiting-answer"
                        data-kind={item.awaitingAnswer}
                      >
                        {t(`desk.awaiting.${item.awaitingAnswer}${isIncoming ? 'ToThem' : 'ToUs'}`, {
                          state: otherStateLabel || '—',
                        })}
                      </Text>
                    ) : null}
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
                        onClick={() => keepOpened(item.id)}
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
        <Text c="gray.7" data-testid="requests-empty" role="status">
          {/* "Start with New request" only to those who may draft one (not an auditor). */}
          {isFiltered
            ? t('requests.noMatch')
            : isIncoming
              ? t('requests.incomingEmpty')
              : canDraft
                ? t('requests.empty')
                : t('requests.sentEmpty')}
        </Text>
      ) : null}
      {table}
      <ProblemAlert error={moreError} />
      {shown?.nextCursor ? (
        <Group justify="center" mt="sm">
          <Button
            variant="default"
            onClick={() => void showMore()}
            loading={isLoadingMore}
            data-testid="requests-more"
          >
            {t('requests.showMore')}
          </Button>
        </Group>
      ) : null}
    </>
  );

  const filters = (
    <Group align="flex-end" gap="md" mb="sm" wrap="wrap">
      <TextInput
        type="search"
        label={t('requests.search')}
        description={t('requests.searchHint')}
        value={searchText}
        onChange={(event) => setSearchText(event.currentTarget.value)}
        maxLength={100}
        w={{ base: '100%', sm: 320 }}
        data-testid="requests-search"
      />
      <div>
        <Text size="sm" fw={500} id="requests-cases-label" mb={4}>
          {t('requests.cases.label')}
        </Text>
        <SegmentedControl
          aria-labelledby="requests-cases-label"
          value={cases}
          onChange={(value) =>
            navigate(
              listAddress({
                ...address,
                direction: address.direction ?? shownDirection.current,
                q: searchText,
                cases: value as CasesShown,
              }),
              { replace: true },
            )
          }
          data={(['all', 'open', 'ended'] as const).map((value) => ({
            value,
            label: t(`requests.cases.${value}`),
          }))}
          data-testid="requests-cases"
        />
      </div>
    </Group>
  );

  return (
    <>
      <Group justify="space-between" align="flex-start">
        <Group gap="sm" align="center">
          <PageTitle text={t('requests.title')}>{t('requests.title')}</PageTitle>
          {/* One list (no tabs to carry it): its open cases, over every page. */}
          {!hasTabs && cases !== 'ended' && (shown?.openCount ?? 0) > 0 ? (
            <Badge size="lg" variant="outline" color="blue.9" data-testid={`tab-${direction}-open`}>
              {t('requests.openCount', { count: shown?.openCount ?? 0 })}
            </Badge>
          ) : null}
        </Group>
        {canDraft ? (
          <Button component={RouterLink} href="/requests/new">
            {t('nav.newRequest')}
          </Button>
        ) : null}
      </Group>
      {filters}
      {hasTabs ? (
        <Tabs
          value={direction}
          // The tab chosen is named in the address: without it the list would open on its own choice again.
          onChange={(value) =>
            navigate(
              listAddress({
                ...address,
                q: searchText,
                direction: value === 'incoming' ? 'incoming' : 'outgoing',
              }),
              { replace: true },
            )
          }
          keepMounted={false}
        >
          <Tabs.List aria-label={t('requests.directionTabs')} mb="sm">
            {(['outgoing', 'incoming'] as const).map((tab) => {
              const open = requests.data?.[tab]?.openCount ?? 0;
              return (
                <Tabs.Tab
                  key={tab}
                  value={tab}
                  data-testid={`tab-${tab}`}
                  rightSection={
                    open > 0 ? (
                      <Badge size="sm" variant="outline" color="blue.9" data-testid={`tab-${tab}-open`}>
                        {t('requests.openCount', { count: open })}
                      </Badge>
                    ) : null
                  }
                >
                  {t(`requests.${tab}`)}
                </Tabs.Tab>
              );
            })}
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
