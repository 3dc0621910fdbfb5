/**
 * The Convention's status, public: signatories, deposited instruments, how many count towards the
 * 40 of Art. 65(1), entry into force or how many are still needed, a map, a timeline, and every
 * record with its source and evidence level. The date of the data and its known gaps are shown
 * plainly, so nobody reads a count without knowing how far it can be trusted.
 */
import {
  Alert,
  Anchor,
  Badge,
  Box,
  Group,
  List,
  Paper,
  Progress,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type ReactNode, useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { answer, apiUrl, publicApi, type TreatyRecordView } from '../../app/api.ts';
import { useCan, useSession } from '../../app/session.tsx';
import { formatDate, formatNumber, labelSeparator, localized, stateName } from '../../components/format.ts';
import { useStates } from '../../components/reference-data.ts';
import { PageTitle } from '../../components/PageTitle.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { useApi } from '../../components/use-api.ts';
import { TimelineChart } from './TimelineChart.tsx';
import { RetractedBadge, RetractionNote, RetractRecordButton } from './RetractRecord.tsx';
import { TreatyRecordsEditor } from './TreatyRecordsEditor.tsx';
import { LocaleDateInput } from '../../components/DateFields.tsx';
import { WideTable } from '../../components/WideTable.tsx';

function Figure({ label, value, children }: { label: string; value: string; children?: ReactNode }) {
  return (
    <Paper withBorder p="sm">
      <Text size="sm" c="gray.7">
        {label}
      </Text>
      <Text fz={28} fw={700} lh={1.2}>
        {value}
      </Text>
      {children}
    </Paper>
  );
}

const EVIDENCE_COLORS: Readonly<Record<string, string>> = {
  primary: 'teal.9',
  secondary: 'blue.9',
  weak: 'var(--comity-amber)',
};

function EvidenceBadge({ level }: { level: string | null }) {
  const { t } = useTranslation();
  return (
    <Badge variant="outline" color={level ? (EVIDENCE_COLORS[level] ?? 'gray.8') : 'gray.8'} size="sm">
      {t(`evidence.${level ?? 'unknown'}`)}
    </Badge>
  );
}

function RecordDate({ record }: { record: TreatyRecordView }) {
  const { t } = useTranslation();
  if (record.date) return <time dateTime={record.date}>{formatDate(record.date)}</time>;
  return (
    <Text span size="sm" c="gray.7" fs="italic">
      {t('treaty.dateUnknown')}
      {record.dateNote ? <span lang="en"> ({record.dateNote})</span> : null}
    </Text>
  );
}

/** An address in a source's text, with or without its scheme ("treaties.un.org/doc/..."). */
const URL_IN_TEXT = /(?:https?:\/\/)?(?:[a-z0-9-]+\.)+[a-z]{2,}\/[^\s;,)]*/gi;

/**
 * A record's source as written, each address in it a link named by its site ("treaties.un.org")
 * rather than the address itself: one long, encoded address a row made the table hard to read.
 */
