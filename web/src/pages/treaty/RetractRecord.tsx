/**
 * A treaty record entered in error, retracted (treaty:edit; POST
 * /api/v1/treaty/records/{id}/retraction): the editor says why, and on whose word when a source
 * shows it; the record stays in the list, struck out, with that reason, and the status and the map
 * stop counting it. Everyone reading the records sees the retraction: who made it, when, why.
 */
import { Badge, Button, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { answer, api, type TreatyRecordView } from '../../app/api.ts';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { fieldErrorsOf } from '../../components/field-errors.ts';
import { formatDate, formatDateTime } from '../../components/format.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';

type Retraction = NonNullable<TreatyRecordView['retraction']>;

/** "Retracted", and under the record who retracted it, when and why. */
export function RetractionNote({ retraction }: Readonly<{ retraction: Retraction }>) {
  const { t } = useTranslation();
  // When, on the reader's clock: near midnight the UTC day would be another.
  const date = formatDateTime(retraction.createdAt);
  return (
    <Stack gap={0} mt={4} data-testid="treaty-retraction">
      <Text size="xs" c="red.9">
        {retraction.createdBy
          ? t('treatyRetract.by', { date, user: retraction.createdBy.username, reason: retraction.reason })
          : t('treatyRetract.byOperator', { date, reason: retraction.reason })}
      </Text>
      {retraction.source ? (
        <Text size="xs" c="gray.7" style={{ overflowWrap: 'anywhere' }}>
          {t('treatyRetract.sourceLine', { source: retraction.source })}
        </Text>
      ) : null}
    </Stack>
  );
}

/** The badge beside a retracted record's action. */
export function RetractedBadge() {
  const { t } = useTranslation();
  return (
    <Badge variant="outline" color="red.9" size="sm" radius="sm" ml={4}>
      {t('treatyRetract.badge')}
    </Badge>
  );
}

export type RetractRecordProps = Readonly<{
  record: TreatyRecordView;
  /** The record's State or organization, as the page names it. */
  stateLabel: string;
  /** Called with what to announce once the node retracted the record. */
  onRetracted: (announcement: string) => void;
}>;

/** The button that opens the retraction of one record, and its dialog. */
export function RetractRecordButton({ record, stateLabel, onRetracted }: RetractRecordProps) {
  const { t } = useTranslation();
  const [isOpen, setIsOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [source, setSource] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [isBusy, setIsBusy] = useState(false);
  const action = t(`treatyAction.${record.action}`, { defaultValue: record.action });
  const names = { action, state: stateLabel };
  const close = () => {
    setIsOpen(false);
    setError(undefined);
  };
  const retract = async () => {
    setIsBusy(true);
    setError(undefined);
    try {
      await answer(
        api.POST('/api/v1/treaty/records/{id}/retraction', {
          params: { path: { id: record.id } },
          body: { reason, source: source.trim() || null },
        }),
      );
      setIsOpen(false);
      setReason('');
      setSource('');
      onRetracted(t('treatyRetract.done', names));
    } catch (caught) {
      setError(caught);
    } finally {
      setIsBusy(false);
    }
  };
  const fieldErrors = fieldErrorsOf(error);
  const reasonId = `treaty-retract-reason-${record.id}`;
  const sourceId = `treaty-retract-source-${record.id}`;
  return (
    <>
      <Button
        variant="default"
        size="compact-sm"
        onClick={() => setIsOpen(true)}
        aria-label={t('treatyRetract.openLabel', names)}
        data-testid="treaty-retract"
      >
        {t('treatyRetract.open')}
      </Button>
      <ConfirmModal
        isOpen={isOpen}
        title={t('treatyRetract.title')}
        message={t('treatyRetract.message', {
          ...names,
          date: record.date ? `, ${formatDate(record.date)}` : '',
        })}
        confirmLabel={t('treatyRetract.confirm')}
        isBusy={isBusy}
        onConfirm={retract}
        onCancel={close}
      >
        <Stack gap="sm" mb="md">
          <Textarea
            id={reasonId}
            label={t('treatyRetract.reason')}
            description={t('treatyRetract.reasonHelp')}
            value={reason}
            onChange={(event) => setReason(event.currentTarget.value)}
            error={fieldErrors.get('/reason')}
            required
            autosize
            minRows={2}
          />
          <TextInput
            id={sourceId}
            label={t('treatyRetract.source')}
            description={t('treatyRetract.sourceHelp')}
            value={source}
            onChange={(event) => setSource(event.currentTarget.value)}
            error={fieldErrors.get('/source')}
          />
          <ProblemAlert
            error={error}
            title={t('treatyRetract.failed')}
            fields={{
              '/reason': { label: t('treatyRetract.reason'), id: reasonId },
              '/source': { label: t('treatyRetract.source'), id: sourceId },
            }}
          />
        </Stack>
      </ConfirmModal>
    </>
  );
}
