/**
 * The evidence register (evidence:read: evidence custodians, supervisors, duty officers, auditors):
 * every item this node holds, newest first, across requests: files attached here to requests
 * received, and files received with the evidence sent back on requests sent from here. Each row
 * names its request, the other node, the size, the retention date (due for deletion or not) and
 * whether its chain of custody holds; found by a part of the case reference or the file name, or
 * the start of the item's id or SHA-256; filters by status, direction and retention; the search and
 * filters kept in the address. A page at a time (100 items): "Show more" adds the next page below
 * and puts the focus on its first row.
 */
import {
  Anchor,
  Badge,
  Button,
  Checkbox,
  Group,
  Paper,
  NativeSelect,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiAnswer } from '../../../../src/api-client/client.ts';
import { answer, api } from '../../app/api.ts';
import { navigate, RouterLink, useLocation } from '../../app/router.tsx';
import { CustodyChainBadge } from '../../components/CustodyChainBadge.tsx';
import { formatDate, formatDateTime, formatNumber, stateName } from '../../components/format.ts';
import { PageTitle } from '../../components/PageTitle.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { requestTypeTitle, useCatalogue, useStates } from '../../components/reference-data.ts';
import { useApi } from '../../components/use-api.ts';
import { WideTable } from '../../components/WideTable.tsx';

type Register = ApiAnswer<'/api/v1/evidence', 'get'>;
type RegisterItem = Register['items'][number];

const STATUSES = ['all', 'stored', 'deleted', 'uploading'] as const;
const DIRECTIONS = ['all', 'incoming', 'outgoing'] as const;
type Filters = Readonly<{
  /** The search: a part of the case reference or file name, or the start of the id or SHA-256. */
  q: string;
  status: (typeof STATUSES)[number];
  direction: (typeof DIRECTIONS)[number];
  isDueOnly: boolean;
}>;

/** The longest search the node takes. */
const SEARCH_LENGTH = 100;
/** How long typing pauses before the search is asked of the node. */
const SEARCH_PAUSE_MS = 300;

/** The search and filters as the address gives them (`?q=BER&status=deleted&direction=outgoing&due=true`): a link or a reload keeps them. */
function filtersOf(search: string): Filters {
  const query = new URLSearchParams(search);
  const status = query.get('status');
  const direction = query.get('direction');
  return {
    q: query.get('q')?.slice(0, SEARCH_LENGTH) ?? '',
    status: STATUSES.find((value) => value === status) ?? 'all',
    direction: DIRECTIONS.find((value) => value === direction) ?? 'all',
    isDueOnly: query.get('due') === 'true',
  };
}

function searchOf(filters: Filters): string {
  const query = new URLSearchParams();
  if (filters.q.trim()) query.set('q', filters.q.trim());
  if (filters.status !== 'all') query.set('status', filters.status);
  if (filters.direction !== 'all') query.set('direction', filters.direction);
  if (filters.isDueOnly) query.set('due', 'true');
  const text = query.toString();
  return text ? `?${text}` : '';
}

/** The register's query for the search and filters, and the page at `cursor`. */
function queryOf(filters: Filters, cursor: string | undefined) {
  return {
    ...(filters.q.trim() ? { q: filters.q.trim() } : {}),
    ...(filters.status === 'all' ? {} : { status: filters.status }),
    ...(filters.direction === 'all' ? {} : { direction: filters.direction }),
    ...(filters.isDueOnly ? { due: 'true' as const } : {}),
    ...(cursor ? { cursor } : {}),
  };
}

