/** Asks before an action that cannot be undone (such as deleting a draft or sending a request). */
import { Button, Group, Modal, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export type ConfirmModalProps = Readonly<{
  isOpen: boolean;
  title: string;
  message: string;
  confirmLabel: string;
  /** The button that closes without acting; "Cancel" unless that would be ambiguous. */
  dismissLabel?: string;
  isBusy?: boolean;
  /** The confirm button's colour: red for destructive actions (the default), blue for sending. */
  confirmColor?: string;
  /** More to read before confirming, under the message. */
  children?: ReactNode;
  onConfirm: () => void;
  onCancel: () => void;
}>;

export function ConfirmModal({
  isOpen,
  title,
  message,
  confirmLabel,
  dismissLabel,
  isBusy,
  confirmColor = 'red.8',
  children,
  onConfirm,
  onCancel,
}: ConfirmModalProps) {
  const { t } = useTranslation();
  return (
    <Modal
      opened={isOpen}
      onClose={onCancel}
      title={title}
      centered
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      <Text mb="md">{message}</Text>
      {children}
      <Group justify="flex-end">
        <Button variant="default" onClick={onCancel} data-autofocus>
          {dismissLabel ?? t('common.cancel')}
        </Button>
        <Button color={confirmColor} onClick={onConfirm} loading={isBusy}>
          {confirmLabel}
        </Button>
      </Group>
    </Modal>
  );
}
