/**
 * The federation message that carried a step or an event of a case: its delivery state (in words,
 * not colour only) and its signed receipt in a disclosure, decoded (message id, digest, who signed
 * it for whom, when) with the server's verification against the directory of nodes.
 */
import { Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { CaseView } from '../../app/api.ts';
import { DeliveryBadge } from '../../components/DeliveryBadge.tsx';
import { DigestText } from '../../components/DigestText.tsx';
import { FactList } from '../../components/FactList.tsx';
import { formatInstant, labelSeparator, nodeStateName } from '../../components/format.ts';
import { useStates } from '../../components/reference-data.ts';

export type CaseMessage = NonNullable<CaseView['events'][number]['message']>;

export function CaseMessageFacts({ message }: { message: CaseMessage }) {
  const { t } = useTranslation();
  const receipt = message.receipt;
  return (
    <div data-testid="case-message" data-state={message.state}>
      <Group gap={6} wrap="wrap">
        <Text size="sm" fw={500} component="span">
          {t('case.delivery')}
          {labelSeparator().trimEnd()}
        </Text>
        <span data-testid="case-message-state">
          <DeliveryBadge state={message.state} />
        </span>
      </Group>
      {receipt ? (
        <details className="case-receipt" data-testid="case-receipt" data-verified={receipt.verified}>
          <summary>
            <Text size="sm" component="span">
              {t('case.receipt')}
              {' — '}
              <span data-testid="case-receipt-verdict">
                {receipt.verified
                  ? `✓ ${t('case.receiptVerified')}`
                  : `✗ ${t('case.receiptNotVerified', { problem: receipt.problem ?? '' })}`}
              </span>
            </Text>
          </summary>
          <FactList
            facts={[
              {
                label: t('case.messageId'),
                value: <span className="machine-text">{receipt.messageId}</span>,
                testId: 'case-receipt-message',
              },
              { label: t('case.digest'), value: <DigestText digest={receipt.digest} /> },
              { label: t('case.signedBy'), value: <NodeName nodeId={receipt.from} /> },
              { label: t('case.signedFor'), value: <NodeName nodeId={receipt.to} /> },
              {
                label: t('case.receivedAt'),
                value: <time dateTime={receipt.receivedAt}>{formatInstant(receipt.receivedAt)}</time>,
              },
            ]}
          />
        </details>
      ) : (
        <Text size="sm" c="gray.7">
          {t('case.noReceipt')}
        </Text>
      )}
    </div>
  );
}

/** A node as a lawyer reads it: the State it serves, by name, then its id ("Germany · de-poc"). */
function NodeName({ nodeId }: Readonly<{ nodeId: string }>) {
  const states = useStates();
  const name = nodeStateName(states.data, nodeId);
  return name === nodeId ? (
    <span className="machine-text">{nodeId}</span>
  ) : (
    <>
      {name} · <span className="machine-text">{nodeId}</span>
    </>
  );
}
