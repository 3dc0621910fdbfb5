/**
 * Submitting a saved draft for approval (POST /api/v1/requests/{id}/submit): under the two-person
 * rule a supervisor other than its author approves it, which sends it to the requested State
 * (ApprovalPanel.tsx). The button is disabled, with the reason written beside it, while the draft
 * has unsaved changes, blocking findings or no requested State. Submitting asks first, naming the
 * State, the channel (the designated authority that receives this type of request) and, for an
 * intrusive measure, the role its approver also holds (the approvals' rule, which the request's
 * page reads for its approval panel too, again at each saved revision).
 */
import { Button, Stack, Text } from '@mantine/core';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { answer as answerOf, api, type RequestApprovals, type SubmitAnswer } from '../../app/api.ts';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { DutyThere } from '../roster/DutyThere.tsx';
import { NotConnectedNote } from './NotConnectedNote.tsx';

/** Why a draft cannot be sent now, as a translation key; undefined when it can. */
export function sendBlocker(input: {
  isDirty: boolean;
  hasBlockingFindings: boolean;
  requestedState: string | null;
  /** The directory of nodes lists no node of the requested State for this type's channel. */
  hasNoNodeThere?: boolean;
}): string | undefined {
  if (input.isDirty) return 'approval.submit.needsSave';
  if (input.hasBlockingFindings) return 'approval.submit.hasBlockingFindings';
  if (!input.requestedState) return 'approval.submit.noRequestedState';
  // The whole explanation stands at the top of the page, from the moment the State is chosen.
  if (input.hasNoNodeThere) return 'approval.submit.noNodeThereShort';
  return undefined;
}

type SendActionProps = Readonly<{
  requestId: string;
  revision: number;
  /** Who approves it (undefined until read): a saved change of type may change it. */
  rule: RequestApprovals['rule'] | undefined;
  /** The translation key of why sending is not possible now, if it is not. */
  blocker: string | undefined;
  /** The requested State's name in the UI language. */
  stateLabel: string;
  /** The requested State's code: its local time and duty status are shown before sending. */
  requestedState?: string | null;
  /** The receiving authority (channel) in the UI language. */
  channelLabel: string;
  /** The requested authority as the request names it, if its author wrote a name. */
  authorityName?: string | undefined;
  onSent: (answer: SubmitAnswer) => void;
  onError: (error: unknown) => void;
}>;

export function SendAction({
  requestId,
  revision,
  rule,
  blocker,
  stateLabel,
  channelLabel,
  authorityName,
  requestedState,
  onSent,
  onError,
}: SendActionProps) {
  const { t } = useTranslation();
  const reasonId = useId();
  const [isConfirming, setIsConfirming] = useState(false);
  const [isSending, setIsSending] = useState(false);
  const designatedRole = rule?.designatedRole
    ? t(`roles.${rule.designatedRole}`, { defaultValue: rule.designatedRole })
    : '';

  const send = async () => {
    setIsSending(true);
    onError(undefined);
    try {
      // The revision the user confirmed: a draft changed meanwhile is refused instead of submitted unseen.
      const answer = await answerOf(
        api.POST('/api/v1/requests/{id}/submit', {
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
        {t('approval.submit.button')}
      </Button>
      {blocker ? (
        <Text id={reasonId} size="xs" c="gray.7" maw={260} ta="end" data-testid="send-blocker">
          {t(blocker, { state: stateLabel, channel: channelLabel })}
        </Text>
      ) : null}
      <NotConnectedNote />
      {requestedState ? <DutyThere state={requestedState} stateLabel={stateLabel} /> : null}
      <ConfirmModal
        isOpen={isConfirming}
        title={t('approval.submit.confirmTitle')}
        message={[
          t('approval.submit.confirmMessage', { state: stateLabel, channel: channelLabel }),
          rule?.isIntrusive ? t('approval.intrusive', { role: designatedRole }) : '',
          authorityName ? t('approval.submit.confirmAddressee', { name: authorityName }) : '',
        ]
          .filter((sentence) => sentence !== '')
          .join(' ')}
        confirmLabel={t('approval.submit.confirm')}
        confirmColor="blue.8"
        isBusy={isSending}
        onConfirm={() => void send()}
        onCancel={() => setIsConfirming(false)}
      >
        <Text size="sm" c="gray.7" mb="md">
          {t('approval.submit.confirmNote')}
        </Text>
      </ConfirmModal>
    </Stack>
  );
}
