/**
 * The domestic law map (docs/case-lifecycle.md, "Dual criminality"): this node's domestic
 * provisions (citation, title, maximum penalty) and the Convention offences of Arts. 7-17 each
 * implements, and the compliance view: which Convention offences lack a domestic provision,
 * downloadable as CSV and JSON for the State's implementation report. Legal reviewers and
 * administrators (law-map:edit) add and remove provisions. Screening reads the map to flag
 * dual criminality on incoming requests.
 */
import {
  Anchor,
  Badge,
  Button,
  Checkbox,
  Group,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiAnswer } from '../../../../src/api-client/client.ts';
import { answer, api } from '../../app/api.ts';
import { useUser } from '../../app/session.tsx';
import { citationText, localized } from '../../components/format.ts';
import { PageTitle } from '../../components/PageTitle.tsx';
import { takeFocusOnMount } from '../../components/focus-keeper.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { fieldErrorsOf } from '../../components/field-errors.ts';
import { useApi } from '../../components/use-api.ts';
import { WideTable } from '../../components/WideTable.tsx';

type Compliance = ApiAnswer<'/api/v1/law-map/compliance', 'get'>;

function ProvisionForm({ compliance, onAdded }: { compliance: Compliance; onAdded: (id: string) => void }) {
  const { t } = useTranslation();
  const [citation, setCitation] = useState('');
  const [title, setTitle] = useState('');
  const [maximumPenalty, setMaximumPenalty] = useState('');
  const [offences, setOffences] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(undefined);
  const [isSaving, setIsSaving] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setIsSaving(true);
    setError(undefined);
    try {
      const added = await answer(
        api.POST('/api/v1/law-map', { body: { citation, title, maximumPenalty, offences } }),
      );
      setCitation('');
      setTitle('');
      setMaximumPenalty('');
      setOffences([]);
      onAdded(added.id);
    } catch (caught) {
      setError(caught);
    } finally {
      setIsSaving(false);
    }
  };
  const fieldErrors = fieldErrorsOf(error);
  return (
    <Paper
      withBorder
      p="md"
      component="form"
      onSubmit={submit}
      noValidate
      aria-labelledby="law-map-add-title"
    >
      <Title order={2} size="h4" mb="xs" id="law-map-add-title">
        {t('lawMap.addTitle')}
      </Title>
      <Stack gap="sm">
        <Group align="flex-end" wrap="wrap">
          <TextInput
            id="law-citation"
            error={fieldErrors.get('/citation')}
            label={t('lawMap.citation')}
            value={citation}
            onChange={(e) => setCitation(e.currentTarget.value)}
            required
            data-testid="law-citation"
          />
          <TextInput
            id="law-title"
            error={fieldErrors.get('/title')}
            label={t('lawMap.provisionTitle')}
            value={title}
            onChange={(e) => setTitle(e.currentTarget.value)}
            required
            data-testid="law-title"
          />
          <TextInput
            id="law-penalty"
            error={fieldErrors.get('/maximumPenalty')}
            label={t('lawMap.maximumPenalty')}
            value={maximumPenalty}
            onChange={(e) => setMaximumPenalty(e.currentTarget.value)}
            data-testid="law-penalty"
          />
        </Group>
        <Checkbox.Group
          label={t('lawMap.implements')}
          error={fieldErrors.get('/offences')}
          value={offences}
          onChange={setOffences}
        >
          <Stack gap={4} mt={6}>
            {compliance.offences.map((offence) => (
              <Checkbox
                key={offence.id}
                value={offence.id}
                label={`${citationText(offence.article)} — ${localized(offence.title)}`}
                data-testid={`law-offence-${offence.id}`}
              />
            ))}
          </Stack>
        </Checkbox.Group>
        <ProblemAlert
          error={error}
          title={t('lawMap.addFailed')}
          fields={{
            '/citation': { label: t('lawMap.citation'), id: 'law-citation' },
            '/title': { label: t('lawMap.provisionTitle'), id: 'law-title' },
            '/maximumPenalty': { label: t('lawMap.maximumPenalty'), id: 'law-penalty' },
            '/offences': { label: t('lawMap.implements') },
          }}
        />
        <Group>
          <Button type="submit" loading={isSaving} data-testid="law-add">
            {t('lawMap.add')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

export function LawMapPage() {
  const { t } = useTranslation();
  const canEdit = useUser()?.permissions.includes('law-map:edit') ?? false;
  const provisions = useApi(() => answer(api.GET('/api/v1/law-map')), []);
  const compliance = useApi(() => answer(api.GET('/api/v1/law-map/compliance')), []);
  const [error, setError] = useState<unknown>(undefined);
  // The provision just added: its row takes the focus once the list shows it.
  const [addedId, setAddedId] = useState<string | undefined>(undefined);
  const reload = () => {
    provisions.reload();
    compliance.reload();
  };
  const remove = async (id: string) => {
    setError(undefined);
    try {
      await answer(api.DELETE('/api/v1/law-map/{id}', { params: { path: { id } } }));
      reload();
    } catch (caught) {
      setError(caught);
    }
  };
  const titleOf = (id: string) => {
    const offence = compliance.data?.offences.find((entry) => entry.id === id);
    return offence ? `${citationText(offence.article)} ${localized(offence.title)}` : id;
  };
  return (
    <Stack>
      <PageTitle text={t('lawMap.title')}>{t('lawMap.title')}</PageTitle>
      <Text size="sm">{t('lawMap.intro')}</Text>
      <ProblemAlert error={provisions.error ?? compliance.error ?? error} />

      <Title order={2} size="h4">
        {t('lawMap.provisions')}
      </Title>
      {provisions.data && provisions.data.items.length === 0 ? (
        <Text c="gray.7" data-testid="law-map-empty">
          {t('lawMap.empty')}
        </Text>
      ) : provisions.data ? (
        <WideTable minWidth={640} label={t('lawMap.provisions')}>
          <Table striped data-testid="law-map-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('lawMap.citation')}</Table.Th>
                <Table.Th>{t('lawMap.provisionTitle')}</Table.Th>
                <Table.Th>{t('lawMap.maximumPenalty')}</Table.Th>
                <Table.Th>{t('lawMap.implements')}</Table.Th>
                {canEdit ? <Table.Th>{t('lawMap.actions')}</Table.Th> : null}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {provisions.data.items.map((provision) => (
                <Table.Tr
                  key={provision.id}
                  data-testid="law-provision"
                  ref={provision.id === addedId ? takeFocusOnMount : undefined}
                >
                  <Table.Td>{provision.citation}</Table.Td>
                  <Table.Td>{provision.title}</Table.Td>
                  <Table.Td>{provision.maximumPenalty}</Table.Td>
                  <Table.Td>{provision.offences.map(titleOf).join('; ')}</Table.Td>
                  {canEdit ? (
                    <Table.Td>
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        onClick={() => void remove(provision.id)}
                        aria-label={t('lawMap.removeProvision', { citation: provision.citation })}
                      >
                        {t('lawMap.remove')}
                      </Button>
                    </Table.Td>
                  ) : null}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </WideTable>
      ) : null}
      {canEdit && compliance.data ? (
        <ProvisionForm
          compliance={compliance.data}
          onAdded={(id) => {
            setAddedId(id);
            reload();
          }}
        />
      ) : null}

      <section aria-labelledby="compliance-title">
        <Title order={2} size="h4" id="compliance-title" mb="xs">
          {t('lawMap.compliance')}
        </Title>
        {compliance.data ? (
          <Stack gap="xs">
            <Text size="sm" data-testid="compliance-summary">
              {t('lawMap.missingCount', {
                count: compliance.data.missing.length,
                total: compliance.data.offences.length,
              })}
            </Text>
            <Group gap="md">
              <Anchor href="/api/v1/law-map/compliance.csv" download data-testid="compliance-csv">
                {t('lawMap.downloadCsv')}
              </Anchor>
              <Anchor href="/api/v1/law-map/compliance" download="law-map-compliance.json">
                {t('lawMap.downloadJson')}
              </Anchor>
            </Group>
            <WideTable minWidth={560} label={t('lawMap.compliance')}>
              <Table striped data-testid="compliance-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('lawMap.offence')}</Table.Th>
                    <Table.Th>{t('lawMap.state')}</Table.Th>
                    <Table.Th>{t('lawMap.provisions')}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {compliance.data.offences.map((offence) => (
                    <Table.Tr key={offence.id} data-testid="compliance-offence" data-offence={offence.id}>
                      <Table.Td>
                        {citationText(offence.article)} — {localized(offence.title)}
                      </Table.Td>
                      <Table.Td>
                        <Badge
                          variant="outline"
                          color={offence.implemented ? 'teal.9' : 'var(--comity-amber)'}
                          data-implemented={offence.implemented ? 'true' : 'false'}
                        >
                          {offence.implemented ? t('lawMap.implemented') : t('lawMap.missing')}
                        </Badge>
                      </Table.Td>
                      <Table.Td>{offence.provisions.join('; ')}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </WideTable>
          </Stack>
        ) : null}
      </section>
    </Stack>
  );
}
