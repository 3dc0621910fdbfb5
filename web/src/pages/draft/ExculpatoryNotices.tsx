/**
 * The notices of exculpatory disclosure of a case (Art. 40(19), Art. 40(5)), oldest first, shown to
 * both sides: when each was given and whether before the disclosure or after it (with why not
 * before), what is disclosed, the evidence packages it covers, and the consultation the State that
 * gave the information asked for, if any, and whether it was held. The steps that follow a notice
 * (ask to be consulted, record the consultation) are offered in the box, beside what they answer.
 */
import { Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { CaseView } from '../../app/api.ts';
import { citationText, formatDate, formatInstant, formatList } from '../../components/format.ts';

type Notice = CaseView['exculpatoryNotices'][number];

/** The steps a notice leads to, offered in its box when the reader may make them. */
const NOTICE_STEPS: readonly string[] = ['request-consultation', 'record-consultation'];

function NoticeEntry({ notice, isRecipient }: Readonly<{ notice: Notice; isRecipient: boolean }>) {
  const { t } = useTranslation();
  return (
    <Stack gap={2} component="li" data-testid="exculpatory-notice" data-timing={notice.timing}>
      <Text size="sm" fw={600}>
        {t(notice.timing === 'prior' ? 'case.notices.prior' : 'case.notices.after', {
          at: formatInstant(notice.notifiedAt),
          date: formatDate(notice.date),
        })}
      </Text>
      <Text size="sm" dir="auto" style={{ whiteSpace: 'pre-wrap' }} className="quoted-text">
        {notice.disclosure}
      </Text>
      {notice.priorNoticeImpossible ? (
        <div>
          <Text size="sm" fw={500}>
            {t('case.notices.whyAfter')}
          </Text>
          <Text size="sm" dir="auto" style={{ whiteSpace: 'pre-wrap' }}>
            {notice.priorNoticeImpossible}
          </Text>
        </div>
      ) : null}
      {notice.packageIds.length > 0 ? (
        <Text size="sm">
          {t('case.notices.packages', {
            ids: formatList(notice.packageIds.map((id) => id.slice(0, 8))),
          })}
        </Text>
      ) : null}
      <div data-testid="exculpatory-consultation">
        {notice.consultationRequested ? (
          <>
            <Text size="sm" fw={600}>
              {t('case.notices.consultation', { at: formatInstant(notice.consultationRequested.at) })}
            </Text>
            <Text size="sm" dir="auto" style={{ whiteSpace: 'pre-wrap' }}>
              {notice.consultationRequested.reasons}
            </Text>
            {notice.consultationHeld ? (
              <>
                <Text size="sm" fw={600} data-testid="exculpatory-consultation-held">
                  {t('case.notices.consultationHeld', { date: formatDate(notice.consultationHeld.heldOn) })}
                </Text>
                <Text size="sm" dir="auto" style={{ whiteSpace: 'pre-wrap' }}>
                  {notice.consultationHeld.outcome}
                </Text>
              </>
            ) : (
              <Text size="sm" fw={600} c="red.9" data-testid="exculpatory-consultation-pending">
                {t(
                  notice.timing === 'prior'
                    ? 'case.notices.consultationPending'
                    : 'case.notices.consultationToHold',
                )}
              </Text>
            )}
          </>
        ) : (
          <Text size="sm" c="gray.7">
            {t('case.notices.noConsultation')}
          </Text>
        )}
      </div>
      {isRecipient && notice.packageIds.length > 0 ? (
        <Text size="sm" c="gray.7">
          {t('case.notices.recordUse')}
        </Text>
      ) : null}
    </Stack>
  );
}

export function ExculpatoryNotices({
  notices,
  isRecipient,
  available,
  onStep,
}: Readonly<{
  notices: readonly Notice[];
  /** This side received the information (it gives the notices). */
  isRecipient: boolean;
  /** The steps the reader may make now: those that follow a notice are offered here too. */
  available: readonly string[];
  onStep: (transition: string) => void;
}>) {
  const { t } = useTranslation();
  if (notices.length === 0) return null;
  const steps = NOTICE_STEPS.filter((step) => available.includes(step));
  return (
    <Paper
      withBorder
      p="sm"
      component="section"
      aria-labelledby="exculpatory-notices-title"
      data-testid="exculpatory-notices"
    >
      <Title order={3} size="h5" id="exculpatory-notices-title" mb={6}>
        {t('case.notices.title')} ({formatList([citationText(40, '19'), citationText(40, '5')])})
      </Title>
      <Stack gap="sm" component="ol" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
        {notices.map((notice) => (
          <NoticeEntry key={notice.notifiedAt} notice={notice} isRecipient={isRecipient} />
        ))}
      </Stack>
      {steps.length > 0 ? (
        <Group gap="xs" mt="xs">
          {steps.map((step) => (
            <Button
              key={step}
              size="compact-sm"
              variant="default"
              onClick={() => onStep(step)}
              data-testid={`notice-step-${step}`}
            >
              {t(`caseAction.${step}`)}
            </Button>
          ))}
        </Group>
      ) : null}
    </Paper>
  );
}