function SourceText({ text }: Readonly<{ text: string }>) {
  const parts: ReactNode[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    const index = match.index ?? 0;
    if (index > last) parts.push(text.slice(last, index));
    const written = match[0];
    const url = /^https?:\/\//i.test(written) ? written : `https://${written}`;
    let site = written;
    try {
      site = new URL(url).host;
    } catch {
      // Not an address after all: shown as written.
    }
    parts.push(
      <Anchor key={index} href={url} target="_blank" rel="noopener noreferrer" size="xs" title={url}>
        {site}
      </Anchor>,
    );
    last = index + written.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return <>{parts}</>;
}

export function TreatyStatusPage() {
  const { t, i18n } = useTranslation();
  // Signed in, States by the directory's (the United Nations') names, as on the other screens:
  // "Viet Nam", not "Vietnam"; signed out, the platform's names for their codes.
  const { session } = useSession();
  const states = useStates(session.status === 'signed-in' && session.pendingStep === null);
  const nameOf = useCallback((code: string) => stateName(states.data, code), [states.data]);
  const [asOf, setAsOf] = useState('');
  // Up to today: the signatures and ratifications to come are not known. A later date is said at
  // the field, and the figures, the map and the records stay on the last date asked for.
  const today = new Date().toISOString().slice(0, 10);
  const isAsOfAhead = /^\d{4}-\d{2}-\d{2}$/.test(asOf) && asOf > today;
  const isAsOfValid = /^\d{4}-\d{2}-\d{2}$/.test(asOf) && !isAsOfAhead;
  const status = useApi(
    () =>
      answer(
        publicApi.GET('/api/v1/treaty/status', {
          params: { query: { asOf: isAsOfValid ? asOf : undefined } },
        }),
      ),
    [isAsOfValid ? asOf : ''],
  );
  const records = useApi(async () => (await answer(publicApi.GET('/api/v1/treaty/records'))).items, []);
  const [recordFilter, setRecordFilter] = useState('');
  const [retractedNow, setRetractedNow] = useState<string | undefined>(undefined);
  const data = status.data;
  const canEditRecords = useCan('treaty:edit');
  const retractedCount = (records.data ?? []).filter((record) => record.retraction !== null).length;

  const sortedRecords = useMemo(() => {
    const needle = recordFilter.trim().toLocaleLowerCase();
    return (records.data ?? [])
      .filter((record) => {
        if (!needle) return true;
        return [nameOf(record.stateCode), record.stateCode, record.action, record.source]
          .join(' ')
          .toLocaleLowerCase()
          .includes(needle);
      })
      .sort(
        (a, b) =>
          (a.date ?? '9999').localeCompare(b.date ?? '9999') ||
          nameOf(a.stateCode).localeCompare(nameOf(b.stateCode), i18n.language),
      );
  }, [records.data, recordFilter, i18n.language, nameOf]);

  const actionOf = (record: TreatyRecordView) =>
    t(`treatyAction.${record.action}`, { defaultValue: record.action });
  const title = t('treaty.title');
  return (
    <>
      <PageTitle text={title}>{title}</PageTitle>
      {canEditRecords ? (
        // The records editor stands after every record: the way to it, for those who keep them.
        <Anchor
          href="#treaty-edit-title"
          size="sm"
          mb="sm"
          display="inline-block"
          data-testid="treaty-edit-link"
          onClick={(event) => {
            // The focus moves with the view, so the next Tab is in the editor.
            event.preventDefault();
            const heading = document.getElementById('treaty-edit-title');
            heading?.setAttribute('tabindex', '-1');
            heading?.focus();
            heading?.scrollIntoView({ block: 'start' });
          }}
        >
          {t('treatyEdit.jump')}
        </Anchor>
      ) : null}
      <ProblemAlert error={status.error} />
      {data ? (
        <Stack gap="md">
          <Alert color="yellow" variant="light">
            <Text size="sm" fw={700}>
              {t('treaty.dataDate', { date: formatDate(data.dataDate) })}
            </Text>
            <Text size="sm">{t('treaty.dataCaveat', { month: data.latestSourceDate })}</Text>
          </Alert>

          <Group align="flex-end">
            <LocaleDateInput
              label={t('treaty.asOf')}
              description={t('treaty.asOfHelp')}
              value={asOf}
              onChange={setAsOf}
              max={today}
              error={isAsOfAhead ? t('a11y.fieldError.too-late', { date: formatDate(today) }) : undefined}
              w={220}
            />
            <Text size="sm" c="gray.7" mb={6}>
              {t('treaty.showingAsOf', { date: formatDate(data.asOf) })}
            </Text>
          </Group>

          <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="sm">
            <Figure
              label={t('treaty.signatories')}
              value={formatNumber(data.signatories.depositaryCount ?? data.signatories.count)}
            >
              <Text size="xs" c="gray.7">
                {t('treaty.signatoriesIdentified', { n: formatNumber(data.signatories.count) })}
              </Text>
            </Figure>
            <Figure label={t('treaty.deposited')} value={formatNumber(data.instruments.count)} />
            <Figure
              label={t('treaty.counted', { threshold: formatNumber(data.rule.threshold) })}
              value={`${formatNumber(data.countedInstruments)} / ${formatNumber(data.rule.threshold)}`}
            >
              <Progress
                value={Math.min(100, (data.countedInstruments / data.rule.threshold) * 100)}
                mt={6}
                aria-label={t('treaty.counted', { threshold: formatNumber(data.rule.threshold) })}
              />
            </Figure>
            <Figure
              label={t('treaty.entryIntoForce')}
              value={data.entryIntoForce ? formatDate(data.entryIntoForce.date) : t('treaty.notYet')}
            >
              <Text size="xs" c="gray.7">
                {data.entryIntoForce
                  ? data.entryIntoForce.isInForce
                    ? t('treaty.inForce')
                    : t('treaty.willEnterIntoForce')
                  : t('treaty.stillNeeded', { n: formatNumber(data.stillNeeded) })}
              </Text>
            </Figure>
          </SimpleGrid>
          <Text size="xs" c="gray.7">
            {t('treaty.ruleExplanation', {
              threshold: formatNumber(data.rule.threshold),
              general: formatNumber(data.rule.generalDelayDays),
              later: formatNumber(data.rule.laterPartyDelayDays),
            })}
          </Text>

          {/* One above the other: the map is 48rem wide, more than half of any screen's main area,
              and beside the timeline it was cut off at the card's edge. */}
          <Stack gap="md">
            <Paper withBorder p="sm" component="section" aria-labelledby="treaty-map-title">
              <Title order={2} size="h4" id="treaty-map-title" mb="xs">
                {t('treaty.map')}
              </Title>
              {/* The map is sized in rem so that its legend (in viewBox units) grows with the
                  reader's text size; a narrow screen scrolls the map, not the page (1.4.10). */}
              <Box
                className="treaty-map-scroll"
                tabIndex={0}
                role="region"
                aria-labelledby="treaty-map-title"
                style={{ overflowX: 'auto' }}
              >
                <img
                  data-testid="treaty-map"
                  src={apiUrl('/api/v1/treaty/map.svg', {
                    asOf: isAsOfValid ? asOf : undefined,
                    // Its legend and country names in the reader's language.
                    lang: i18n.resolvedLanguage ?? i18n.language,
                    // A new address once records were added or retracted here: the browser draws the map again.
                    v: `${records.data?.length ?? 0}-${retractedCount}`,
                  })}
                  alt={t('treaty.mapAlt', {
                    signatories: formatNumber(data.signatories.count),
                    instruments: formatNumber(data.instruments.count),
                    date: formatDate(data.asOf),
                  })}
                  style={{ width: '48rem', maxWidth: 'none', height: 'auto', display: 'block' }}
                />
              </Box>
            </Paper>
            <Paper withBorder p="sm" component="section" aria-labelledby="treaty-timeline-title">
              <Title order={2} size="h4" id="treaty-timeline-title" mb="xs">
                {t('treaty.timeline')}
              </Title>
              <TimelineChart
                // A signature known only by its window (the two days in Hanoi) is drawn at the window's end.
                signatureDates={data.signatories.items.flatMap((item) => {
                  const date = item.date ?? item.dateWindow?.to;
                  return date ? [date] : [];
                })}
                instrumentDates={data.instruments.items.map((item) => item.date)}
                threshold={data.rule.threshold}
                asOf={data.asOf}
              />
            </Paper>
          </Stack>

          <Paper withBorder p="sm" component="section" aria-labelledby="treaty-gaps-title">
            <Title order={2} size="h4" id="treaty-gaps-title" mb="xs">
              {t('treaty.gaps')}
            </Title>
            {/* The research's own date: records added here since may have closed a gap it names. */}
            <Text size="sm" c="gray.7" mb={4} data-testid="treaty-gaps-as-of">
              {t('treaty.gapsAsOf', { date: formatDate(data.dataDate) })}
            </Text>
            <List size="sm" spacing={4}>
              {data.gaps.map((gap) => (
                <List.Item key={gap.id}>
                  {localized(gap.statement)}{' '}
                  <Text span size="xs" c="gray.7">
                    ({gap.sources.join(', ')})
                  </Text>
                </List.Item>
              ))}
            </List>
            {data.reportedNotDeposited.length > 0 ? (
              <>
                <Title order={3} size="h5" mt="sm" mb={4}>
                  {t('treaty.reportedNotDeposited')}
                </Title>
                <List size="sm" spacing={4}>
                  {data.reportedNotDeposited.map((item, index) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: several reports may concern one State.
                    <List.Item key={`${item.stateCode}-${index}`}>
                      <strong>{nameOf(item.stateCode)}</strong> —{' '}
                      {t(`treatyAction.${item.action}`, { defaultValue: item.action })}
                      {item.date ? ` (${formatDate(item.date)})` : ''}
                      {labelSeparator()}
                      {t(`treaty.notDepositedReason.${item.reasonCode}`)}{' '}
                      <EvidenceBadge level={item.evidenceLevel} />
                    </List.Item>
                  ))}
                </List>
              </>
            ) : null}
          </Paper>
        </Stack>
      ) : null}

      <Paper withBorder p="sm" component="section" aria-labelledby="treaty-records-title" mt="md">
        <Group justify="space-between" align="flex-end" mb="xs">
          <Title order={2} size="h4" id="treaty-records-title">
            {t('treaty.records')}
          </Title>
          <TextInput
            label={t('treaty.filterRecords')}
            type="search"
            size="sm"
            value={recordFilter}
            onChange={(event) => setRecordFilter(event.currentTarget.value)}
            w={260}
          />
        </Group>
        <ProblemAlert error={records.error} />
        {retractedNow ? (
          <Text role="status" c="teal.9" fw={600} mb="xs" data-testid="treaty-retracted">
            {retractedNow}
          </Text>
        ) : null}
        <WideTable minWidth={800} label={t('treaty.records')}>
          <Table striped fz="sm" aria-labelledby="treaty-records-title">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('treaty.state')}</Table.Th>
                <Table.Th scope="col">{t('treaty.action')}</Table.Th>
                <Table.Th scope="col">{t('treaty.date')}</Table.Th>
                <Table.Th scope="col">{t('treaty.evidence')}</Table.Th>
                <Table.Th scope="col">{t('treaty.source')}</Table.Th>
                {canEditRecords ? <Table.Th scope="col">{t('treatyRetract.column')}</Table.Th> : null}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {sortedRecords.map((record) => (
                <Table.Tr key={record.id}>
                  <Table.Td>
                    {nameOf(record.stateCode)}{' '}
                    <Text span size="xs" c="gray.7">
                      {record.stateCode}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    {record.retraction ? (
                      <>
                        <s>{actionOf(record)}</s>
                        <RetractedBadge />
                      </>
                    ) : (
                      actionOf(record)
                    )}
                  </Table.Td>
                  <Table.Td>
                    <RecordDate record={record} />
                  </Table.Td>
                  <Table.Td>
                    <EvidenceBadge level={record.evidenceLevel} />
                  </Table.Td>
                  <Table.Td style={{ minWidth: 360 }}>
                    <Text size="xs" lang="en" style={{ overflowWrap: 'anywhere' }}>
                      <SourceText text={record.source} />
                    </Text>
                    {record.noteTranslations ? (
                      <Text size="xs" c="gray.7">
                        {localized(record.noteTranslations)}
                      </Text>
                    ) : record.note ? (
                      <Text size="xs" c="gray.7" lang="en">
                        {record.note}
                      </Text>
                    ) : null}
                    {record.retraction ? <RetractionNote retraction={record.retraction} /> : null}
                  </Table.Td>
                  {canEditRecords ? (
                    <Table.Td>
                      {record.retraction ? null : (
                        <RetractRecordButton
                          record={record}
                          stateLabel={nameOf(record.stateCode)}
                          onRetracted={(announcement) => {
                            setRetractedNow(announcement);
                            status.reload();
                            records.reload();
                          }}
                        />
                      )}
                    </Table.Td>
                  ) : null}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </WideTable>
      </Paper>

      {data ? (
        <Paper withBorder p="sm" component="section" aria-labelledby="treaty-sources-title" mt="md">
          <Title order={2} size="h4" id="treaty-sources-title" mb="xs">
            {t('treaty.sources')}
          </Title>
          <List size="sm" spacing={4}>
            {data.sources.map((source) => (
              <List.Item key={source.id}>
                <strong>{source.id}</strong>{' '}
                {source.url ? (
                  <Anchor href={source.url} target="_blank" rel="noopener noreferrer" size="sm" lang="en">
                    {source.title}
                  </Anchor>
                ) : (
                  <span lang="en">{source.title}</span>
                )}
              </List.Item>
            ))}
            {data.rule.citations.map((citation) => (
              <List.Item key={citation.citation}>
                <strong>{citation.citation}</strong> <span lang="en">{citation.explanation}</span>{' '}
                <Badge
                  variant="outline"
                  color={citation.provenance.verified ? 'teal.9' : 'var(--comity-amber)'}
                  size="sm"
                >
                  {citation.provenance.verified ? t('catalogue.verified') : t('catalogue.notVerified')}
                </Badge>
              </List.Item>
            ))}
          </List>
        </Paper>
      ) : null}
      {canEditRecords ? (
        <Box mt="md">
          <TreatyRecordsEditor
            onChanged={() => {
              status.reload();
              records.reload();
            }}
          />
        </Box>
      ) : null}
    </>
  );
}
