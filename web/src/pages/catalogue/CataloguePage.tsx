/**
 * The Convention catalogue as Comity applies it: request types with their elements, the offences
 * of Arts. 7-17, definitions, validation rules and grounds for refusal. Every entry states whether
 * it was verified against an authentic text or is recalled and not yet verified, and its sources.
 * Entries have stable anchors (#type-preservation, #rule-<id>...) that the checklist links to.
 */
import {
  Anchor,
  Badge,
  Code,
  Group,
  List,
  Paper,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type ReactNode, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Catalogue } from '../../../../src/core/catalogue/catalogue.ts';
import type { LocalizedText } from '../../../../src/core/i18n.ts';
import { useLocation } from '../../app/router.tsx';
import { citationText, labelled, labelSeparator, localized } from '../../components/format.ts';
import { PageTitle } from '../../components/PageTitle.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { useCatalogue } from '../../components/reference-data.ts';
import { type Provenance, VerifiedBadge } from '../../components/VerifiedBadge.tsx';
import { elementLabel } from '../draft/FindingsChecklist.tsx';
import { WideTable } from '../../components/WideTable.tsx';

function Sources({ provenance, catalogue }: { provenance: Provenance; catalogue: Catalogue }) {
  const { t } = useTranslation();
  return (
    <Text size="xs" c="gray.7">
      {t('catalogue.sources')}
      {labelSeparator()}
      {provenance.sources.map((id, index) => {
        const source = catalogue.sources.find((entry) => entry.id === id);
        return (
          <span key={id}>
            {index > 0 ? '; ' : null}
            <Anchor href={`#source-${id}`} size="xs">
              {id}
            </Anchor>
            {source ? (
              <>
                {' '}
                <cite>{source.title}</cite>
              </>
            ) : null}
          </span>
        );
      })}
    </Text>
  );
}

function Entry({
  anchor,
  title,
  citation,
  provenance,
  catalogue,
  children,
  badges,
}: {
  anchor: string;
  title: string;
  citation: string;
  provenance: Provenance;
  catalogue: Catalogue;
  children?: ReactNode;
  badges?: ReactNode;
}) {
  return (
    <Paper
      id={anchor}
      data-anchor
      tabIndex={-1}
      withBorder
      p="sm"
      component="article"
      aria-labelledby={`${anchor}-title`}
    >
      <Group justify="space-between" align="flex-start" gap="xs" mb={4}>
        <Title order={3} size="h5" id={`${anchor}-title`}>
          {title}{' '}
          <Text span c="gray.7" size="sm">
            ({citation})
          </Text>
        </Title>
        <Group gap={6}>
          {badges}
          <VerifiedBadge provenance={provenance} />
        </Group>
      </Group>
      <Stack gap={6}>
        {children}
        <Sources provenance={provenance} catalogue={catalogue} />
      </Stack>
    </Paper>
  );
}

function matches(filter: string, ...texts: ReadonlyArray<string | LocalizedText | undefined>): boolean {
  if (!filter) return true;
  const needle = filter.toLocaleLowerCase();
  return texts.some((text) => {
    if (!text) return false;
    const value = typeof text === 'string' ? text : localized(text);
    return value.toLocaleLowerCase().includes(needle);
  });
}

function Parameters({ values }: { values: Readonly<Record<string, string | number | boolean>> }) {
  const entries = Object.entries(values);
  if (entries.length === 0) return null;
  return (
    <Group gap={6}>
      {entries.map(([key, value]) => (
        <Code key={key}>
          {key}: {String(value)}
        </Code>
      ))}
    </Group>
  );
}

/** The first sentence of an explanation, as the heading of a rule in the lawyer's view. */
function firstSentence(text: string): string {
  return /^.*?[.。](?=\s|$)/su.exec(text)?.[0] ?? text;
}

