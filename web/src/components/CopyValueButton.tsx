/**
 * A small button that copies a value to the clipboard (a digest, a secret key, recovery codes), named
 * for what it copies and saying "Copied" once it has: the value need not be retyped.
 */
import { ActionIcon, CopyButton, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { CheckIcon, CopyIcon } from './icons.tsx';

export function CopyValueButton({ value, label }: { value: string; label: string }) {
  const { t } = useTranslation();
  return (
    <CopyButton value={value}>
      {({ copied, copy }) => (
        <Tooltip label={copied ? t('delivery.copied') : label} withArrow>
          <ActionIcon
            variant="subtle"
            color={copied ? 'teal.9' : 'gray.8'}
            size="sm"
            onClick={copy}
            aria-label={copied ? t('delivery.copied') : label}
          >
            {copied ? <CheckIcon /> : <CopyIcon />}
          </ActionIcon>
        </Tooltip>
      )}
    </CopyButton>
  );
}
