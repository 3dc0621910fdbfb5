/**
 * The transparency report's charts, as small inline SVGs (no chart library, like the treaty
 * timeline): the outcomes of each row as a stacked bar, and the median times to acknowledge,
 * decide and execute. Only published numbers are drawn; a suppressed count ("<5") or a withheld
 * one is said in words beside its bar. Each chart is an image whose description states its numbers;
 * the table below holds the same data.
 */
import { Box, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { TransparencyReportView } from '../../app/api.ts';
import { formatNumber, labelled, regionName } from '../../components/format.ts';
import { currentLanguage, formattingLocale, isRightToLeft } from '../../i18n/i18n.ts';
import { isolate } from '../treaty/TimelineChart.tsx';
import type { ReactNode } from 'react';

type Row = TransparencyReportView['rows'][number];
export type Count = Row['requests'];

export const OUTCOMES = ['pending', 'accepted', 'executed', 'refused', 'withdrawn', 'closed'] as const;
export const STEPS = ['acknowledge', 'decide', 'execute'] as const;

/** Colours with enough contrast on white (WCAG 1.4.11). */
const OUTCOME_COLORS: Readonly<Record<(typeof OUTCOMES)[number], string>> = {
  pending: '#495057',
  accepted: '#1864ab',
  executed: '#087f5b',
  refused: '#c92a2a',
  withdrawn: '#862e9c',
  closed: '#5c3c00',
};
const STEP_COLORS: Readonly<Record<(typeof STEPS)[number], string>> = {
  acknowledge: '#1864ab',
  decide: '#862e9c',
  execute: '#087f5b',
};

const WIDTH = 640;
const LABEL_WIDTH = 220;
const BAR_HEIGHT = 18;
const GAP = 10;

/** A count as the page shows it: the number, "<5", or the word for withheld. */
export function useCountText(): (count: Count) => string {
  const { t } = useTranslation();
  // "<5" reads left to right in Arabic too: a mirrored "<" in a right-to-left line would read ">5".
  const lessThanFive = isRightToLeft(currentLanguage()) ? '\u2066<5\u2069' : '<5';
  return (count) =>
    count === null ? t('transparency.withheld') : count === '<5' ? lessThanFive : formatNumber(count);
}

/** A duration in seconds in the UI language, in the largest unit that keeps it at 1 or more. */
export function formatSeconds(seconds: number): string {
  const [unit, size] =
    seconds >= 86_400
      ? ['day', 86_400]
      : seconds >= 3600
        ? ['hour', 3600]
        : seconds >= 60
          ? ['minute', 60]
          : ['second', 1];
  return new Intl.NumberFormat(formattingLocale(), {
    style: 'unit',
    unit,
    unitDisplay: 'short',
    maximumFractionDigits: 1,
  }).format(seconds / (size as number));
}

function useRowLabel(): (row: Row) => string {
  const { t } = useTranslation();
  return (row) =>
    `${t(`transparency.direction.${row.direction}`)} · ${t(`requestType.${row.requestType}`, { defaultValue: row.requestType })} · ${row.counterpartState === 'unknown' ? t('transparency.unknownState') : regionName(row.counterpartState)}`;
}

function LegendSwatch({ color }: { color: string }) {
  return (
    <svg width="14" height="14" aria-hidden="true" focusable="false" style={{ verticalAlign: 'middle' }}>
      <rect width="14" height="14" fill={color} />
    </svg>
  );
}

function Legend({ items }: { items: readonly { key: string; color: string; label: string }[] }) {
  return (
    <ul
      style={{
        display: 'flex',
        gap: 16,
        listStyle: 'none',
        padding: 0,
        margin: '4px 0',
        flexWrap: 'wrap',
        fontSize: '0.8125rem',
      }}
    >
      {items.map((item) => (
        <li key={item.key}>
          <LegendSwatch color={item.color} /> {item.label}
        </li>
      ))}
    </ul>
  );
}

/** A chart: an SVG image drawn left to right, titled and described in words, with its legend. */
function ChartFigure(
  props: Readonly<{
    id: string;
    height: number;
    title: string;
    description: string;
    legend: readonly { key: string; color: string; label: string }[];
    children: ReactNode;
  }>,
) {
  return (
    <figure style={{ margin: 0 }}>
      {/* Never drawn narrower than its own width: on a phone the chart scrolls in its region, as the
          treaty map does, rather than shrinking its labels to a few pixels (1.4.10). */}
      <Box
        className="chart-scroll"
        role="region"
        tabIndex={0}
        aria-labelledby={`${props.id}-title`}
        style={{ overflowX: 'auto' }}
        data-testid={`${props.id}-chart-region`}
      >
        <svg
          viewBox={`0 0 ${WIDTH} ${props.height}`}
          width="100%"
          role="img"
          aria-labelledby={`${props.id}-title ${props.id}-desc`}
          style={{ minWidth: WIDTH, maxWidth: WIDTH, display: 'block', direction: 'ltr' }}
        >
          <title id={`${props.id}-title`}>{props.title}</title>
          <desc id={`${props.id}-desc`}>{props.description}</desc>
          {props.children}
        </svg>
      </Box>
      <figcaption>
        <Legend items={props.legend} />
      </figcaption>
    </figure>
  );
}

/** Said instead of a chart whose every figure is under 5 or withheld: an empty chart reads as broken. */
function NothingToDraw({ testId }: Readonly<{ testId: string }>) {
  const { t } = useTranslation();
  return (
    <Text size="sm" c="gray.7" data-testid={testId}>
      {t('transparency.nothingToDraw')}
    </Text>
  );
}

export function OutcomesChart({ rows }: { rows: readonly Row[] }) {
  const { t } = useTranslation();
  const countText = useCountText();
  const rowLabel = useRowLabel();
  const published = (count: Count) => (typeof count === 'number' ? count : 0);
  if (!rows.some((row) => OUTCOMES.some((outcome) => published(row.outcomes[outcome]) > 0))) {
    return <NothingToDraw testId="outcomes-nothing-to-draw" />;
  }
  const max = Math.max(
    1,
    ...rows.map((row) => OUTCOMES.reduce((sum, outcome) => sum + published(row.outcomes[outcome]), 0)),
  );
  const height = rows.length * (BAR_HEIGHT * 2 + GAP) + GAP;
  const plot = WIDTH - 16;
  const description = rows
    .map((row) =>
      labelled(
        rowLabel(row),
        OUTCOMES.map(
          (outcome) => `${t(`transparency.outcome.${outcome}`)} ${countText(row.outcomes[outcome])}`,
        ).join(', '),
      ),
    )
    .join('; ');
  return (
    <ChartFigure
      id="outcomes"
      height={height}
      title={t('transparency.outcomesChart')}
      description={description}
      legend={OUTCOMES.map((outcome) => ({
        key: outcome,
        color: OUTCOME_COLORS[outcome],
        label: t(`transparency.outcome.${outcome}`),
      }))}
    >
      {rows.map((row, index) => {
        const top = GAP + index * (BAR_HEIGHT * 2 + GAP);
        let left = 0;
        const hidden = OUTCOMES.filter((outcome) => typeof row.outcomes[outcome] !== 'number');
        const suppressed = hidden.filter((outcome) => row.outcomes[outcome] !== 0);
        return (
          <g key={`${row.direction}-${row.requestType}-${row.counterpartState}`}>
            <text x={0} y={top + 12} className="chart-text" fill="#212529">
              {isolate(rowLabel(row))}
            </text>
            {OUTCOMES.map((outcome) => {
              const value = published(row.outcomes[outcome]);
              const width = (value / max) * (plot - LABEL_WIDTH);
              const x = left;
              left += width;
              return value > 0 ? (
                <rect
                  key={outcome}
                  x={x}
                  y={top + 16}
                  width={width}
                  height={BAR_HEIGHT}
                  fill={OUTCOME_COLORS[outcome]}
                />
              ) : null;
            })}
            <text x={left + 6} y={top + 16 + 13} style={{ fontSize: '0.6875rem' }} fill="#495057">
              {isolate(
                suppressed.length > 0
                  ? t('transparency.alsoSuppressed', {
                      outcomes: suppressed.map((outcome) => t(`transparency.outcome.${outcome}`)).join(', '),
                    })
                  : '',
              )}
            </text>
          </g>
        );
      })}
    </ChartFigure>
  );
}

export function TimesChart({ rows }: { rows: readonly Row[] }) {
  const { t } = useTranslation();
  const rowLabel = useRowLabel();
  if (!rows.some((row) => STEPS.some((step) => row.durations[step].medianSeconds !== null))) {
    return <NothingToDraw testId="times-nothing-to-draw" />;
  }
  const max = Math.max(
    1,
    ...rows.flatMap((row) => STEPS.map((step) => row.durations[step].medianSeconds ?? 0)),
  );
  const rowHeight = 16 + STEPS.length * (BAR_HEIGHT / 1.5 + 2) + GAP;
  const height = rows.length * rowHeight + GAP;
  const plot = WIDTH - 16 - 120;
  const description = rows
    .map((row) =>
      labelled(
        rowLabel(row),
        STEPS.map((step) => {
          const median = row.durations[step].medianSeconds;
          return `${t(`transparency.step.${step}`)} ${median === null ? t('transparency.withheld') : formatSeconds(median)}`;
        }).join(', '),
      ),
    )
    .join('; ');
  return (
    <ChartFigure
      id="times"
      height={height}
      title={t('transparency.timesChart')}
      description={description}
      legend={STEPS.map((step) => ({
        key: step,
        color: STEP_COLORS[step],
        label: t(`transparency.step.${step}`),
      }))}
    >
      {rows.map((row, index) => {
        const top = GAP + index * rowHeight;
        return (
          <g key={`${row.direction}-${row.requestType}-${row.counterpartState}`}>
            <text x={0} y={top + 12} className="chart-text" fill="#212529">
              {isolate(rowLabel(row))}
            </text>
            {STEPS.map((step, stepIndex) => {
              const median = row.durations[step].medianSeconds;
              const y = top + 16 + stepIndex * (BAR_HEIGHT / 1.5 + 2);
              const width = median === null ? 0 : Math.max(2, (median / max) * plot);
              return (
                <g key={step}>
                  {median !== null ? (
                    <rect x={0} y={y} width={width} height={BAR_HEIGHT / 1.5} fill={STEP_COLORS[step]} />
                  ) : null}
                  <text x={width + 6} y={y + 10} style={{ fontSize: '0.6875rem' }} fill="#495057">
                    {isolate(median === null ? t('transparency.withheld') : formatSeconds(median))}
                  </text>
                </g>
              );
            })}
          </g>
        );
      })}
    </ChartFigure>
  );
}
