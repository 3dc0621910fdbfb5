/**
 * The figures of a case (docs/case-lifecycle.md, "Figures"): how long it took to be delivered,
 * acknowledged, decided on and executed, in the UI language; a step not reached says so.
 */
import { Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { CaseView } from '../../app/api.ts';
import { FactList } from '../../components/FactList.tsx';
import { formattingLocale } from '../../i18n/i18n.ts';

/** "2 hours", "3.5 days": the largest unit that fits, in the UI language. */
export function formatDuration(seconds: number): string {
  const units = [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ] as const;
  const [unit, size] = units.find(([, length]) => seconds >= length) ?? ['second', 1];
  return new Intl.NumberFormat(formattingLocale(), {
    style: 'unit',
    unit,
    unitDisplay: 'long',
    maximumFractionDigits: 1,
  }).format(seconds / size);
}

export function CaseFigures({ figures }: { figures: CaseView['figures'] }) {
  const { t } = useTranslation();
  const rows = [
    ['case.figureDeliver', figures.deliverSeconds, 'figure-deliver'],
    ['case.figureAcknowledge', figures.acknowledgeSeconds, 'figure-acknowledge'],
    ['case.figureDecide', figures.decideSeconds, 'figure-decide'],
    ['case.figureExecute', figures.executeSeconds, 'figure-execute'],
  ] as const;
  return (
    <section aria-labelledby="case-figures-title" data-testid="case-figures">
      <Title order={3} size="h5" id="case-figures-title" mb={6}>
        {t('case.figures')}
      </Title>
      <FactList
        facts={rows.map(([label, seconds, testId]) => ({
          label: t(label),
          value: seconds === null ? t('case.notReached') : formatDuration(seconds),
          testId,
        }))}
      />
      <Text size="xs" c="gray.7" mt={4}>
        {t('case.figuresNote')}
      </Text>
    </section>
  );
}
