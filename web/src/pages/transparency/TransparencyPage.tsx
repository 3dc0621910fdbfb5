/**
 * The transparency report, public (no sign-in): for a year or a quarter, the requests this node
 * sent and received by type and counterpart State, their outcomes, the grounds of refusals and the
 * median and 90th-percentile times to acknowledge, decide and execute, as charts and a table, with
 * the CSV and JSON to download. Counts under 5 read "<5" and totals that would reveal them are
 * withheld (docs/transparency.md); the page says so before any figure.
 */
import {
  Alert,
  Anchor,
  Group,
  NativeSelect,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { answer, apiUrl, isApiError, publicApi } from '../../app/api.ts';
import { citationText, localized, regionName } from '../../components/format.ts';
import { useCatalogue } from '../../components/reference-data.ts';
import { PageTitle } from '../../components/PageTitle.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { useApi } from '../../components/use-api.ts';
import {
  formatSeconds,
  OUTCOMES,
  OutcomesChart,
  STEPS,
  TimesChart,
  useCountText,
} from './TransparencyCharts.tsx';
import { WideTable } from '../../components/WideTable.tsx';

/** The current year and the two before it, each as a year and its four quarters. */
function periodOptions(now: Date): string[] {
  const year = now.getUTCFullYear();
  return [year, year - 1, year - 2].flatMap((each) => [
    String(each),
    ...[1, 2, 3, 4].map((q) => `${each}-Q${q}`),
  ]);
}

export function TransparencyPage() {
  const { t } = useTranslation();
  const catalogue = useCatalogue();
  // A refusal ground by its title and article in the catalogue, never by its id.
  const groundName = (id: string) => {
    const entry = catalogue.data?.refusalGrounds.find((candidate) => candidate.id === id);
    if (!entry) return t('lawyer2.unknownGround');
    return `${localized(entry.title)} (${citationText(entry.article, entry.paragraph ?? undefined)})`;
  };
  const options = periodOptions(new Date());
  const [period, setPeriod] = useState(options[0] ?? '');
  const countText = useCountText();
  const report = useApi(
    () => answer(publicApi.GET('/api/v1/transparency', { params: { query: { period } } })),
    [period],
  );
  const isUnpublished = isApiError(report.error) && report.error.code === 'not-found';
  const data = report.data;
  const title = t('transparency.title');
  const periodLabel = (value: string) => {
    const match = /^(\d{4})-Q([1-4])$/.exec(value);
    return match ? t('transparency.quarter', { quarter: match[2], year: match[1] }) : value;
  };
  const time = (seconds: number | null) =>
    seconds === null ? t('transparency.withheld') : formatSeconds(seconds);

  return (
    <>
      <PageTitle text={title}>{title}</PageTitle>
      <Stack gap="md">
        <Text>{t('transparency.intro')}</Text>
        {data?.publisher ? (
          // Whose figures these are: a node publishes its own, not the federation's.
          <Text size="sm" c="gray.8" data-testid="transparency-publisher">
            {t('transparency.publishedBy', {
              node: data.publisher.nodeId,
              state: regionName(data.publisher.state),
            })}
          </Text>
        ) : null}
        <Alert color="blue" variant="light" title={t('transparency.suppressionTitle')}>
          <Text size="sm">{t('transparency.suppression')}</Text>
        </Alert>
        <Group align="end">
          <NativeSelect
            label={t('transparency.period')}
            value={period}
            onChange={(event) => setPeriod(event.currentTarget.value)}
            data={options.map((value) => ({ value, label: periodLabel(value) }))}
          />
          <Anchor href={apiUrl('/api/v1/transparency.csv', { period })} download>
            {t('transparency.downloadCsv')}
          </Anchor>
          <Anchor href={apiUrl('/api/v1/transparency', { period })} download={`transparency-${period}.json`}>
            {t('transparency.downloadJson')}
          </Anchor>
        </Group>
        {isUnpublished ? (
          <Alert color="gray">{t('transparency.unpublished')}</Alert>
        ) : (
          <ProblemAlert error={report.error} />
        )}
        {data ? (
          <>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              {(['sent', 'received'] as const).map((direction) => (
                <Paper withBorder p="sm" key={direction}>
                  <Text size="sm" c="gray.7">
                    {t(`transparency.total.${direction}`, { period: periodLabel(data.period.label) })}
                  </Text>
                  <Text fz={28} fw={700} lh={1.2} data-testid={`total-${direction}`}>
                    {countText(data.totals[direction])}
                  </Text>
                </Paper>
              ))}
            </SimpleGrid>
            {data.rows.length === 0 ? (
              <Text>{t('transparency.empty')}</Text>
            ) : (
              <>
                <Title order={2} size="h3">
                  {t('transparency.outcomesTitle')}
                </Title>
                <OutcomesChart rows={data.rows} />
                <Title order={2} size="h3">
                  {t('transparency.timesTitle')}
                </Title>
                <TimesChart rows={data.rows} />
                <Title order={2} size="h3" id="transparency-table-title">
                  {t('transparency.tableTitle')}
                </Title>
                <WideTable minWidth={1100} label={t('transparency.tableTitle')}>
                  <Table striped fz="sm" aria-labelledby="transparency-table-title">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th scope="col">{t('transparency.directionLabel')}</Table.Th>
                        <Table.Th scope="col">{t('transparency.requestType')}</Table.Th>
                        <Table.Th scope="col">{t('transparency.state')}</Table.Th>
                        <Table.Th scope="col">{t('transparency.requests')}</Table.Th>
                        {OUTCOMES.map((outcome) => (
                          <Table.Th scope="col" key={outcome}>
                            {t(`transparency.outcome.${outcome}`)}
                          </Table.Th>
                        ))}
                        {STEPS.map((step) => (
                          <Table.Th scope="col" key={step}>
                            {t('transparency.stepTimes', { step: t(`transparency.step.${step}`) })}
                          </Table.Th>
                        ))}
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {data.rows.map((row) => (
                        <Table.Tr key={`${row.direction}-${row.requestType}-${row.counterpartState}`}>
                          <Table.Td>{t(`transparency.direction.${row.direction}`)}</Table.Td>
                          <Table.Td>
                            {t(`requestType.${row.requestType}`, { defaultValue: row.requestType })}
                          </Table.Td>
                          <Table.Td>
                            {row.counterpartState === 'unknown'
                              ? t('transparency.unknownState')
                              : regionName(row.counterpartState)}
                          </Table.Td>
                          <Table.Td>{countText(row.requests)}</Table.Td>
                          {OUTCOMES.map((outcome) => (
                            <Table.Td key={outcome}>{countText(row.outcomes[outcome])}</Table.Td>
                          ))}
                          {STEPS.map((step) => {
                            const cell = row.durations[step];
                            return (
                              <Table.Td key={step}>
                                {[
                                  countText(cell.cases),
                                  time(cell.medianSeconds),
                                  time(cell.p90Seconds),
                                ].join(' · ')}
                              </Table.Td>
                            );
                          })}
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </WideTable>
                <Title order={2} size="h3" id="transparency-grounds-title">
                  {t('transparency.groundsTitle')}
                </Title>
                {data.refusalGrounds.length === 0 ? (
                  <Text>{t('transparency.noRefusals')}</Text>
                ) : (
                  <Table striped fz="sm" aria-labelledby="transparency-grounds-title">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th scope="col">{t('transparency.directionLabel')}</Table.Th>
                        <Table.Th scope="col">{t('transparency.ground')}</Table.Th>
                        <Table.Th scope="col">{t('transparency.refusals')}</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {data.refusalGrounds.map((ground) => (
                        <Table.Tr key={`${ground.direction}-${ground.ground}`}>
                          <Table.Td>{t(`transparency.direction.${ground.direction}`)}</Table.Td>
                          <Table.Td>{groundName(ground.ground)}</Table.Td>
                          <Table.Td>{countText(ground.refusals)}</Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                )}
              </>
            )}
          </>
        ) : null}
      </Stack>
    </>
  );
}
