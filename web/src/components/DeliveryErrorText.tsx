/**
 * A recorded delivery error: in words when its cause is known (delivery-error.ts), with the raw
 * text the worker recorded below it for the operator who looks further; the raw text alone
 * otherwise.
 */
import { Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { deliveryErrorKind } from './delivery-error.ts';

export function DeliveryErrorText({
  text,
  statusCode,
  maw = 320,
}: {
  text: string;
  statusCode?: number | null;
  maw?: number;
}) {
  const { t } = useTranslation();
  const kind = deliveryErrorKind(text);
  const raw = `${statusCode ? `HTTP ${statusCode}: ` : ''}${text}`;
  return (
    <Stack gap={2} maw={maw} data-testid="delivery-error" data-kind={kind}>
      {kind ? (
        <Text size="xs" fw={600} c="red.9">
          {t(`deliveryError.${kind}`)}
        </Text>
      ) : null}
      <Text size="xs" c={kind ? 'gray.7' : 'red.9'} title={raw} lineClamp={kind ? 3 : 4} dir="ltr">
        <span className="machine-text" data-breakable>
          {raw}
        </span>
      </Text>
    </Stack>
  );
}
