/**
 * The facts of a received request at a glance that only some types hold (RequestAtAGlance.tsx),
 * pure: the words come from `t`, the names of States and days from `names`, so that they are
 * tested without a browser (test/unit/glance-facts.test.ts).
 */
import type { RequestContent } from '../../../../src/core/request/draft.ts';

/** One line of the glance: its label, its value in words, and the id tests find it by. */
export type GlanceFact = Readonly<{ label: string; value: string; testId: string }>;

/** How the screen names a State (by its code) and writes a day (YYYY-MM-DD). */
export type Names = Readonly<{ state: (code: string) => string; day: (day: string | undefined) => string }>;

/** The translation function, as the glance calls it. */
export type Translate = (key: string, options?: Record<string, unknown>) => string;

const SHOWN_CHARACTERS = 280;

/** A long text cut where the glance stops quoting it; the rest is in the request in full. */
export function shortened(text: string): string {
  if (text.length <= SHOWN_CHARACTERS) return text;
  return `${text.slice(0, SHOWN_CHARACTERS).trimEnd()}…`;
}

/** The parts given, joined by a dash. */
export function joined(parts: ReadonlyArray<string | undefined>): string {
  return parts.filter((part): part is string => Boolean(part)).join(' — ');
}

/**
 * What only some types hold, and what the reader weighs first in them: whom an extradition seeks,
 * on which warrant, and whether provisional arrest is asked; the information shared and the
 * conditions that bind its use; the States of a joint investigation and its period; the measure
 * of a confiscation; what a request for assistance asks for.
 */
export function typeFacts(
  content: RequestContent,
  names: Names,
  t: Translate,
): Array<GlanceFact | undefined> {
  const sought = (content.persons ?? []).filter((person) => person.role === 'person-sought');
  const warrant = content.extradition?.warrant;
  const information = content.information;
  const joint = content.jointInvestigation;
  const measure = content.confiscation?.measure;
  return [
    content.type === 'extradition' && sought.some((person) => person.name)
      ? {
          label: t('glance.personSought'),
          value: sought
            .map((person) =>
              joined([person.name, person.nationality ? names.state(person.nationality) : undefined]),
            )
            .join('; '),
          testId: 'glance-person-sought',
        }
      : undefined,
    content.type === 'extradition' && (warrant?.reference || warrant?.kind || warrant?.date)
      ? {
          label: t('glance.warrant'),
          value: joined([
            warrant.kind ? t(`warrantKind.${warrant.kind}`) : undefined,
            warrant.reference,
            warrant.issuedBy,
            warrant.date ? names.day(warrant.date) : undefined,
          ]),
          testId: 'glance-warrant',
        }
      : undefined,
    content.type === 'extradition' && content.extradition?.isProvisionalArrestSought !== undefined
      ? {
          label: t('glance.provisionalArrest'),
          value: t(
            content.extradition.isProvisionalArrestSought
              ? 'glance.provisionalArrestSought'
              : 'glance.provisionalArrestNot',
          ),
          testId: 'glance-provisional-arrest',
        }
      : undefined,
    information?.description
      ? {
          label: t('glance.information'),
          value: shortened(information.description),
          testId: 'glance-information',
        }
      : undefined,
    information?.conditionsOfUse
      ? {
          label: t('glance.conditionsOfUse'),
          value: shortened(information.conditionsOfUse),
          testId: 'glance-conditions-of-use',
        }
      : undefined,
    joint?.participatingStates?.length
      ? {
          label: t('glance.participatingStates'),
          value: joint.participatingStates.map(names.state).join(', '),
          testId: 'glance-participating-states',
        }
      : undefined,
    joint?.period?.from || joint?.period?.to
      ? {
          label: t('glance.jointPeriod'),
          value: t('glance.period', {
            from: names.day(joint.period.from) || '…',
            to: names.day(joint.period.to) || '…',
          }),
          testId: 'glance-joint-period',
        }
      : undefined,
    measure
      ? {
          label: t('glance.confiscationMeasure'),
          value: t(`confiscationMeasure.${measure}`),
          testId: 'glance-confiscation-measure',
        }
      : undefined,
    content.assistanceSought
      ? {
          label: t('glance.assistanceSought'),
          value: shortened(content.assistanceSought),
          testId: 'glance-assistance-sought',
        }
      : undefined,
  ];
}
