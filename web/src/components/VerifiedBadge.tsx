/**
 * Says honestly how far a catalogue entry can be trusted: checked against an authentic text of
 * the Convention, or recalled and not yet verified (with the confidence of the paraphrase).
 */
import { Badge, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export type Provenance = Readonly<{ sources: readonly string[]; verified: boolean; confidence: string }>;

export function VerifiedBadge({ provenance }: { provenance: Provenance }) {
  const { t } = useTranslation();
  if (provenance.verified) {
    return (
      <Badge color="teal.9" variant="outline" radius="sm">
        {t('catalogue.verified')}
      </Badge>
    );
  }
  return (
    <Group gap={6} wrap="nowrap">
      <Badge color="var(--comity-amber)" variant="outline" radius="sm">
        {t('catalogue.notVerified')}
      </Badge>
      <Text size="xs" c="gray.7">
        {t('catalogue.confidence', { level: t(`catalogue.confidenceLevel.${provenance.confidence}`) })}
      </Text>
    </Group>
  );
}
