/**
 * Every date a draft holds must exist (2026-02-30 does not) and every period must run forwards:
 * the requested State acts on these dates, and a wrong one silently narrows or voids the request.
 */
import type { Citation, RequestTypeEntry } from '../catalogue/catalogue.ts';
import { writtenDayOf } from '../i18n.ts';
import type { ElementId } from '../request/elements.ts';
import type { RequestContent } from '../request/draft.ts';
import type { FindingBuilder } from './finding-builder.ts';
import { toDayNumber } from './calendar-date.ts';
import { parseDateTime } from './time-format.ts';
import type { Finding } from './finding.ts';
import { compactFindings, type DraftCheck, hasText } from './validation-context.ts';

type Period = Readonly<{ from?: string; to?: string }>;

/** Each date field of a draft with its path, in the order the draft's fields come. */
export function listDateFields(draft: RequestContent): Array<{ field: string; value: string | undefined }> {
  return [
    ...(draft.persons ?? []).map((person, index) => ({
      field: `persons[${index}].dateOfBirth`,
      value: person.dateOfBirth,
    })),
    { field: 'requestDate', value: draft.requestDate },
    { field: 'validatingAuthority.decisionDate', value: draft.validatingAuthority?.decisionDate },
    ...periodFields('dataSought.period', draft.dataSought?.period),
    ...periodFields('collectionPeriod', draft.collectionPeriod),
    { field: 'confidentiality.until', value: draft.confidentiality?.until },
    { field: 'suggestedDeadline.date', value: draft.suggestedDeadline?.date },
    { field: 'extradition.warrant.date', value: draft.extradition?.warrant?.date },
    { field: 'confiscation.order.date', value: draft.confiscation?.order?.date },
    ...periodFields('jointInvestigation.period', draft.jointInvestigation?.period),
  ];
}

/** The periods of a draft, whose `from` may not come after their `to`, each with its element. */
function listPeriods(
  draft: RequestContent,
): Array<{ field: string; period: Period | undefined; element: ElementId }> {
  return [
    { field: 'dataSought.period', period: draft.dataSought?.period, element: 'data-period' },
    { field: 'collectionPeriod', period: draft.collectionPeriod, element: 'collection-period' },
    {
      field: 'jointInvestigation.period',
      period: draft.jointInvestigation?.period,
      element: 'joint-investigation-period',
    },
  ];
}

/**
 * How a finding about a field of `element` is cited: as the request type's entry cites the
 * element; for an element the type does not list, the type's own article (not the rule's, which
 * may be another type's).
 */
function elementCitationFor(requestType: RequestTypeEntry | undefined) {
  return (element: ElementId): Citation | undefined => {
    const entry = requestType?.elements.find((candidate) => candidate.element === element);
    if (entry) return { article: entry.article, paragraph: entry.paragraph };
    return requestType ? { article: requestType.article } : undefined;
  };
}

function periodFields(
  path: string,
  period: Period | undefined,
): Array<{ field: string; value: string | undefined }> {
  return [
    { field: `${path}.from`, value: period?.from },
    { field: `${path}.to`, value: period?.to },
  ];
}

/**
 * A date that does not exist is invalid at its field; a period whose dates both exist but end
 * before it starts is reversed, said at its end (the field the form shows it under), cited as the
 * period's element is for the type.
 */
export const checkDates: DraftCheck = ({ draft, findings, requestType, locale }) => {
  const results: Array<Finding | undefined> = [];
  for (const { field, value } of listDateFields(draft)) {
    if (hasText(value) && toDayNumber(value.trim()) === undefined) {
      results.push(findings.buildFinding('date-invalid', { element: field, values: { field, value } }));
    }
  }
  const citationOf = elementCitationFor(requestType);
  for (const { field, period, element } of listPeriods(draft)) {
    const days = countPeriodDays(period);
    if (days !== undefined && days < 1) {
      const citation = citationOf(element);
      results.push(
        findings.buildFinding('period-reversed', {
          element: `${field}.to`,
          // Written as the form shows its dates to its reader ("1 Nov 2026"), not as stored.
          values: {
            from: writtenDayOf(period?.from?.trim() ?? '', locale),
            to: writtenDayOf(period?.to?.trim() ?? '', locale),
          },
          ...(citation ? { citation } : {}),
        }),
      );
    }
  }
  return compactFindings(results);
};

/**
 * Days a period covers, counting both its first and last day (1 Jan to 31 Mar is 90 days), or
 * undefined when either end is missing or not a real date. Zero or less means `from` is after `to`.
 */
