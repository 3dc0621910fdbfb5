/**
 * A message digest (base64url SHA-256, 43 characters) as people compare it: the first characters
 * shown, the whole one on hover (title) and for screen readers, and a button that copies it, so
 * it can be checked against the other node's records without retyping.
 */
import { Group } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { CopyValueButton } from './CopyValueButton.tsx';

const SHOWN_CHARACTERS = 12;

export function DigestText({ digest }: { digest: string }) {
  const { t } = useTranslation();
  const shortened = digest.length > SHOWN_CHARACTERS ? `${digest.slice(0, SHOWN_CHARACTERS)}…` : digest;
  return (
    <Group gap={4} wrap="nowrap" component="span" dir="ltr" style={{ display: 'inline-flex' }}>
      <code title={digest} data-digest={digest}>
        <span aria-hidden="true">{shortened}</span>
        <span className="visually-hidden">{digest}</span>
      </code>
      <CopyValueButton value={digest} label={t('delivery.copyDigest')} />
    </Group>
  );
}
