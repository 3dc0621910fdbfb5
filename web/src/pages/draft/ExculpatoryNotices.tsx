/**
 * The notices of exculpatory disclosure of a case (Art. 40(19), Art. 40(5)), oldest first, shown to
 * both sides: when each was given and whether before the disclosure or after it (with why not
 * before), what is disclosed, the evidence packages it covers, and the consultation the State that
 * gave the information asked for, if any.
 */
import { Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { CaseView } from '../../app/api.ts';
import { citationText, formatDate, formatInstant, formatList } from '../../components/format.ts';

type Notice = CaseView['exculpatoryNotices'][number];

function NoticeEntry({ notice }: Readonly<{ notice: Notice }>) {
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
          </>
        ) : (
          <Text size="sm" c="gray.7">
            {t('case.notices.noConsultation')}
          </Text>
        )}
      </div>
    </Stack>
  );
}

export function ExculpatoryNotices({ notices }: Readonly<{ notices: readonly Notice[] }>) {
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
        {t('case.notices.title')} ({citationText(40, '19')}; {citationText(40, '5')})
      </Title>
      <Stack gap="sm" component="ol" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
        {notices.map((notice) => (
          <NoticeEntry key={notice.notifiedAt} notice={notice} />
        ))}
      </Stack>
    </Paper>
  );
}
