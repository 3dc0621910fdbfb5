/**
 * The register of two-person decisions, for an oversight body (audit:read, the auditor role):
 * every request, response and evidence package that waited for a second person, newest first, with
 * its decision and the checks made of its record (GET /api/v1/audit/two-person-decisions), totals
 * over the whole node, and every change of roles with its second administrator
 * (GET /api/v1/audit/role-changes).
 */
import { Anchor, Badge, Button, Group, Select, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { APPROVAL_SUBJECT_KINDS } from '../../../../src/core/approval/approval-rules.ts';
import { answer, api, type TwoPersonDecision } from '../../app/api.ts';
import { RouterLink } from '../../app/router.tsx';
import { formatDateTime, formatNumber, labelled, stateName } from '../../components/format.ts';
import { PageTitle } from '../../components/PageTitle.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { ColumnHeads, TitledSection } from '../../components/TitledSection.tsx';
import { requestTypeTitle, useCatalogue, useStates } from '../../components/reference-data.ts';
import { useApi } from '../../components/use-api.ts';
import { WideTable } from '../../components/WideTable.tsx';

type Decision = TwoPersonDecision;
type Check = Decision['checks']['secondPerson'];
const DECISION_STATES = ['approved', 'returned', 'pending'] as const;
type Filters = { state: '' | (typeof DECISION_STATES)[number]; kind: '' | Decision['kind'] };

const CHECK_COLORS: Readonly<Record<Check, string>> = {
  held: 'teal.9',
  broken: 'red.9',
  pending: 'gray.8',
  'not-needed': 'gray.8',
};

function CheckBadge({
  check,
  testId,
  label,
}: Readonly<{ check: Check; testId: string /** Instead of the check's own word. */; label?: string }>) {
  const { t } = useTranslation();
  return (
    <Badge
      color={CHECK_COLORS[check]}
      variant={check === 'broken' ? 'filled' : 'outline'}
      style={{ minWidth: 'max-content' }}
      data-testid={testId}
      data-check={check}
    >
      {label ?? t(`decisions.check.${check}`)}
    </Badge>
  );
}

export function DecisionsPage() {
  const { t } = useTranslation();
  const catalogue = useCatalogue();
  const states = useStates();
  const [draft, setDraft] = useState<Filters>({ state: '', kind: '' });
  const [filters, setFilters] = useState<Filters>(draft);
  // The cursors of the pages read so far: the last is the page shown; none is the newest page.
  const [cursors, setCursors] = useState<string[]>([]);
  const before = cursors.at(-1);

  const register = useApi(
    () =>
      answer(
        api.GET('/api/v1/audit/two-person-decisions', {
          params: {
            query: {
              ...(filters.state ? { state: filters.state } : {}),
              ...(filters.kind ? { kind: filters.kind } : {}),
              ...(before === undefined ? {} : { before }),
            },
          },
        }),
      ),
    [filters, before],
  );
  const roleChanges = useApi(() => answer(api.GET('/api/v1/audit/role-changes')), []);
  const items = register.data?.items ?? [];
  const totals = register.data?.totals;
  const title = t('decisions.title');
  const roleTitle = t('decisions.roles.title');

  const whatOf = (item: Decision) =>
    item.kind === 'case-transition' && item.transition
      ? labelled(
          t('approval.kind.case-transition'),
          t(`caseAction.${item.transition}`, { defaultValue: item.transition }),
        )
      : t(`approval.kind.${item.kind}`);
  const roleNames = (roles: readonly string[]) =>
    roles.length === 0 ? '—' : roles.map((role) => t(`roles.${role}`, { defaultValue: role })).join(', ');
  const isSound = totals && totals.secondPersonNotShown === 0 && totals.decisionReferenceMissing === 0;

  return (
    <>
      <PageTitle text={title}>{title}</PageTitle>
      <Text size="sm" c="gray.7" mb="sm">
        {t('decisions.intro')}
      </Text>
      <TitledSection id="decisions-totals-title" title={t('decisions.totals.title')} mb="md">
        {totals ? (
          <Stack gap={4} data-testid="decision-totals">
            <Text size="sm">
              {t('decisions.totals.counts', {
                approved: formatNumber(totals.approved),
                returned: formatNumber(totals.returned),
                pending: formatNumber(totals.pending),
              })}
            </Text>
            <Text size="sm">
              {t('decisions.totals.secondPerson', { number: formatNumber(totals.secondPersonNotShown) })}
            </Text>
            <Text size="sm">
              {t('decisions.totals.reference', { number: formatNumber(totals.decisionReferenceMissing) })}
            </Text>
            <Text
              size="sm"
              fw={700}
              c={isSound ? 'teal.9' : 'red.9'}
              data-testid="decision-verdict"
              data-sound={isSound ? 'true' : 'false'}
            >
              {isSound ? t('decisions.totals.sound') : t('decisions.totals.unsound')}
            </Text>
          </Stack>
        ) : null}
      </TitledSection>
      <TitledSection id="decisions-list-title" title={t('decisions.listTitle')} mb="md">
        <form
          onSubmit={(event) => {
            event.preventDefault();
            setCursors([]);
            setFilters(draft);
          }}
        >
          <Group align="flex-end" mb="sm">
            <Select
              label={t('decisions.filterState')}
              value={draft.state}
              allowDeselect={false}
              onChange={(value) => setDraft({ ...draft, state: (value ?? '') as Filters['state'] })}
              data={[
                { value: '', label: t('decisions.any') },
                ...DECISION_STATES.map((state) => ({ value: state, label: t(`approval.state.${state}`) })),
              ]}
            />
            <Select
              label={t('decisions.filterKind')}
              value={draft.kind}
              allowDeselect={false}
              onChange={(value) => setDraft({ ...draft, kind: (value ?? '') as Filters['kind'] })}
              data={[
                { value: '', label: t('decisions.any') },
                ...APPROVAL_SUBJECT_KINDS.map((kind) => ({ value: kind, label: t(`approval.kind.${kind}`) })),
              ]}
            />
            <Button type="submit">{t('decisions.apply')}</Button>
          </Group>
        </form>
        <ProblemAlert error={register.error} />
        {register.data && items.length === 0 ? (
          <Text size="sm" c="gray.7" data-testid="decisions-empty">
            {t('decisions.empty')}
          </Text>
        ) : null}
        {items.length > 0 ? (
          // The check beside what was decided: on a phone both are in view before the table scrolls.
          <WideTable minWidth={980} label={t('decisions.listTitle')}>
            <Table striped fz="sm" aria-labelledby="decisions-list-title" data-testid="decisions-table">
              <ColumnHeads
                labels={[
                  t('decisions.column.what'),
                  t('decisions.column.secondPerson'),
                  t('decisions.column.case'),
                  t('decisions.column.submitted'),
                  t('decisions.column.decision'),
                  t('decisions.column.reference'),
                ]}
              />
              <Table.Tbody>
                {items.map((item) => (
                  <Table.Tr key={item.id} data-testid="decision-row">
                    <Table.Td>
                      <Text size="sm">{whatOf(item)}</Text>
                      <Text size="xs" c="gray.7">
                        {requestTypeTitle(catalogue.data, item.requestType)}
                        {item.otherState ? ` · ${stateName(states.data, item.otherState)}` : ''}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <CheckBadge check={item.checks.secondPerson} testId="check-second-person" />
                    </Table.Td>
                    <Table.Td>
                      {item.requestId ? (
                        <Anchor
                          component={RouterLink}
                          href={`/requests/${item.requestId}`}
                          className="case-reference"
                        >
                          {item.caseReference || item.requestId}
                        </Anchor>
                      ) : (
                        '—'
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{item.submittedBy.displayName}</Text>
                      <Text size="xs" c="gray.7">
                        {formatDateTime(item.submittedAt)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {t(`approval.state.${item.state}`)}
                      </Text>
                      {item.decidedBy && item.decidedAt ? (
                        <Text size="xs" c="gray.7">
                          {t('decisions.decidedBy', {
                            name: item.decidedBy.displayName,
                            at: formatDateTime(item.decidedAt),
                          })}
                        </Text>
                      ) : null}
                      {item.reasons ? (
                        <Text size="xs">{t('approval.reasons', { reasons: item.reasons })}</Text>
                      ) : null}
                    </Table.Td>
                    <Table.Td>
                      <Stack gap={2} align="flex-start">
                        <CheckBadge check={item.checks.decisionReference} testId="check-reference" />
                        {item.decisionReference ? <Text size="xs">{item.decisionReference}</Text> : null}
                      </Stack>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </WideTable>
        ) : null}
        <Group justify="space-between" mt="sm">
          <Button variant="default" disabled={cursors.length === 0} onClick={() => setCursors([])}>
            {t('decisions.newest')}
          </Button>
          <Button
            variant="default"
            disabled={!register.data?.nextBefore}
            onClick={() => {
              const next = register.data?.nextBefore;
              if (next) setCursors([...cursors, next]);
            }}
          >
            {t('decisions.older')}
          </Button>
        </Group>
      </TitledSection>
      <TitledSection id="decisions-roles-title" title={roleTitle}>
        <Text size="sm" c="gray.7" mb="xs">
          {t('decisions.roles.intro')}
        </Text>
        <ProblemAlert error={roleChanges.error} />
        {roleChanges.data && roleChanges.data.items.length === 0 ? (
          <Text size="sm" c="gray.7">
            {t('decisions.roles.empty')}
          </Text>
        ) : null}
        {roleChanges.data && roleChanges.data.items.length > 0 ? (
          <WideTable minWidth={900} label={roleTitle}>
            <Table striped fz="sm" aria-labelledby="decisions-roles-title" data-testid="role-changes-table">
              <ColumnHeads
                labels={[
                  t('decisions.roles.user'),
                  t('decisions.roles.secondAdministrator'),
                  t('decisions.roles.change'),
                  t('decisions.roles.asked'),
                  t('decisions.roles.status'),
                ]}
              />
              <Table.Tbody>
                {roleChanges.data.items.map((change) => {
                  // Applied by the node's operator on the server (its command line or accounts file):
                  // the alternative the intro names to a second administrator, not a change that
                  // needed no one.
                  const isByOperator = change.status === 'applied' && change.requestedBy === null;
                  return (
                    <Table.Tr key={change.id} data-testid="role-change-row">
                      <Table.Td>{change.username}</Table.Td>
                      <Table.Td>
                        <CheckBadge
                          check={change.secondAdministrator}
                          testId="check-second-administrator"
                          label={isByOperator ? t('decisions.roles.byOperator') : undefined}
                        />
                      </Table.Td>
                      <Table.Td>
                        {change.rolesAdded.length > 0 ? (
                          <Text size="sm">
                            {t('decisions.roles.added', { roles: roleNames(change.rolesAdded) })}
                          </Text>
                        ) : null}
                        {change.rolesRemoved.length > 0 ? (
                          <Text size="sm">
                            {t('decisions.roles.removed', { roles: roleNames(change.rolesRemoved) })}
                          </Text>
                        ) : null}
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{change.requestedBy?.username ?? t('accounts.users.operator')}</Text>
                        <Text size="xs" c="gray.7">
                          {formatDateTime(change.requestedAt)}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">
                          {isByOperator
                            ? t('decisions.roles.state.appliedByOperator')
                            : t(`decisions.roles.state.${change.status}`)}
                        </Text>
                        {change.status === 'approved' && change.decidedAt ? (
                          <Text size="xs" c="gray.7">
                            {t('decisions.decidedBy', {
                              name: change.decidedBy?.username ?? t('accounts.users.operator'),
                              at: formatDateTime(change.decidedAt),
                            })}
                          </Text>
                        ) : null}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </WideTable>
        ) : null}
      </TitledSection>
    </>
  );
}
