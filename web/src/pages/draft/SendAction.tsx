/**
 * Sending a saved draft to the requested State (POST /api/v1/requests/{id}/send). The button is
 * disabled, with the reason written beside it, while the draft has unsaved changes, blocking
 * findings or no requested State. Sending asks first, naming the State and the channel (the
 * designated authority that receives this type of request), because a sent request cannot be
 * changed or recalled.
 */
import { Button, Stack, Text } from '@mantine/core';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { answer as answerOf, api, type SendAnswer } from '../../app/api.ts';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { DutyThere } from '../roster/DutyThere.tsx';
import { NotConnectedNote } from './NotConnectedNote.tsx';

/** Why a draft cannot be sent now, as a translation key; undefined when it can. */
export function sendBlocker(input: {
  isDirty: boolean;
  hasBlockingFindings: boolean;
  requestedState: string | null;
}): string | undefined {
  if (input.isDirty) return 'send.needsSave';
  if (input.hasBlockingFindings) return 'send.hasBlockingFindings';
  if (!input.requestedState) return 'send.noRequestedState';
  return undefined;
}

type SendActionProps = Readonly<{
  requestId: string;
  revision: number;
  /** The translation key of why sending is not possible now, if it is not. */
  blocker: string | undefined;
  /** The requested State's name in the UI language. */
  stateLabel: string;
  /** The requested State's code: its local time and duty status are shown before sending. */
  requestedState?: string | null;
  /** The receiving authority (channel) in the UI language. */
  channelLabel: string;
  onSent: (answer: SendAnswer) => void;
  onError: (error: unknown) => void;
}>;

export function SendAction({
  requestId,
  revision,
  blocker,
  stateLabel,
  channelLabel,
  requestedState,
  onSent,
  onError,
}: SendActionProps) {
  const { t } = useTranslation();
  const reasonId = useId();
  const [isConfirming, setIsConfirming] = useState(false);
  const [isSending, setIsSending] = useState(false);

  const send = async () => {
    setIsSending(true);
    onError(undefined);
    try {
      // The revision the user confirmed: a draft changed meanwhile is refused instead of sent unseen.
      const answer = await answerOf(
        api.POST('/api/v1/requests/{id}/send', {
          params: { path: { id: requestId }, header: { 'if-match': `"${revision}"` } },
        }),
      );
      setIsConfirming(false);
      onSent(answer);
    } catch (error) {
      setIsConfirming(false);
      onError(error);
    } finally {
      setIsSending(false);
    }
  };

  return (
    <Stack gap={2} align="flex-end">
      <Button
        color="blue.8"
        onClick={() => setIsConfirming(true)}
        disabled={blocker !== undefined}
        aria-describedby={blocker ? reasonId : undefined}
        data-testid="send-request"
      >
        {t('send.button')}
      </Button>
      {blocker ? (
        <Text id={reasonId} size="xs" c="gray.7" maw={260} ta="end" data-testid="send-blocker">
          {t(blocker)}
        </Text>
      ) : null}
      <NotConnectedNote />
      {requestedState ? <DutyThere state={requestedState} stateLabel={stateLabel} /> : null}
      <ConfirmModal
        isOpen={isConfirming}
        title={t('send.confirmTitle')}
        message={t('send.confirmMessage', { state: stateLabel, channel: channelLabel })}
        confirmLabel={t('send.confirm')}
        confirmColor="blue.8"
        isBusy={isSending}
        onConfirm={() => void send()}
        onCancel={() => setIsConfirming(false)}
      >
        <Text size="sm" c="gray.7" mb="md">
          {t('send.confirmNote')}
        </Text>
      </ConfirmModal>
    </Stack>
  );
}
