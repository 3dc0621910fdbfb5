/**
 * The duty desk (Art. 41: a point of contact available 24 hours a day, 7 days a week; GET
 * /api/v1/desk): the open cases the user may handle, urgent and emergency requests waiting for
 * acknowledgement first, then by nearest deadline. Each row counts down to its deadline in words
 * (not by colour alone), acknowledges in one click (the row changes in place) and opens the request.
 * The list reloads when a live update announces an arrival or a case change, without reloading the
 * page; a polite live region says what changed, not every second.
 */
import { Anchor, Badge, Box, Button, Group, SegmentedControl, Table, Text } from '@mantine/core';
import { useRef, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { answer, api, type DeskCase } from '../../app/api.ts';
import { useLiveConnection, useLiveUpdates } from '../../app/live.ts';
import { FROM_DESK, RouterLink } from '../../app/router.tsx';
import { formatDateTime, formatNumber, stateName } from '../../components/format.ts';
import { PageTitle } from '../../components/PageTitle.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { requestTypeTitle, useCatalogue, useStates } from '../../components/reference-data.ts';
import { useApi } from '../../components/use-api.ts';
import { WideTable } from '../../components/WideTable.tsx';
import { useCan } from '../../app/session.tsx';

/**
 * For a supervisor: how many requests and responses wait for a second person (the two-person
 * rule), linking to the approval queue, so an emergency's approval is one click from the desk.
 */
function ApprovalsWaiting() {
  const { t } = useTranslation();
  const canApprove = useCan('request:approve');
  const queue = useApi(
    () => (canApprove ? answer(api.GET('/api/v1/approvals')) : Promise.resolve({ items: [] })),
    [canApprove],
  );
  const { reload } = queue;
  useLiveUpdates(() => reload());
  const count = queue.data?.items.length ?? 0;
  if (!canApprove || count === 0) return null;
  return (
    <Anchor
      component={RouterLink}
      href="/approvals"
      fw={700}
      mb="sm"
      display="block"
      data-testid="desk-approvals"
    >
      {t('approval.deskWaiting', { count: formatNumber(count) })}
    </Anchor>
  );
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * One clock for every countdown of the desk, ticking each second while a countdown is shown. A
 * countdown re-renders only when the text it shows changes (useCountdown), so a desk of a thousand
 * cases redraws a few rows a second, not a thousand.
 */
const clock = { now: Date.now(), listeners: new Set<() => void>(), timer: undefined as number | undefined };

function subscribeToClock(listener: () => void): () => void {
  clock.listeners.add(listener);
  if (clock.timer === undefined) {
    clock.now = Date.now();
    clock.timer = window.setInterval(() => {
      clock.now = Date.now();
      for (const notify of clock.listeners) notify();
    }, SECOND);
  }
  return () => {
    clock.listeners.delete(listener);
    if (clock.listeners.size === 0 && clock.timer !== undefined) {
      window.clearInterval(clock.timer);
      clock.timer = undefined;
    }
  };
}

/** Whole minutes when at least ten are left (or overdue), whole seconds in the last ten. */
const SECONDS_SHOWN_WITHIN = 10 * MINUTE;

/** The time left until `dueAt` (negative once past), rounded to what the countdown shows. */
function useCountdown(dueAt: number): number {
  return useSyncExternalStore(subscribeToClock, () => {
    const left = dueAt - clock.now;
    const step = Math.abs(left) >= SECONDS_SHOWN_WITHIN ? MINUTE : SECOND;
    return Math.trunc(left / step) * step;
  });
}

/** The deadline next to the request: on a phone both are in view before the table scrolls sideways. */
const COLUMNS = ['request', 'deadline', 'urgency', 'otherState', 'status', 'received'] as const;

/** Dark enough to reach 4.5:1 on the striped rows; the state is also written out in words. */
const STATE_COLOURS: Readonly<Record<string, string>> = {
  'on-time': '#1f6f35',
  'at-risk': '#8a4b00',
  missed: '#a61b1b',
};

/**
 * The measures the Convention asks to be taken expeditiously (their titles say so) with no date
 * set: preservation (Art. 42) and disclosure of preserved traffic data (Art. 43).
 */
const EXPEDITED_ARTICLES: Readonly<Record<string, number>> = { preservation: 42, 'traffic-disclosure': 43 };

function Countdown({ item, otherStateName }: { item: DeskCase; otherStateName: string }) {
  const { t } = useTranslation();
  const deadline = item.nextDeadline;
  const left = useCountdown(deadline ? Date.parse(deadline.dueAt) : 0);
  if (!deadline) {
    // No date runs, but a preservation received here is still to be done without delay.
    const article = item.side === 'requested' ? EXPEDITED_ARTICLES[item.type] : undefined;
    return (
      <Text size="sm" data-testid="desk-no-deadline">
        {article ? t('desk.expedited', { article }) : t('desk.noDeadline')}
      </Text>
    );
  }
  const span = Math.abs(left);
  const duration =
    span >= DAY
      ? t('desk.daysHours', {
          days: formatNumber(Math.floor(span / DAY)),
          hours: formatNumber(Math.floor((span % DAY) / HOUR)),
        })
      : span >= HOUR
        ? t('desk.hoursMinutes', {
            hours: formatNumber(Math.floor(span / HOUR)),
            minutes: formatNumber(Math.floor((span % HOUR) / MINUTE)),
          })
        : span >= SECONDS_SHOWN_WITHIN
          ? t('desk.minutes', { minutes: formatNumber(Math.floor(span / MINUTE)) })
          : t('desk.minutesSeconds', {
              minutes: formatNumber(Math.floor(span / MINUTE)),
              seconds: formatNumber(Math.floor((span % MINUTE) / SECOND)),
            });
  // The state the node computed, or missed as soon as the countdown passes zero here.
  const state = left <= 0 ? 'missed' : deadline.state;
  return (
    <div data-testid="desk-deadline" data-state={state}>
      <Text size="sm" fw={600}>
        {t(`desk.deadlineKind.${deadline.kind}`)}
      </Text>
      <Text size="sm">
        <time
          dateTime={deadline.dueAt}
          title={formatDateTime(deadline.dueAt)}
          style={{ whiteSpace: 'nowrap' }}
        >
          {left > 0 ? t('desk.dueIn', { duration }) : t('desk.overdueBy', { duration })}
        </time>
      </Text>
      <Badge variant="outline" color={STATE_COLOURS[state]} radius="sm" className="badge-whole">
        {t(`desk.deadlineState.${state}`)}
      </Badge>
      {/* A date the other State must keep (the end of a preservation, for its follow-up request). */}
      {deadline.side === item.side ? null : (
        <Text size="xs" c="gray.7" data-testid="desk-deadline-other-side">
          {t('desk.otherSideActs', { state: otherStateName || '—' })}
        </Text>
      )}
    </div>
  );
}

export function DeskPage() {
  const { t } = useTranslation();
  const [isOverdueOnly, setIsOverdueOnly] = useState(false);
  const desk = useApi(
    () =>
      answer(api.GET('/api/v1/desk', { params: { query: isOverdueOnly ? { overdue: 'true' } : {} } })).then(
        (answered) => answered.items,
      ),
    [isOverdueOnly],
  );
  const catalogue = useCatalogue();
  const states = useStates();
  const isLive = useLiveConnection();
  const [busyId, setBusyId] = useState<string | undefined>(undefined);
  const [actionError, setActionError] = useState<unknown>(undefined);
  const [announcement, setAnnouncement] = useState('');
  // The last acknowledgement, on screen until the next one (live updates clear the announcement).
  const [acknowledged, setAcknowledged] = useState('');
  const statusCells = useRef(new Map<string, HTMLElement>());
  const items = desk.data ?? [];
  const { reload } = desk;

  useLiveUpdates((update) => {
    if (update.kind !== 'request-arrived' && update.kind !== 'case-changed') return;
    setAnnouncement('');
    reload();
  });

  // What changed, said once per change of the list (a polite live region, never every second).
  const waiting = items.filter((item) => item.needsAcknowledgement).length;
  const summary = desk.data
    ? t('desk.summary', { total: formatNumber(items.length), waiting: formatNumber(waiting) })
    : '';

  const typeTitle = (type: string) => requestTypeTitle(catalogue.data, type);
  const nameOf = (item: DeskCase) => item.caseReference || typeTitle(item.type);

  const acknowledge = async (item: DeskCase) => {
    setBusyId(item.requestId);
    setActionError(undefined);
    try {
      const { case: made } = await answer(
        api.POST('/api/v1/requests/{id}/transitions', {
          params: { path: { id: item.requestId } },
          body: { name: 'acknowledge', payload: {} },
        }),
      );
      const next = made.deadlines.toSorted((a, b) => a.dueAt.localeCompare(b.dueAt))[0];
      desk.setData(
        items.map((row) =>
          row.requestId === item.requestId
            ? {
                ...row,
                status: made.status,
                availableTransitions: made.availableTransitions,
                needsAcknowledgement: false,
                nextDeadline: next
                  ? { kind: next.kind, side: next.side, dueAt: next.dueAt, state: next.state }
                  : null,
              }
            : row,
        ),
      );
      setAnnouncement(t('desk.acknowledged', { name: nameOf(item) }));
      setAcknowledged(t('desk.acknowledged', { name: nameOf(item) }));
      // The button is gone: the keyboard focus moves to the row's new status.
      window.setTimeout(() => statusCells.current.get(item.requestId)?.focus(), 0);
    } catch (error) {
      setActionError(error);
    } finally {
      setBusyId(undefined);
    }
  };

  const acknowledgeButton = (item: DeskCase, name: string) => (
    <Button
      size="compact-sm"
      loading={busyId === item.requestId}
      onClick={() => void acknowledge(item)}
      aria-label={t('desk.acknowledgeLabel', { name })}
    >
      {t('desk.acknowledge')}
    </Button>
  );

  return (
    <>
      <Group justify="space-between" align="flex-start" mb="xs">
        <PageTitle text={t('desk.title')}>{t('desk.title')}</PageTitle>
        <Text size="sm" c="gray.7" data-testid="desk-live">
          {isLive ? t('desk.live') : t('desk.reconnecting')}
        </Text>
      </Group>
      <Text mb="sm">{t('desk.intro')}</Text>
      <ApprovalsWaiting />
      <SegmentedControl
        mb="sm"
        value={isOverdueOnly ? 'overdue' : 'open'}
        onChange={(value) => setIsOverdueOnly(value === 'overdue')}
        aria-label={t('desk.filter')}
        data={[
          { value: 'open', label: t('desk.allOpen') },
          { value: 'overdue', label: t('desk.overdueOnly') },
        ]}
      />
      <div aria-live="polite" className="visually-hidden" data-testid="desk-announcement">
        {[announcement, summary].filter(Boolean).join(' ')}
      </div>
      {acknowledged ? (
        // What the last acknowledgement did, for the eye (the live region above says it aloud).
        <Text c="teal.9" fw={600} size="sm" mb="xs" aria-hidden="true" data-testid="desk-acknowledged">
          {acknowledged}
        </Text>
      ) : null}
      <ProblemAlert error={desk.error} />
      <ProblemAlert error={actionError} title={t('desk.failed')} />
      {desk.data && items.length === 0 ? (
        <Text c="gray.7" data-testid="desk-empty">
          {isOverdueOnly ? t('desk.emptyOverdue') : t('desk.empty')}
        </Text>
      ) : null}
      {items.length > 0 ? (
        <WideTable minWidth={900} label={t('desk.tableLabel')}>
          <Table striped aria-label={t('desk.tableLabel')}>
            <Table.Thead>
              <Table.Tr>
                {COLUMNS.map((column) => (
                  <Table.Th key={column} scope="col">
                    {t(`desk.${column}`)}
                  </Table.Th>
                ))}
                <Table.Th scope="col">
                  <span className="visually-hidden">{t('desk.actions')}</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((item) => {
                const name = nameOf(item);
                const canAcknowledge = item.availableTransitions.includes('acknowledge');
                // The State on the other side: who sent a request received here, or who received one sent from here.
                const otherStateName = stateName(
                  states.data,
                  item.side === 'requested' ? item.requestingState : item.requestedState,
                );
                return (
                  <Table.Tr key={item.requestId} data-request-id={item.requestId} data-side={item.side}>
                    <Table.Td>
                      <Anchor component={RouterLink} href={`/requests/${item.requestId}?${FROM_DESK}`}>
                        {typeTitle(item.type)}
                      </Anchor>
                      <Text size="xs" c="gray.7">
                        {/* The case reference when it has one; no lone dash for one not written. */}
                        {[
                          item.caseReference,
                          item.side === 'requested' ? t('desk.sideRequested') : t('desk.sideRequesting'),
                        ]
                          .filter(Boolean)
                          .join(' · ')}
                      </Text>
                      {/* On a phone the table scrolls sideways: how urgent, where the case stands and the
                          desk's first action stay in view. */}
                      <Text size="xs" hiddenFrom="sm" data-testid="desk-phone-summary">
                        <Text span size="xs" fw={item.urgency === 'routine' ? 400 : 700}>
                          {t(`urgencyLevel.${item.urgency}`, { defaultValue: item.urgency })}
                        </Text>
                        {' · '}
                        {t(`caseStatus.${item.status}`, { defaultValue: item.status })}
                      </Text>
                      {canAcknowledge ? (
                        <Box hiddenFrom="sm" mt={4}>
                          {acknowledgeButton(item, name)}
                        </Box>
                      ) : null}
                    </Table.Td>
                    <Table.Td>
                      <Countdown item={item} otherStateName={otherStateName} />
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" fw={item.urgency === 'routine' ? 400 : 700}>
                        {t(`urgencyLevel.${item.urgency}`, { defaultValue: item.urgency })}
                      </Text>
                    </Table.Td>
                    <Table.Td data-testid="desk-other-state">{otherStateName || '—'}</Table.Td>
                    <Table.Td>
                      <Text
                        size="sm"
                        tabIndex={-1}
                        data-testid="desk-status"
                        ref={(element: HTMLElement | null) => {
                          if (element) statusCells.current.set(item.requestId, element);
                          else statusCells.current.delete(item.requestId);
                        }}
                      >
                        {t(`caseStatus.${item.status}`, { defaultValue: item.status })}
                      </Text>
                      {item.needsAcknowledgement ? (
                        <Text size="xs" fw={700} c="red.9">
                          {t('desk.needsAcknowledgement')}
                        </Text>
                      ) : null}
                      {item.awaitingApproval ? (
                        <Text size="xs" fw={600} c="gray.8" data-testid="desk-awaiting-approval">
                          {t('desk.responseAwaitingApproval')}
                        </Text>
                      ) : null}
                      {item.lastAnswer && item.side === 'requested' ? (
                        // The requesting State answered: this side's turn again.
                        <Text
                          size="xs"
                          fw={700}
                          data-testid="desk-last-answer"
                          data-outcome={item.lastAnswer}
                        >
                          {t(`desk.answered.${item.lastAnswer}`, {
                            state: stateName(states.data, item.requestingState) || '—',
                          })}
                        </Text>
                      ) : null}
                      {item.consultationToHold ? (
                        // Art. 40(19): the disclosure announced waits for the consultation asked for.
                        <Text size="xs" fw={700} data-testid="desk-consultation-to-hold">
                          {t('desk.consultationToHold', { state: otherStateName || '—' })}
                        </Text>
                      ) : null}
                      {item.awaitingAnswer ? (
                        // The requesting side answers: its own step (bold); the requested side waits.
                        <Text
                          size="xs"
                          fw={item.side === 'requesting' ? 700 : 400}
                          c={item.side === 'requesting' ? undefined : 'gray.7'}
                          data-testid="desk-awaiting-answer"
                          data-kind={item.awaitingAnswer}
                        >
                          {t(
                            `desk.awaiting.${item.awaitingAnswer}${item.side === 'requesting' ? 'ToUs' : 'ToThem'}`,
                            {
                              state: otherStateName || '—',
                            },
                          )}
                        </Text>
                      ) : null}
                    </Table.Td>
                    <Table.Td>
                      {item.receivedAt ? (
                        <time dateTime={item.receivedAt}>{formatDateTime(item.receivedAt)}</time>
                      ) : (
                        '—'
                      )}
                      {/* A request sent from here was received by the other State, not here. */}
                      {item.receivedAt && item.side === 'requesting' ? (
                        <Text size="xs" c="gray.7" data-testid="desk-received-by">
                          {t('desk.receivedBy', {
                            state: stateName(states.data, item.requestedState) || '—',
                          })}
                        </Text>
                      ) : null}
                    </Table.Td>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap" justify="flex-end">
                        {canAcknowledge ? <Box visibleFrom="sm">{acknowledgeButton(item, name)}</Box> : null}
                        <Button
                          size="compact-sm"
                          variant="default"
                          component={RouterLink}
                          href={`/requests/${item.requestId}?${FROM_DESK}`}
                          aria-label={t('desk.openLabel', { name })}
                        >
                          {t('desk.open')}
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </WideTable>
      ) : null}
    </>
  );
}
