/**
 * Cumulative signatures and deposited instruments over time, with the threshold of Art. 65(1), as
 * a small inline SVG (no chart library). The chart is an image with a title and a description
 * that state the same numbers in words; the records table below it holds the data.
 */
import { useTranslation } from 'react-i18next';
import { formatDate, formatNumber } from '../../components/format.ts';
import { currentLanguage, isRightToLeft } from '../../i18n/i18n.ts';

const WIDTH = 640;
const HEIGHT = 220;
const MARGIN = { top: 12, right: 16, bottom: 28, left: 36 };
const DAY_MS = 86_400_000;

type Point = Readonly<{ day: number; count: number }>;

function toDay(date: string): number {
  return Math.floor(Date.parse(`${date.slice(0, 10)}T00:00:00Z`) / DAY_MS);
}

/** Step points of a cumulative count: one step up per dated event, held until `lastDay`. */
export function cumulativeSteps(dates: readonly string[], lastDay: number): Point[] {
  const days = dates
    .map(toDay)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const points: Point[] = [];
  let count = 0;
  for (const day of days) {
    if (points.length > 0) points.push({ day, count });
    count += 1;
    points.push({ day, count });
  }
  if (points.length > 0) points.push({ day: Math.max(lastDay, points.at(-1)?.day ?? lastDay), count });
  return points;
}

/** 10, 20, 25 or 50-style steps giving four to eight gridlines. */
function niceStep(max: number): number {
  for (const step of [5, 10, 20, 25, 50, 100, 200]) {
    if (max / step <= 8) return step;
  }
  return 500;
}

/** The chart is drawn left to right; a right-to-left label is isolated so its parts keep their order. */
export function isolate(label: string): string {
  return isRightToLeft(currentLanguage()) ? `\u2067${label}\u2069` : label;
}

function dayToIso(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export type TimelineChartProps = Readonly<{
  signatureDates: readonly string[];
  instrumentDates: readonly string[];
  threshold: number;
  asOf: string;
}>;

export function TimelineChart({ signatureDates, instrumentDates, threshold, asOf }: TimelineChartProps) {
  const { t } = useTranslation();
  const lastDay = toDay(asOf);
  const signatures = cumulativeSteps(signatureDates, lastDay);
  const instruments = cumulativeSteps(instrumentDates, lastDay);
  const firstDay = Math.min(signatures[0]?.day ?? lastDay - 30, instruments[0]?.day ?? lastDay) - 7;
  const maxCount = Math.max(threshold, signatures.at(-1)?.count ?? 0, instruments.at(-1)?.count ?? 0);
  const step = niceStep(maxCount);
  const yMax = Math.ceil((maxCount * 1.05) / step) * step;
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (day: number) => MARGIN.left + ((day - firstDay) / Math.max(1, lastDay - firstDay)) * plotWidth;
  const y = (count: number) => MARGIN.top + plotHeight - (count / yMax) * plotHeight;
  const path = (points: readonly Point[]) =>
    points
      .map(
        (point, index) => `${index === 0 ? 'M' : 'L'}${x(point.day).toFixed(1)},${y(point.count).toFixed(1)}`,
      )
      .join(' ');
  const yTicks = Array.from({ length: yMax / step + 1 }, (_unused, index) => index * step);
  const xTicks = [firstDay + 7, Math.round((firstDay + lastDay) / 2), lastDay];

  const description = t('treaty.chartDescription', {
    signatures: formatNumber(signatures.at(-1)?.count ?? 0),
    instruments: formatNumber(instruments.at(-1)?.count ?? 0),
    threshold: formatNumber(threshold),
    date: formatDate(asOf),
  });

  return (
    <figure style={{ margin: 0 }}>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width="100%"
        role="img"
        aria-labelledby="timeline-title timeline-desc"
        style={{ maxWidth: WIDTH, display: 'block', direction: 'ltr' }}
      >
        <title id="timeline-title">{t('treaty.chartTitle')}</title>
        <desc id="timeline-desc">{description}</desc>
        {yTicks.map((tick) => (
          <g key={tick}>
            <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(tick)} y2={y(tick)} stroke="#dee2e6" />
            <text x={MARGIN.left - 6} y={y(tick) + 4} textAnchor="end" className="chart-text" fill="#495057">
              {formatNumber(tick)}
            </text>
          </g>
        ))}
        {xTicks.map((tick, index) => (
          <text
            key={tick}
            x={x(tick)}
            y={HEIGHT - 8}
            textAnchor={index === 0 ? 'start' : index === xTicks.length - 1 ? 'end' : 'middle'}
            className="chart-text"
            fill="#495057"
          >
            {isolate(formatDate(dayToIso(tick)))}
          </text>
        ))}
        <line
          x1={MARGIN.left}
          x2={WIDTH - MARGIN.right}
          y1={y(threshold)}
          y2={y(threshold)}
          stroke="#c92a2a"
          strokeDasharray="6 4"
        />
        <path d={path(signatures)} fill="none" stroke="#1864ab" strokeWidth="2.5" />
        <path d={path(instruments)} fill="none" stroke="#087f5b" strokeWidth="2.5" />
      </svg>
      <figcaption>
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
          <li>
            <LegendSwatch color="#1864ab" /> {t('treaty.legendSignatures')}
          </li>
          <li>
            <LegendSwatch color="#087f5b" /> {t('treaty.legendInstruments')}
          </li>
          <li>
            <LegendSwatch color="#c92a2a" isDashed />{' '}
            {t('treaty.legendThreshold', { threshold: formatNumber(threshold) })}
          </li>
        </ul>
        {/* Why the line can end below the depositary's count: undated signatures are not drawn. */}
        <p style={{ margin: '2px 0', fontSize: '0.8125rem' }} data-testid="timeline-dated-only">
          {t('treaty.chartDatedOnly')}
        </p>
      </figcaption>
    </figure>
  );
}

function LegendSwatch({ color, isDashed }: { color: string; isDashed?: boolean }) {
  return (
    <svg width="22" height="10" aria-hidden="true" focusable="false" style={{ verticalAlign: 'middle' }}>
      <line
        x1="1"
        x2="21"
        y1="5"
        y2="5"
        stroke={color}
        strokeWidth="2.5"
        strokeDasharray={isDashed ? '5 3' : undefined}
      />
    </svg>
  );
}
