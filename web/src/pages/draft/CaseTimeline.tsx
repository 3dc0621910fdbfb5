/**
 * The history of a case as a timeline, oldest first: each event names its transition, whether this
 * node or the other State made it, who (display name and roles), when (the user's locale and time
 * zone) and what it recorded, in readable form: dates in the UI language, grounds for refusal by
 * their catalogue title and article, reasons and the consultation record as written.
 */
import { List, Text } from '@mantine/core';
import { forwardRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Catalogue } from '../../../../src/core/catalogue/catalogue.ts';
import type { CaseEventView } from '../../app/api.ts';
import { type Fact, FactList } from '../../components/FactList.tsx';
import { citationText, formatDate, formatInstant, localized } from '../../components/format.ts';

type Translate = ReturnType<typeof useTranslation>['t'];

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function Paragraphs({ value }: { value: string }) {
  return <span style={{ whiteSpace: 'pre-wrap' }}>{value}</span>;
}

function GroundList({ ids, catalogue }: { ids: readonly string[]; catalogue: Catalogue | undefined }) {
  return (
    <List size="sm" spacing={2} data-testid="event-grounds">
      {ids.map((id) => {
        const ground = catalogue?.refusalGrounds.find((entry) => entry.id === id);
        return (
          <List.Item key={id}>
            {ground ? `${localized(ground.title)} (${citationText(ground.article, ground.paragraph)})` : id}
          </List.Item>
        );
      })}
    </List>
  );
}

/** What an event recorded, as label and value rows; fields the screen does not know are left out. */
export function payloadFacts(payload: unknown, catalogue: Catalogue | undefined, t: Translate): Fact[] {
  const fields = record(payload);
  const facts: Fact[] = [];
  const add = (label: string, value: ReactNode | undefined, testId?: string) => {
    if (value !== undefined) facts.push({ label, value, ...(testId ? { testId } : {}) });
  };
  const date = (value: unknown) => {
    const day = text(value);
    return day ? <time dateTime={day}>{formatDate(day)}</time> : undefined;
  };
  const prose = (value: unknown) => {
    const written = text(value);
    return written ? <Paragraphs value={written} /> : undefined;
  };
  add(t('case.tookEffectOn'), date(fields.tookEffectOn));
  add(t('case.preservedUntil'), date(fields.preservedUntil), 'event-preserved-until');
  add(t('case.requestedUntil'), date(fields.requestedUntil));
  add(t('case.until'), date(fields.until));
  if (Array.isArray(fields.grounds) && fields.grounds.length > 0) {
    const ids = fields.grounds.filter((id): id is string => typeof id === 'string');
    add(t('case.grounds'), <GroundList ids={ids} catalogue={catalogue} />);
  }
  add(t('case.reasons'), prose(fields.reasons), 'event-reasons');
  const consultation = record(fields.consultation);
  if (Object.keys(consultation).length > 0) {
    const considered = (value: unknown) =>
      value === true ? t('case.consideredYes') : t('case.consideredNo');
    add(t('case.partialAssistance'), considered(consultation.partialAssistanceConsidered));
    add(t('case.conditionalAssistance'), considered(consultation.conditionalAssistanceConsidered));
    add(t('case.consultation'), prose(consultation.summary));
  }
  add(t('case.questions'), prose(fields.questions));
  add(t('case.answer'), prose(fields.answer));
  add(t('case.text'), prose(fields.text));
  add(t('case.followUp'), prose(fields.followUpReference));
  add(t('case.noteLabel'), prose(fields.note), 'event-note');
  return facts;
}

type CaseTimelineProps = Readonly<{
  events: readonly CaseEventView[];
  /** The other State's name in the UI language. */
  otherStateName: string;
  catalogue: Catalogue | undefined;
}>;

/** The newest event (the last) holds the ref: it takes the focus after a transition is made. */
export const CaseTimeline = forwardRef<HTMLLIElement, CaseTimelineProps>(function CaseTimeline(
  { events, otherStateName, catalogue },
  newestRef,
) {
  const { t } = useTranslation();
  if (events.length === 0) {
    return (
      <Text size="sm" c="gray.7" data-testid="case-no-events">
        {t('case.noEvents')}
      </Text>
    );
  }
  return (
    <ol className="case-timeline" data-testid="case-history">
      {events.map((event, index) => {
        const isNewest = index === events.length - 1;
        const roles = event.actor.roles.map((role) => t(`roles.${role}`, { defaultValue: role })).join(', ');
        const facts: Fact[] = [
          {
            label: t('case.where'),
            value:
              event.origin === 'this-node'
                ? t('case.thisNode')
                : t('case.otherState', { state: otherStateName || '—' }),
          },
          {
            label: t('case.who'),
            value: roles ? `${event.actor.displayName} (${roles})` : event.actor.displayName,
          },
          {
            label: t('case.when'),
            value: <time dateTime={event.occurredAt}>{formatInstant(event.occurredAt)}</time>,
          },
          ...payloadFacts(event.payload, catalogue, t),
        ];
        return (
          <li
            key={event.sequence}
            ref={isNewest ? newestRef : undefined}
            tabIndex={-1}
            className="case-event"
            data-testid="case-event"
            data-transition={event.transition}
            data-origin={event.origin}
            aria-labelledby={`case-event-${event.sequence}`}
          >
            <Text fw={600} size="sm" id={`case-event-${event.sequence}`} mb={4}>
              {t(`caseEvent.${event.transition}`, { defaultValue: event.transition })}
            </Text>
            <FactList facts={facts} />
          </li>
        );
      })}
    </ol>
  );
});
