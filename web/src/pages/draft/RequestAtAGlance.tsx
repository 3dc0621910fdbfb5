/**
 * A received request at a glance, at the top of its page: who asks, on which earlier request, how
 * urgently, what its type turns on (the person an extradition seeks, the information shared and
 * its conditions, a joint investigation's States, what assistance is asked), for which offences,
 * about which identifiers and data, held by whom, for how long and by when. The request in full stays below the case and its evidence; a button takes the reader
 * there.
 */
import { Button, Group, List, Paper, Text, Title } from '@mantine/core';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { offenceTitle, requestTypeTitle } from '../../components/reference-data.ts';
import type { Catalogue } from '../../../../src/core/catalogue/catalogue.ts';
import type { RequestContent } from '../../../../src/core/request/draft.ts';
import type { StateSummary } from '../../app/api.ts';
import { type Fact, FactList } from '../../components/FactList.tsx';
import { formatDate, labelSeparator, stateName } from '../../components/format.ts';
import { joined, shortened, typeFacts } from './glance-facts.ts';

/** How many identifiers are listed before "and N more". */
const IDENTIFIERS_SHOWN = 5;

export function RequestAtAGlance({
  content,
  catalogue,
  states,
  onReadAll,
}: {
  content: RequestContent;
  catalogue: Catalogue | undefined;
  states: readonly StateSummary[] | undefined;
  onReadAll: () => void;
}) {
  const { t } = useTranslation();
  const headingId = useId();
  const authority = content.requestingAuthority;
  const offences = (content.offences ?? []).map((offence) =>
    joined([
      offence.conventionArticle
        ? `${t('common.article', { article: offence.conventionArticle })} — ${offenceTitle(catalogue, offence.conventionArticle)}`
        : undefined,
      offence.domesticProvision,
    ]),
  );
  const identifiers = content.identifiers ?? [];
  const data = content.dataSought;
  const period = data?.period ?? content.collectionPeriod;
  const urgency = content.urgency?.level;
  const custodian = content.custodian;
  const confidentiality = content.confidentiality;
  const facts: Array<Fact | undefined> = [
    authority?.name || authority?.state
      ? {
          label: t('glance.from'),
          value: joined([authority.name, authority.state ? stateName(states, authority.state) : undefined]),
          testId: 'glance-from',
        }
      : undefined,
    content.relatedRequest?.reference || content.relatedRequest?.type
      ? {
          label: t('glance.follows'),
          value: joined([
            content.relatedRequest.reference,
            content.relatedRequest.type
              ? requestTypeTitle(catalogue, content.relatedRequest.type)
              : undefined,
          ]),
          testId: 'glance-follows',
        }
      : undefined,
    urgency
      ? {
          label: t('glance.urgency'),
          value: joined([t(`urgencyLevel.${urgency}`), content.urgency?.justification]),
          testId: 'glance-urgency',
        }
      : undefined,
    ...typeFacts(content, { state: (code) => stateName(states, code), day: formatDate }, (key, options) =>
      t(key, options ?? {}),
    ),
    offences.some(Boolean)
      ? {
          label: t('glance.offences'),
          value: (
            <List size="sm" spacing={0}>
              {offences.filter(Boolean).map((offence, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: the request's offences, in its order.
                <List.Item key={index}>{offence}</List.Item>
              ))}
            </List>
          ),
          testId: 'glance-offences',
        }
      : undefined,
    content.summaryOfFacts || content.subjectMatter
      ? {
          label: t('glance.facts'),
          value: <span dir="auto">{shortened(content.summaryOfFacts ?? content.subjectMatter ?? '')}</span>,
          testId: 'glance-facts',
        }
      : undefined,
    identifiers.length > 0
      ? {
          label: t('glance.identifiers'),
          value: (
            <List size="sm" spacing={0}>
              {identifiers.slice(0, IDENTIFIERS_SHOWN).map((identifier, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: the request's identifiers, in its order.
                <List.Item key={index}>
                  {t(`identifierKind.${identifier.kind}`)}
                  {labelSeparator()}
                  <span className="machine-text">{identifier.value}</span>
                  {identifier.service ? ` (${identifier.service})` : ''}
                </List.Item>
              ))}
              {identifiers.length > IDENTIFIERS_SHOWN ? (
                <List.Item>
                  {t('glance.moreIdentifiers', { count: identifiers.length - IDENTIFIERS_SHOWN })}
                </List.Item>
              ) : null}
            </List>
          ),
          testId: 'glance-identifiers',
        }
      : undefined,
    data?.categories?.length || data?.description || period?.from || period?.to
      ? {
          label: t('glance.dataSought'),
          // The categories say what kind of data; the description says which (a mailbox's content
          // as well as its subscriber): both, since what is sought is what the reviewer weighs.
          value: (
            <>
              {joined([
                (data?.categories ?? []).map((category) => t(`dataCategory.${category}`)).join(', ') ||
                  undefined,
                period?.from || period?.to
                  ? t('glance.period', {
                      from: formatDate(period.from) || '…',
                      to: formatDate(period.to) || '…',
                    })
                  : undefined,
              ])}
              {data?.description ? (
                <Text size="sm" c="gray.8" dir="auto" data-testid="glance-data-description">
                  {shortened(data.description)}
                </Text>
              ) : null}
            </>
          ),
          testId: 'glance-data',
        }
      : undefined,
    custodian?.name || custodian?.state || custodian?.isUnknown
      ? {
          label: t('glance.custodian'),
          value: custodian.isUnknown
            ? t('glance.custodianUnknown')
            : joined([custodian.name, custodian.state ? stateName(states, custodian.state) : undefined]),
          testId: 'glance-custodian',
        }
      : undefined,
    content.preservationDays !== undefined
      ? {
          label: t('glance.preservation'),
          value: t('glance.preservationDays', { count: content.preservationDays }),
          testId: 'glance-preservation',
        }
      : undefined,
    content.suggestedDeadline?.date
      ? {
          label: t('glance.deadline'),
          value: joined([formatDate(content.suggestedDeadline.date), content.suggestedDeadline.reasons]),
          testId: 'glance-deadline',
        }
      : undefined,
    confidentiality?.isRequired || confidentiality?.isUserNotificationBarred
      ? {
          label: t('glance.confidentiality'),
          value: joined([
            confidentiality.isRequired
              ? confidentiality.until
                ? t('glance.confidentialUntil', { date: formatDate(confidentiality.until) })
                : t('glance.confidential')
              : undefined,
            confidentiality.isUserNotificationBarred ? t('glance.noUserNotice') : undefined,
          ]),
          testId: 'glance-confidentiality',
        }
      : undefined,
  ];
  return (
    <Paper
      component="section"
      aria-labelledby={headingId}
      withBorder
      p="sm"
      mb="md"
      data-testid="request-glance"
    >
      <Group justify="space-between" align="flex-start" gap="xs" mb="xs">
        <Title order={2} size="h4" id={headingId}>
          {t('glance.title')}
        </Title>
        <Button variant="default" size="xs" onClick={onReadAll} data-testid="glance-read-all">
          {t('glance.readAll')}
        </Button>
      </Group>
      {facts.some(Boolean) ? (
        <FactList facts={facts} />
      ) : (
        <Text size="sm" c="gray.7">
          {t('glance.empty')}
        </Text>
      )}
    </Paper>
  );
}