export function countPeriodDays(period: Period | undefined): number | undefined {
  const [fromText, toText] = [period?.from, period?.to];
  if (!hasText(fromText) || !hasText(toText)) return undefined;
  const from = toDayNumber(fromText.trim());
  const to = toDayNumber(toText.trim());
  if (from === undefined || to === undefined) return undefined;
  return to - from + 1;
}

/** The furthest any time zone is ahead of UTC (Kiribati, +14:00). */
const LARGEST_ZONE_OFFSET_MS = 14 * 3_600_000;

/**
 * Dates that cannot be right given the caller's clock (Comity's practice): an identifier seen in
 * use after now, and a suggested deadline already past. Validation reads no clock; without `now`
 * or `today` these are not checked.
 */
export const checkDatesAgainstClock: DraftCheck = ({ draft, findings, today, now, requestType, locale }) => {
  const citationOf = elementCitationFor(requestType);
  const results: Array<Finding | undefined> = [];
  const nowMs = now === undefined ? Number.NaN : Date.parse(now);
  if (!Number.isNaN(nowMs)) {
    (draft.identifiers ?? []).forEach((identifier, index) => {
      const observedAt = identifier.observedAt?.trim();
      if (!observedAt || !isAfterNow(observedAt, nowMs)) return;
      results.push(
        findings.buildFinding('observation-time-in-future', {
          element: `identifiers[${index}].observedAt`,
          values: { value: observedAt },
        }),
      );
    });
  }
  const deadline = draft.suggestedDeadline?.date?.trim();
  const deadlineDay = deadline ? toDayNumber(deadline) : undefined;
  const todayDay = today ? toDayNumber(today) : undefined;
  if (todayDay !== undefined)
    results.push(
      ...pastDatesAhead(draft, todayDay, citationOf, findings, (day) => writtenDayOf(day, locale)),
    );
  if (deadline && deadlineDay !== undefined && todayDay !== undefined && deadlineDay < todayDay) {
    results.push(
      findings.buildFinding('deadline-already-past', {
        element: 'suggestedDeadline.date',
        values: { value: writtenDayOf(deadline, locale), today: writtenDayOf(today ?? '', locale) },
      }),
    );
  }
  return compactFindings(results);
};

/**
 * Dates of what has already happened that lie after today in every time zone (Comity's practice,
 * with `today` the UTC date: the day after it has begun east of UTC): a person's date of
 * birth, the warrant or judgment an extradition rests on, a confiscation order, the decision of the
 * authority that validated the request. Each is cited as its element is for the type.
 */
function pastDatesAhead(
  draft: RequestContent,
  todayDay: number,
  citationOf: (element: ElementId) => Citation | undefined,
  findings: FindingBuilder,
  written: (day: string) => string,
): Array<Finding | undefined> {
  const dated: Array<readonly [path: string, value: string | undefined, element: ElementId]> = [
    ...(draft.persons ?? []).map(
      (person, index) =>
        [
          `persons[${index}].dateOfBirth`,
          person.dateOfBirth,
          person.role === 'person-sought' ? 'person-sought' : 'persons-concerned',
        ] as const,
    ),
    ['extradition.warrant.date', draft.extradition?.warrant?.date, 'warrant'],
    ['confiscation.order.date', draft.confiscation?.order?.date, 'confiscation-order'],
    ['validatingAuthority.decisionDate', draft.validatingAuthority?.decisionDate, 'validating-authority'],
  ];
  return dated.flatMap(([path, value, element]) => {
    const day = value?.trim() ? toDayNumber(value.trim()) : undefined;
    // `today` is the node's UTC date; east of UTC tomorrow has begun: a date is ahead only after it.
    if (day === undefined || day <= todayDay + 1) return [];
    const citation = citationOf(element);
    return [
      findings.buildFinding('past-date-in-future', {
        element: path,
        values: { value: written(value?.trim() ?? '') },
        ...(citation ? { citation } : {}),
      }),
    ];
  });
}

/**
 * Whether a date-time lies after `nowMs`. With an offset it names one instant; without one its zone
 * is not taken into account here, so it counts as future only when it is ahead in every zone.
 */
function isAfterNow(value: string, nowMs: number): boolean {
  const parsed = parseDateTime(value);
  if (!parsed) return false;
  const normalized = value.replace(' ', 'T');
  if (parsed.hasOffset) return Date.parse(normalized) > nowMs;
  return Date.parse(`${normalized}Z`) - LARGEST_ZONE_OFFSET_MS > nowMs;
}
