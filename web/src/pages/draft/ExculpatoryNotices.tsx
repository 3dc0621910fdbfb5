/**
 * The notices of exculpatory disclosure of a case (Art. 40(19), Art. 40(5)), oldest first, shown to
 * both sides: when each was given and whether before the disclosure or after it (with why not
 * before), what is disclosed, the evidence packages it covers, and the consultation the State that
 * gave the information asked for, if any, and whether it was held. The steps that follow a notice
 * (ask to be consulted, record the consultation) are offered on the notice they are about.
 */
import { Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { CaseView } from '../../app/api.ts';
import { citationText, formatDate, formatInstant, formatList } from '../../components/format.ts';

type Notice = CaseView['exculpatoryNotices'][number];

/**
 * The step a notice leads to now, if the reader may make it: the State that gave the information
 * asks to be consulted on a notice with none asked yet; the recipient records one asked and not held.
 */
export function noticeStepOf(
  notice: Notice,
  available: readonly string[],
): 'request-consultation' | 'record-consultation' | undefined {
  if (!notice.consultationRequested && available.includes('request-consultation'))
    return 'request-consultation';
  const isPending = notice.consultationRequested !== null && notice.consultationHeld === null;
  return isPending && available.includes('record-consultation') ? 'record-consultation' : undefined;
}

/**
 * The notice a consultation step opened from the case's actions is about: the first one it may
 * be made on (the box offers it on each notice).
 */
export function defaultNoticeOf(
  notices: readonly Notice[],
  transition: string,
  available: readonly string[],
): number | undefined {
  const index = notices.findIndex((notice) => noticeStepOf(notice, available) === transition);
  return index === -1 ? undefined : index;
}

function NoticeEntry({
  notice,
  isRecipient,
  step,
  onStep,
}: Readonly<{ notice: Notice; isRecipient: boolean; step: string | undefined; onStep: () => void }>) {
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
      {step ? (
        <Group gap="xs">
          <Button size="compact-sm" variant="default" onClick={onStep} data-testid={`notice-step-${step}`}>
            {t(`caseAction.${step}`)}
          </Button>
        </Group>
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
  /** The steps the reader may make now: those that follow a notice are offered on it too. */
  available: readonly string[];
  /** Opens the step's form about the notice at this place among the case's notices. */
  onStep: (transition: string, notice: number) => void;
}>) {
  const { t } = useTranslation();
  if (notices.length === 0) return null;
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
        {notices.map((notice, index) => {
          const step = noticeStepOf(notice, available);
          return (
            <NoticeEntry
              // Notices are only added: a place is a notice's lasting identity.
              // biome-ignore lint/suspicious/noArrayIndexKey: the place is what steps name a notice by
              key={index}
              notice={notice}
              isRecipient={isRecipient}
              step={step}
              onStep={() => step && onStep(step, index)}
            />
          );
        })}
      </Stack>
    </Paper>
  );
}