export function CataloguePage() {
  const { t } = useTranslation();
  const catalogue = useCatalogue();
  const location = useLocation();
  const [filter, setFilter] = useState('');
  // A guide for lawyers by default; rule ids, message templates and parameters are the
  // developer's view, shown on demand (and when a finding links to a rule).
  const [isDeveloperView, setDeveloperView] = useState(() => location.hash.startsWith('#rule-'));
  const data = catalogue.data;

  // Arriving through a link (#rule-...): show that entry and give it the focus.
  useEffect(() => {
    if (!data || !location.hash) return;
    const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (!target) return;
    target.scrollIntoView({ block: 'start' });
    target.focus({ preventScroll: true });
  }, [data, location.hash]);

  const title = t('catalogue.title');
  if (!data) {
    return (
      <>
        <PageTitle text={title}>{title}</PageTitle>
        <ProblemAlert error={catalogue.error} />
      </>
    );
  }
  const sections = [
    ['request-types', t('catalogue.requestTypes')],
    ['offences', t('catalogue.offences')],
    ['definitions', t('catalogue.definitions')],
    ['rules', t('catalogue.rules')],
    ['refusal-grounds', t('catalogue.refusalGrounds')],
    ['sources', t('catalogue.sourcesTitle')],
  ] as const;

  return (
    <>
      <PageTitle text={title}>{title}</PageTitle>
      <Text size="sm" c="gray.7" mb="xs">
        {t('catalogue.intro', { version: data.version, reviewedOn: data.reviewedOn })}
      </Text>
      <Group align="flex-end" mb="md" gap="md">
        <nav aria-label={t('catalogue.contents')}>
          <Group gap="sm">
            {sections.map(([id, label]) => (
              <Anchor key={id} href={`#${id}`} size="sm">
                {label}
              </Anchor>
            ))}
          </Group>
        </nav>
        <Switch
          label={t('catalogue.developerView')}
          description={t('catalogue.developerViewHelp')}
          checked={isDeveloperView}
          onChange={(event) => setDeveloperView(event.currentTarget.checked)}
          data-testid="catalogue-developer-view"
        />
        <TextInput
          label={t('catalogue.filter')}
          value={filter}
          onChange={(event) => setFilter(event.currentTarget.value)}
          size="sm"
          w={260}
          type="search"
        />
      </Group>

      <Stack gap="lg">
        <CatalogueSection id="request-types" heading={t('catalogue.requestTypes')}>
          {data.requestTypes
            .filter((entry) => matches(filter, entry.title, entry.explanation, entry.id))
            .map((entry) => (
              <Entry
                key={entry.id}
                anchor={`type-${entry.id}`}
                title={localized(entry.title)}
                citation={citationText(entry.article, entry.paragraph)}
                provenance={entry.provenance}
                catalogue={data}
                badges={
                  <Badge variant="outline" color="gray.8">
                    {t(`channel.${entry.channel}`)}
                  </Badge>
                }
              >
                <Text size="sm">{localized(entry.explanation)}</Text>
                <WideTable minWidth={480} label={t('catalogue.elementsOf', { type: localized(entry.title) })}>
                  <Table
                    withTableBorder
                    fz="sm"
                    aria-label={t('catalogue.elementsOf', { type: localized(entry.title) })}
                  >
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th scope="col">{t('catalogue.element')}</Table.Th>
                        <Table.Th scope="col">{t('catalogue.requirement')}</Table.Th>
                        <Table.Th scope="col">{t('catalogue.citation')}</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {entry.elements.map((element) => {
                        const help = data.elements.find(
                          (candidate) => candidate.id === element.element,
                        )?.help;
                        return (
                          <Table.Tr
                            key={element.element}
                            id={`type-${entry.id}-${element.element}`}
                            data-anchor
                            tabIndex={-1}
                          >
                            <Table.Td>
                              <Text size="sm" fw={500}>
                                {elementLabel(element.element, data)}
                              </Text>
                              {help ? (
                                <Text size="xs" c="gray.7">
                                  {localized(help)}
                                </Text>
                              ) : null}
                            </Table.Td>
                            <Table.Td>{t(`checklist.requirement.${element.requirement}`)}</Table.Td>
                            <Table.Td style={{ whiteSpace: 'nowrap' }}>
                              {citationText(element.article, element.paragraph)}
                            </Table.Td>
                          </Table.Tr>
                        );
                      })}
                    </Table.Tbody>
                  </Table>
                </WideTable>
                {isDeveloperView && entry.rules.length > 0 ? (
                  <Text size="xs">
                    {t('catalogue.rulesApplied')}
                    {labelSeparator()}
                    {entry.rules.map((rule, index) => (
                      <span key={rule}>
                        {index > 0 ? ', ' : null}
                        <Anchor href={`#rule-${rule}`} size="xs">
                          {rule}
                        </Anchor>
                      </span>
                    ))}
                  </Text>
                ) : null}
              </Entry>
            ))}
        </CatalogueSection>

        <CatalogueSection id="offences" heading={t('catalogue.offences')}>
          {data.offences
            .filter((entry) => matches(filter, entry.title, entry.explanation))
            .map((entry) => (
              <Entry
                key={entry.id}
                anchor={`offence-${entry.id}`}
                title={localized(entry.title)}
                citation={citationText(entry.article, entry.paragraph)}
                provenance={entry.provenance}
                catalogue={data}
              >
                <Text size="sm">{localized(entry.explanation)}</Text>
                <List size="sm" spacing={2}>
                  {entry.elements.map((element, index) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: the elements of an offence are an ordered text list.
                    <List.Item key={index}>{localized(element)}</List.Item>
                  ))}
                </List>
              </Entry>
            ))}
        </CatalogueSection>

        <CatalogueSection id="definitions" heading={t('catalogue.definitions')}>
          {data.definitions
            .filter((entry) => matches(filter, entry.title, entry.explanation))
            .map((entry) => (
              <Entry
                key={entry.id}
                anchor={`definition-${entry.id}`}
                title={localized(entry.title)}
                citation={citationText(entry.article, entry.paragraph)}
                provenance={entry.provenance}
                catalogue={data}
              >
                <Text size="sm">{localized(entry.explanation)}</Text>
                {isDeveloperView ? <Parameters values={entry.parameters} /> : null}
              </Entry>
            ))}
        </CatalogueSection>

        <CatalogueSection id="rules" heading={t('catalogue.rules')}>
          {data.rules
            .filter((entry) => matches(filter, entry.explanation, entry.message, entry.id))
            .map((entry) => (
              <Entry
                key={entry.id}
                anchor={`rule-${entry.id}`}
                title={isDeveloperView ? entry.id : firstSentence(localized(entry.explanation))}
                citation={citationText(entry.article, entry.paragraph)}
                provenance={entry.provenance}
                catalogue={data}
                badges={
                  <Badge
                    variant="outline"
                    color={entry.severity === 'blocking' ? 'red.9' : 'var(--comity-amber)'}
                  >
                    {t(`checklist.severity.${entry.severity}`)}
                  </Badge>
                }
              >
                <Text size="sm">{localized(entry.explanation)}</Text>
                {isDeveloperView ? (
                  <>
                    <Text size="xs" c="gray.7">
                      {labelled(t('catalogue.message'), localized(entry.message))}
                    </Text>
                    <Parameters values={entry.parameters} />
                  </>
                ) : null}
              </Entry>
            ))}
        </CatalogueSection>

        <CatalogueSection id="refusal-grounds" heading={t('catalogue.refusalGrounds')}>
          {data.refusalGrounds
            .filter((entry) => matches(filter, entry.title, entry.explanation))
            .map((entry) => (
              <Entry
                key={entry.id}
                anchor={`ground-${entry.id}`}
                title={localized(entry.title)}
                citation={citationText(entry.article, entry.paragraph)}
                provenance={entry.provenance}
                catalogue={data}
                badges={
                  <Badge variant="outline" color="gray.8">
                    {t(`groundKind.${entry.kind}`)}
                  </Badge>
                }
              >
                <Text size="sm">{localized(entry.explanation)}</Text>
                <Text size="xs" c="gray.7">
                  {t('catalogue.appliesTo')}
                  {labelSeparator()}
                  {entry.appliesTo
                    .map(
                      (type) =>
                        localized(data.requestTypes.find((candidate) => candidate.id === type)?.title) ||
                        t(`requestType.${type}`),
                    )
                    .join(', ')}
                </Text>
              </Entry>
            ))}
        </CatalogueSection>

        <section aria-labelledby="sources">
          <Title order={2} size="h3" id="sources" mb="xs">
            {t('catalogue.sourcesTitle')}
          </Title>
          <List size="sm" spacing={4}>
            {data.sources.map((source) => (
              <List.Item key={source.id} id={`source-${source.id}`}>
                <Text span fw={600} size="sm">
                  {source.id}
                </Text>{' '}
                {source.url ? (
                  <Anchor href={source.url} target="_blank" rel="noopener noreferrer" size="sm">
                    <cite>{source.title}</cite>
                  </Anchor>
                ) : (
                  <cite>{source.title}</cite>
                )}
              </List.Item>
            ))}
          </List>
        </section>
      </Stack>
    </>
  );
}

/** One part of the catalogue: a titled section (a target of the contents links) holding entries. */
function CatalogueSection({
  id,
  heading,
  children,
}: Readonly<{ id: string; heading: string; children: ReactNode }>) {
  return (
    <section aria-labelledby={id}>
      <Title order={2} size="h3" id={id} mb="xs">
        {heading}
      </Title>
      <Stack gap="sm">{children}</Stack>
    </section>
  );
}