export function EvidenceRegisterPage() {
  const { t } = useTranslation();
  const catalogue = useCatalogue();
  const states = useStates();
  const location = useLocation();
  const filters = useMemo(() => filtersOf(location.search), [location.search]);
  const [searchText, setSearchText] = useState(filters.q);
  // The search is asked of the node once typing pauses, and kept in the address.
  useEffect(() => {
    if (searchText.trim() === filters.q.trim()) return;
    const timer = setTimeout(() => {
      setMore(undefined);
      setMoreError(undefined);
      navigate(`/evidence${searchOf({ ...filtersOf(window.location.search), q: searchText })}`, {
        replace: true,
      });
    }, SEARCH_PAUSE_MS);
    return () => clearTimeout(timer);
  }, [searchText, filters.q]);
  // An address changed otherwise (back, a link) brings its search into the field.
  useEffect(() => {
    setSearchText((text) => (text.trim() === filters.q.trim() ? text : filters.q));
  }, [filters.q]);
  // The first page follows the filters; later pages are added below it.
  const first = useApi(
    async () => ({
      filters,
      page: await answer(api.GET('/api/v1/evidence', { params: { query: queryOf(filters, undefined) } })),
    }),
    [filters],
  );
  const [more, setMore] = useState<{ filters: Filters; items: RegisterItem[]; nextCursor: string | null }>();
  const [isLoadingMore, setIsLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<unknown>(undefined);
  /** The first row a "Show more" added: it takes the focus (the button may be gone). */
  const [firstAddedId, setFirstAddedId] = useState<string | undefined>(undefined);
  useEffect(() => {
    if (!firstAddedId) return;
    document.querySelector<HTMLElement>(`tr[data-item-id="${CSS.escape(firstAddedId)}"] a`)?.focus();
    setFirstAddedId(undefined);
  }, [firstAddedId]);
  const current = first.data?.filters === filters ? first.data.page : undefined;
  const extra = more?.filters === filters ? more : undefined;
  const items = [...(current?.items ?? []), ...(extra?.items ?? [])];
  const nextCursor = extra ? extra.nextCursor : (current?.nextCursor ?? null);
  const isFiltered =
    filters.q.trim() !== '' || filters.status !== 'all' || filters.direction !== 'all' || filters.isDueOnly;
  const title = t('evidenceRegister.title');

  const change = (next: Partial<Filters>) => {
    setMore(undefined);
    setMoreError(undefined);
    navigate(`/evidence${searchOf({ ...filters, q: searchText, ...next })}`, { replace: true });
  };

  const loadMore = async () => {
    if (!nextCursor) return;
    setIsLoadingMore(true);
    setMoreError(undefined);
    try {
      const page = await answer(
        api.GET('/api/v1/evidence', { params: { query: queryOf(filters, nextCursor) } }),
      );
      setMore({ filters, items: [...(extra?.items ?? []), ...page.items], nextCursor: page.nextCursor });
      setFirstAddedId(page.items[0]?.id);
    } catch (error) {
      setMoreError(error);
    } finally {
      setIsLoadingMore(false);
    }
  };

  const typeTitle = (type: string) => requestTypeTitle(catalogue.data, type);

  return (
    <>
      <PageTitle text={title}>{title}</PageTitle>
      <Text size="sm" c="gray.7" mb="sm" maw={820}>
        {t('evidenceRegister.intro')}
      </Text>
      <Paper component="section" withBorder p="sm" aria-label={t('evidenceRegister.listLabel')}>
        <Group align="flex-end" mb="xs" gap="sm" wrap="wrap">
          <TextInput
            type="search"
            label={t('evidenceRegister.search')}
            description={t('evidenceRegister.searchHint')}
            value={searchText}
            onChange={(event) => setSearchText(event.currentTarget.value)}
            maxLength={SEARCH_LENGTH}
            w={{ base: '100%', sm: 320 }}
            data-testid="register-search"
          />
          <NativeSelect
            label={t('evidenceRegister.statusFilter')}
            value={filters.status}
            onChange={(event) => change({ status: event.currentTarget.value as Filters['status'] })}
            data={STATUSES.map((value) => ({ value, label: t(`evidenceRegister.status.${value}`) }))}
            w={180}
            data-testid="register-status"
          />
          <NativeSelect
            label={t('evidenceRegister.directionFilter')}
            value={filters.direction}
            onChange={(event) => change({ direction: event.currentTarget.value as Filters['direction'] })}
            data={DIRECTIONS.map((value) => ({ value, label: t(`evidenceRegister.direction.${value}`) }))}
            w={240}
            data-testid="register-direction"
          />
          <Checkbox
            label={t('evidenceRegister.dueOnly')}
            checked={filters.isDueOnly}
            onChange={(event) => change({ isDueOnly: event.currentTarget.checked })}
            mb={8}
            data-testid="register-due"
          />
        </Group>
        {/* One live region: how many items are shown, or that none is (a search that finds nothing). */}
        <Text size="sm" role="status" c="gray.7" mb="xs" data-testid="register-summary">
          {current && items.length === 0 ? (
            <span data-testid="register-empty">
              {t(isFiltered ? 'evidenceRegister.noMatch' : 'evidenceRegister.empty')}
            </span>
          ) : current ? (
            t(nextCursor ? 'evidenceRegister.shownMore' : 'evidenceRegister.shown', {
              formatted: formatNumber(items.length),
            })
          ) : (
            ''
          )}
        </Text>
        <Stack gap="xs">
          <ProblemAlert error={first.error} />
          {items.length > 0 ? (
            <WideTable minWidth={980} label={t('evidenceRegister.tableLabel')}>
              <Table
                striped
                aria-label={t('evidenceRegister.tableLabel')}
                fz="sm"
                data-testid="register-table"
              >
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t('evidenceRegister.file')}</Table.Th>
                    <Table.Th scope="col">{t('evidenceRegister.request')}</Table.Th>
                    <Table.Th scope="col">{t('evidenceRegister.otherNode')}</Table.Th>
                    <Table.Th scope="col">{t('evidenceRegister.size')}</Table.Th>
                    <Table.Th scope="col">{t('evidenceRegister.held')}</Table.Th>
                    <Table.Th scope="col">{t('evidenceRegister.retention')}</Table.Th>
                    <Table.Th scope="col">{t('evidenceRegister.custody')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((item) => (
                    <Table.Tr
                      key={item.id}
                      data-testid="register-item"
                      data-item-id={item.id}
                      data-status={item.status}
                    >
                      <Table.Td>
                        <Stack gap={2}>
                          <Text size="sm" style={{ overflowWrap: 'break-word' }}>
                            {item.fileName}
                          </Text>
                          <Group gap={4}>
                            {item.status === 'stored' ? null : (
                              <Badge color="gray.8" variant="outline" size="sm">
                                {t(`evidenceRegister.status.${item.status}`)}
                              </Badge>
                            )}
                            {item.isSensitive ? (
                              <Badge color="red.9" variant="outline" size="sm">
                                {t('evidenceRegister.sensitive')}
                              </Badge>
                            ) : null}
                          </Group>
                        </Stack>
                      </Table.Td>
                      <Table.Td>
                        <Stack gap={2}>
                          <Anchor component={RouterLink} href={`/requests/${item.request.id}`} size="sm">
                            {item.request.caseReference ?? typeTitle(item.request.type)}
                          </Anchor>
                          <Text size="xs" c="gray.7">
                            {item.request.caseReference ? `${typeTitle(item.request.type)} · ` : ''}
                            {t(`evidenceRegister.direction.${item.request.direction}`)}
                          </Text>
                        </Stack>
                      </Table.Td>
                      <Table.Td>
                        {item.request.peerNodeId ? (
                          <Stack gap={2}>
                            {item.request.peerState ? (
                              <Text size="sm">{stateName(states.data, item.request.peerState)}</Text>
                            ) : null}
                            <Text size="xs" c="gray.7" className="machine-text">
                              {item.request.peerNodeId}
                            </Text>
                          </Stack>
                        ) : (
                          '—'
                        )}
                      </Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        {t('evidenceRegister.bytes', { formatted: formatNumber(item.sizeBytes) })}
                      </Table.Td>
                      <Table.Td>
                        <HeldSince item={item} />
                      </Table.Td>
                      <Table.Td>
                        <Stack gap={2}>
                          <Text size="sm">{item.retentionUntil ? formatDate(item.retentionUntil) : '—'}</Text>
                          {item.isDueForDeletion ? (
                            <Badge
                              color="orange.9"
                              variant="outline"
                              size="sm"
                              data-testid="register-due-badge"
                            >
                              {t('evidenceRegister.due')}
                            </Badge>
                          ) : null}
                        </Stack>
                      </Table.Td>
                      <Table.Td>
                        <CustodyChainBadge chain={item.custody.chain} isShort />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </WideTable>
          ) : null}
          <ProblemAlert error={moreError} />
          {nextCursor ? (
            <Group>
              <Button
                variant="default"
                onClick={() => void loadMore()}
                loading={isLoadingMore}
                data-testid="register-more"
              >
                {t('evidenceRegister.more')}
              </Button>
            </Group>
          ) : null}
        </Stack>
      </Paper>
    </>
  );
}

/** When the node came to hold the item: stored (or, for an item deleted since, deleted). */
function HeldSince({ item }: { item: RegisterItem }) {
  const { t } = useTranslation();
  const at = item.storedAt ?? item.createdAt;
  return (
    <Stack gap={2}>
      <time dateTime={at} style={{ whiteSpace: 'nowrap' }}>
        {formatDateTime(at)}
      </time>
      {item.deletedAt ? (
        <Text size="xs" c="gray.7">
          {t('evidenceRegister.deletedAt', { at: formatDateTime(item.deletedAt) })}
        </Text>
      ) : null}
    </Stack>
  );
}
