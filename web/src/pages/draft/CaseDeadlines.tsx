/**
 * The deadlines that run on a case now: what must be done, by which side, its state in words (on
 * time, at risk, missed), and when it is due in the viewer's time and in the requested State's
 * local time (its capital's time zone, from the States list), with the article it rests on.
 */
import { List, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { CaseView } from '../../app/api.ts';
import { FactList } from '../../components/FactList.tsx';
import {
  formatDate,
  formatInstant,
  localizedCitation,
  TIME_OF_DAY,
  WRITTEN_DAY,
} from '../../components/format.ts';
import { formattingLocale } from '../../i18n/i18n.ts';

type Deadline = CaseView['deadlines'][number];

const KIND_LABELS: Readonly<Record<Deadline['kind'], string>> = {
  acknowledge: 'case.deadlineAcknowledge',
  'answer-clarification': 'case.deadlineAnswerClarification',
  'end-of-postponement': 'case.deadlineEndOfPostponement',
  'suggested-execution': 'case.deadlineSuggestedExecution',
  'preservation-expiry': 'case.deadlinePreservationExpiry',
};

const STATE_LABELS: Readonly<Record<Deadline['state'], string>> = {
  'on-time': 'case.deadlineOnTime',
  'at-risk': 'case.deadlineAtRisk',
  missed: 'case.deadlineMissed',
};

/** The bases the node gives in English besides an article, by their words in the UI (case.*). */
const PRACTICE_BASES: Readonly<Record<string, string>> = {
  "Comity's practice": 'case.basisPractice',
  "Comity's practice (the requested State's declared service level)": 'case.basisServiceLevel',
};

/** The instant in a named time zone, with the zone's name; undefined when the zone is unknown. */
function formatInZone(iso: string, timeZone: string | undefined): string | undefined {
  if (!timeZone) return undefined;
  try {
    return new Intl.DateTimeFormat(formattingLocale(), {
      ...WRITTEN_DAY,
      ...TIME_OF_DAY,
      timeZone,
      timeZoneName: 'short',
    }).format(new Date(iso));
  } catch {
    return undefined;
  }
}

type CaseDeadlinesProps = Readonly<{
  deadlines: readonly Deadline[];
  requestedStateName: string;
  requestedTimeZone: string | undefined;
}>;

export function CaseDeadlines({ deadlines, requestedStateName, requestedTimeZone }: CaseDeadlinesProps) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="case-deadlines-title" data-testid="case-deadlines">
      <Title order={3} size="h5" id="case-deadlines-title" mb={6}>
        {t('case.deadlines')}
      </Title>
      {deadlines.length === 0 ? (
        <Text size="sm" c="gray.7">
          {t('case.noDeadlines')}
        </Text>
      ) : (
        <List listStyleType="none" spacing="xs">
          {deadlines.map((deadline) => {
            // A deadline on a date falls due at the midnight after it on the requested State's
            // clocks; it is shown at the last minute of that day, not at the next midnight, which
            // read as a day later than the last day above it.
            const lastDay = deadline.lastDay ?? undefined;
            const shownAt =
              lastDay === undefined
                ? deadline.dueAt
                : new Date(Date.parse(deadline.dueAt) - 60_000).toISOString();
            const inRequested = formatInZone(shownAt, requestedTimeZone);
            const practice = PRACTICE_BASES[deadline.basis];
            return (
              <List.Item key={deadline.kind} data-testid="case-deadline" data-state={deadline.state}>
                <Text fw={600} size="sm">
                  {t(KIND_LABELS[deadline.kind])}
                </Text>
                <FactList
                  facts={[
                    { label: t('case.deadlineState'), value: t(STATE_LABELS[deadline.state]) },
                    {
                      label: t('case.actsBy'),
                      value:
                        deadline.side === 'requested' ? t('case.sideRequested') : t('case.sideRequesting'),
                    },
                    lastDay !== undefined && {
                      label: t('case.lastDay', { state: requestedStateName || '—' }),
                      value: <time dateTime={lastDay}>{formatDate(lastDay)}</time>,
                      testId: 'deadline-last-day',
                    },
                    {
                      label: t('case.dueYourTime'),
                      value: <time dateTime={deadline.dueAt}>{formatInstant(shownAt)}</time>,
                    },
                    inRequested !== undefined && {
                      label: t('case.dueRequestedTime', { state: requestedStateName || '—' }),
                      value: inRequested,
                    },
                    {
                      label: t('case.basis'),
                      value: practice ? t(practice) : localizedCitation(deadline.basis),
                    },
                  ]}
                />
              </List.Item>
            );
          })}
        </List>
      )}
    </section>
  );
}
