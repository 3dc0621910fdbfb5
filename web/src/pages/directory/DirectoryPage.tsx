/**
 * The directory of States (GET /api/v1/states): names in the UI language, designated authorities,
 * accepted languages and time zone, searchable. What no source states is shown as "not notified",
 * never guessed; beside it, the State's Comity nodes of the federation directory (where messages
 * go), which a State may run before it notifies. An administrator can edit a profile.
 */
import { Anchor, Badge, Button, Group, Table, Text, TextInput } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { StateSummary } from '../../app/api.ts';
import { useCan } from '../../app/session.tsx';
import { localized } from '../../components/format.ts';
import { PageTitle } from '../../components/PageTitle.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { forgetStates, useStates } from '../../components/reference-data.ts';
import { describeTimeZone } from '../../components/time-zones.ts';
import { ProfileEditor } from './ProfileEditor.tsx';
import { WideTable } from '../../components/WideTable.tsx';

function searchText(state: StateSummary): string {
  return [state.code, state.iso3 ?? '', ...Object.values(state.names)].join(' ').toLocaleLowerCase();
}

function NotNotified() {
  const { t } = useTranslation();
  return (
    <Text span size="sm" c="gray.7" fs="italic">
      {t('directory.notNotified')}
    </Text>
  );
}

/** Each column of designations, and the authority of the federation's nodes that answers to it. */
const DESIGNATIONS = [
  ['centralAuthority', 'central-authority'],
  ['pointOfContact', 'point-of-contact'],
  ['extraditionAuthority', 'extradition-authority'],
] as const;

/**
 * The State's Comity nodes of that authority in the federation directory: where its messages go,
 * whether or not the State has notified the depositary yet.
 */
function ComityNodes({
  nodes,
  authority,
}: Readonly<{ nodes: StateSummary['nodes']; authority: StateSummary['nodes'][number]['authority'] }>) {
  const { t } = useTranslation();
  const ids = nodes.filter((node) => node.authority === authority).map((node) => node.nodeId);
  if (ids.length === 0) return null;
  return (
    <Text size="xs" c="gray.7" data-testid="comity-nodes">
      {t('directory.comityNodes')}{' '}
      {ids.map((id, index) => (
        <span key={id}>
          {index > 0 ? ', ' : ''}
          <span className="machine-text">{id}</span>
        </span>
      ))}
    </Text>
  );
}

export function DirectoryPage() {
  const { t, i18n } = useTranslation();
  const states = useStates();
  const canEdit = useCan('directory:edit');
  const [query, setQuery] = useState('');
  const [editing, setEditing] = useState<StateSummary | undefined>(undefined);

  const rows = useMemo(() => {
    const needle = query.trim().toLocaleLowerCase();
    return (states.data ?? [])
      .filter((state) => !needle || searchText(state).includes(needle))
      .sort((a, b) => localized(a.names).localeCompare(localized(b.names), i18n.language));
  }, [states.data, query, i18n.language]);

  const title = t('directory.title');
  return (
    <>
      <PageTitle text={title}>{title}</PageTitle>
      <Text size="sm" c="gray.7" mb="xs">
        {t('directory.intro')}
      </Text>
      <Group mb="sm" align="flex-end">
        <TextInput
          label={t('directory.search')}
          type="search"
          value={query}
          onChange={(event) => setQuery(event.currentTarget.value)}
          w={320}
        />
        <Text size="sm" c="gray.7" role="status">
          {t('directory.count', { shown: rows.length, total: states.data?.length ?? 0 })}
        </Text>
      </Group>
      <ProblemAlert error={states.error} />
      <WideTable minWidth={900} label={title}>
        <Table striped aria-label={title} fz="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">{t('directory.state')}</Table.Th>
              <Table.Th scope="col">{t('directory.centralAuthority')}</Table.Th>
              <Table.Th scope="col">{t('directory.pointOfContact')}</Table.Th>
              <Table.Th scope="col">{t('directory.extraditionAuthority')}</Table.Th>
              <Table.Th scope="col">{t('directory.acceptedLanguages')}</Table.Th>
              <Table.Th scope="col">{t('directory.timeZone')}</Table.Th>
              {canEdit ? (
                <Table.Th scope="col">
                  <span className="visually-hidden">{t('requests.actions')}</span>
                </Table.Th>
              ) : null}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((state) => (
              <Table.Tr key={state.code} data-state-code={state.code}>
                <Table.Th scope="row" fw={500}>
                  {localized(state.names)}{' '}
                  <Text span size="xs" c="gray.7">
                    {state.code}
                  </Text>
                  {state.kind === 'organization' || !state.isUnMember ? (
                    <Badge ms={6} size="xs" variant="outline" color="gray.8">
                      {state.kind === 'organization' ? t('directory.organization') : t('directory.observer')}
                    </Badge>
                  ) : null}
                </Table.Th>
                {DESIGNATIONS.map(([designation, authority]) => (
                  <Table.Td key={designation}>
                    {state.designations[designation] ?? <NotNotified />}
                    <ComityNodes nodes={state.nodes} authority={authority} />
                  </Table.Td>
                ))}
                <Table.Td>
                  {state.acceptedLanguages && state.acceptedLanguages.length > 0 ? (
                    state.acceptedLanguages.join(', ')
                  ) : (
                    <NotNotified />
                  )}
                </Table.Td>
                <Table.Td>
                  {state.timeZone ? (
                    <span title={state.timeZone}>{describeTimeZone(state.timeZone, i18n.language)}</span>
                  ) : (
                    <NotNotified />
                  )}
                </Table.Td>
                {canEdit ? (
                  <Table.Td>
                    <Button
                      size="compact-sm"
                      variant="default"
                      onClick={() => setEditing(state)}
                      aria-label={t('directory.editLabel', { name: localized(state.names) })}
                    >
                      {t('directory.edit')}
                    </Button>
                  </Table.Td>
                ) : null}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </WideTable>
      {editing ? (
        <ProfileEditor
          state={editing}
          onClose={() => setEditing(undefined)}
          onSaved={() => {
            setEditing(undefined);
            forgetStates();
            states.reload();
          }}
        />
      ) : null}
      <Text size="xs" c="gray.7" mt="sm">
        <Anchor href="/api/v1/reference" target="_blank" rel="noopener" size="xs">
          {t('nav.apiReference')}
        </Anchor>
      </Text>
    </>
  );
}
