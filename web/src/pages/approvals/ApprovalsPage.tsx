/**
 * The approval queue (the two-person rule, GET /api/v1/approvals): every request and every
 * response to a requesting State that waits for a second person, emergencies and urgent requests
 * first, then the oldest, each with the other State of its case. Each row opens the request, where the supervisor approves (which sends)
 * or returns with reasons (ApprovalPanel.tsx). The list reloads on live updates.
 */
import { Anchor, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { answer, api, type ApprovalQueueItem } from '../../app/api.ts';
import { useLiveUpdates } from '../../app/live.ts';
import { RouterLink } from '../../app/router.tsx';
import { formatDateTime, labelled, stateName } from '../../components/format.ts';
import { PageTitle } from '../../components/PageTitle.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { requestTypeTitle, useCatalogue, useStates } from '../../components/reference-data.ts';
import { useApi } from '../../components/use-api.ts';
import { WideTable } from '../../components/WideTable.tsx';

export function ApprovalsPage() {
  const { t } = useTranslation();
  const catalogue = useCatalogue();
  const states = useStates();
  const queue = useApi(() => answer(api.GET('/api/v1/approvals')), []);
  const { reload } = queue;
  useLiveUpdates(() => reload());
  const items = queue.data?.items ?? [];

  const typeTitle = (type: string) => requestTypeTitle(catalogue.data, type);
  const whatOf = (item: ApprovalQueueItem) =>
    item.kind === 'case-transition' && item.transition
      ? labelled(
          t('approval.kind.case-transition'),
          t(`caseAction.${item.transition}`, { defaultValue: item.transition }),
        )
      : t(`approval.kind.${item.kind}`);

  return (
    <>
      <PageTitle text={t('approval.title')}>{t('approval.title')}</PageTitle>
      <Text mb="sm">{t('approval.intro')}</Text>
      <ProblemAlert error={queue.error} />
      {queue.data && items.length === 0 ? (
        <Text c="gray.7" data-testid="approvals-empty">
          {t('approval.empty')}
        </Text>
      ) : null}
      {items.length > 0 ? (
        <WideTable minWidth={760} label={t('approval.title')}>
          <Table striped aria-label={t('approval.title')} data-testid="approvals-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('approval.column.what')}</Table.Th>
                <Table.Th>{t('approval.column.case')}</Table.Th>
                <Table.Th>{t('approval.column.otherState')}</Table.Th>
                <Table.Th>{t('approval.column.urgency')}</Table.Th>
                <Table.Th>{t('approval.column.submittedBy')}</Table.Th>
                <Table.Th>{t('approval.column.submittedAt')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((item) => (
                <Table.Tr key={item.id} data-testid="approval-row">
                  <Table.Td>
                    <Text size="sm" fw={600}>
                      {whatOf(item)}
                    </Text>
                    {/* Of which kind of request: a queue of "Request" rows alone says nothing. */}
                    <Text size="xs" c="gray.7" data-testid="approval-request-type">
                      {typeTitle(item.requestType)}
                    </Text>
                    {item.isIntrusive ? (
                      // A sentence, not a badge: a badge would cut it with an ellipsis.
                      <Text size="xs" fw={600} c="red.9" data-testid="approval-intrusive">
                        {t('approval.intrusive', {
                          role: t(`roles.${item.designatedRole}`, {
                            defaultValue: item.designatedRole ?? '',
                          }),
                        })}
                      </Text>
                    ) : null}
                  </Table.Td>
                  <Table.Td>
                    {item.requestId ? (
                      <Anchor component={RouterLink} href={`/requests/${item.requestId}`}>
                        {item.caseReference || typeTitle(item.requestType)}
                      </Anchor>
                    ) : (
                      typeTitle(item.requestType)
                    )}
                  </Table.Td>
                  <Table.Td>{item.otherState ? stateName(states.data, item.otherState) : '—'}</Table.Td>
                  <Table.Td>
                    <Text size="sm" fw={item.urgency && item.urgency !== 'routine' ? 700 : 400}>
                      {t(`urgencyLevel.${item.urgency ?? 'routine'}`, { defaultValue: item.urgency ?? '' })}
                    </Text>
                  </Table.Td>
                  <Table.Td>{item.submittedBy.displayName}</Table.Td>
                  <Table.Td>{formatDateTime(item.submittedAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </WideTable>
      ) : null}
    </>
  );
}
