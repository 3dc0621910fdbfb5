/**
 * Where a request that left or reached this node by federation is: its direction, the node at the
 * other end, the delivery state of its message (attempts, next try, last error) and, once
 * delivered, the receipt's facts (who received it, when, and the digest of the bytes received).
 * The digest lets both sides check they speak of the same message.
 */
import { Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { forwardRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { RequestView } from '../../app/api.ts';
import { DeliveryBadge } from '../../components/DeliveryBadge.tsx';
import { DeliveryErrorText } from '../../components/DeliveryErrorText.tsx';
import { DigestText } from '../../components/DigestText.tsx';
import { TimeText } from '../../components/TimeText.tsx';
import { type Fact, FactList } from '../../components/FactList.tsx';
import { formatNumber } from '../../components/format.ts';
import { readReceiptFacts } from '../../components/receipt.ts';

/** A node id, a message id or a reference: it breaks anywhere rather than widen the side panel. */
function MachineText({ text }: { text: string }) {
  return (
    <span className="machine-text" data-breakable>
      {text}
    </span>
  );
}

type DeliveryPanelProps = Readonly<{
  request: RequestView;
  isRefreshing: boolean;
  onRefresh: () => void;
}>;

/** Shown for a request that was sent or received; nothing for a draft. The heading takes the focus after sending. */
export const DeliveryPanel = forwardRef<HTMLHeadingElement, DeliveryPanelProps>(function DeliveryPanel(
  { request, isRefreshing, onRefresh },
  headingRef,
) {
  const { t } = useTranslation();
  const isIncoming = request.direction === 'incoming';
  if (!isIncoming && request.deliveryState === null) return null;
  const delivery = request.delivery ?? null;
  const receipt = readReceiptFacts(delivery?.receipt);
  const state = isIncoming ? null : (request.deliveryState ?? delivery?.state ?? null);

  const facts: Array<Fact | false> = isIncoming
    ? [
        {
          label: t('delivery.direction'),
          value: t('direction.incoming'),
        },
        request.peerNodeId !== null && {
          label: t('delivery.fromNode'),
          value: <MachineText text={request.peerNodeId} />,
          testId: 'delivery-node',
        },
        request.remoteRequestId !== null && {
          label: t('delivery.remoteRequestId'),
          value: <MachineText text={request.remoteRequestId} />,
        },
        request.receivedAt !== null && {
          label: t('delivery.receivedAt'),
          value: <TimeText empty={null} iso={request.receivedAt} />,
        },
        delivery !== null && { label: t('delivery.digest'), value: <DigestText digest={delivery.digest} /> },
        delivery !== null && {
          label: t('delivery.receipt'),
          value: delivery.receipt ? t('delivery.receiptSignedHere') : t('delivery.noReceipt'),
        },
      ]
    : [
        { label: t('delivery.direction'), value: t('direction.outgoing') },
        request.peerNodeId !== null && {
          label: t('delivery.toNode'),
          value: <MachineText text={request.peerNodeId} />,
          testId: 'delivery-node',
        },
        state !== null && {
          label: t('delivery.state'),
          value: <DeliveryBadge state={state} />,
          testId: 'delivery-state',
        },
        delivery?.attempts !== null &&
          delivery?.attempts !== undefined && {
            label: t('delivery.attempts'),
            value: formatNumber(delivery.attempts),
          },
        Boolean(delivery?.lastAttemptAt) && {
          label: t('delivery.lastAttempt'),
          value: <TimeText iso={delivery?.lastAttemptAt} isExact empty={null} />,
        },
        state === 'pending' &&
          Boolean(delivery?.nextAttemptAt) && {
            label: t('delivery.nextAttempt'),
            value: <TimeText iso={delivery?.nextAttemptAt} isExact empty={null} />,
          },
        Boolean(delivery?.lastError) &&
          state !== 'delivered' && {
            label: t('delivery.lastError'),
            value: <DeliveryErrorText text={delivery?.lastError ?? ''} />,
          },
        receipt !== undefined && {
          label: t('delivery.receivedAt'),
          value: <TimeText empty={null} iso={receipt.receivedAt} />,
          testId: 'receipt-received-at',
        },
        receipt !== undefined && {
          label: t('delivery.receiptSignedBy'),
          value: <MachineText text={receipt.from} />,
        },
        Boolean(delivery?.receiptReceivedAt) && {
          label: t('delivery.receiptStoredAt'),
          value: <TimeText empty={null} iso={delivery?.receiptReceivedAt} />,
        },
        delivery !== null && {
          label: t('delivery.digest'),
          value: <DigestText digest={delivery.digest} />,
          testId: 'delivery-digest',
        },
      ];

  return (
    <Paper
      component="section"
      aria-labelledby="delivery-title"
      withBorder
      p="sm"
      data-testid="delivery-panel"
    >
      <Title
        order={2}
        size="h4"
        id="delivery-title"
        ref={headingRef}
        tabIndex={-1}
        style={{ outline: 'none' }}
        mb="xs"
      >
        {isIncoming ? t('delivery.incomingTitle') : t('delivery.title')}
      </Title>
      <Stack gap="xs">
        <FactList facts={facts} />
        {receipt && delivery && receipt.digest !== delivery.digest ? (
          <Text size="sm" c="red.9" role="alert">
            {t('delivery.digestMismatch')}
          </Text>
        ) : null}
        {!isIncoming && state !== null && state !== 'delivered' && state !== 'cancelled' ? (
          <Group gap="xs">
            <Button size="compact-sm" variant="default" onClick={onRefresh} loading={isRefreshing}>
              {t('delivery.refresh')}
            </Button>
            {state === 'pending' ? (
              <Text size="xs" c="gray.7">
                {t('delivery.autoRefresh')}
              </Text>
            ) : null}
          </Group>
        ) : null}
      </Stack>
    </Paper>
  );
});
