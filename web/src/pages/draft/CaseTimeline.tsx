/**
 * The history of a case as a timeline, oldest first: the request flow's steps (drafted, sent,
 * delivered) and then the events; each names its step or transition, whether this node or the
 * other State made it, who (display name and roles), when (the user's locale and time zone) and
 * what it recorded, in readable form: dates in the UI language, grounds for refusal by their
 * catalogue title and article, reasons and the consultation record as written; and the message
 * that carried it, with its delivery state and its signed receipt (CaseMessage.tsx).
 */
import { List, Text } from '@mantine/core';
import { forwardRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Catalogue } from '../../../../src/core/catalogue/catalogue.ts';
import type { CaseEventView, CaseView } from '../../app/api.ts';
import { type Fact, FactList } from '../../components/FactList.tsx';
import {
  formatDate,
  formatInstant,
  formatNumber,
  labelled,
  refusalGroundText,
} from '../../components/format.ts';
import { CaseMessageFacts } from './CaseMessage.tsx';

type Translate = ReturnType<typeof useTranslation>['t'];

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/**
 * What a person wrote, in the direction of its own words: an English note on an Arabic screen
 * keeps its full stop at its end (each paragraph takes the direction of its first strong letter).
 */
function Paragraphs({ value }: { value: string }) {
  return (
    <span dir="auto" style={{ whiteSpace: 'pre-wrap', unicodeBidi: 'plaintext' }}>
      {value}
    </span>
  );
}

function GroundList({ ids, catalogue }: { ids: readonly string[]; catalogue: Catalogue | undefined }) {
  return (
    <List size="sm" spacing={2} data-testid="event-grounds">
      {ids.map((id) => {
        const ground = catalogue?.refusalGrounds.find((entry) => entry.id === id);
        return <List.Item key={id}>{ground ? refusalGroundText(ground) : id}</List.Item>;
      })}
    </List>
  );
}

/**
 * A response's structured results, as the requesting side uses them: subscriber data under the
 * identifier asked about, what was preserved and until when, and any other value under its label.
 */
function ResultList({ results, t }: { results: readonly unknown[]; t: Translate }) {
  return (
    <List size="sm" spacing={2} data-testid="event-results">
      {results.map((entry, index) => {
        const result = record(entry);
        const kind = text(result.kind);
        const line =
          kind === 'subscriber-data'
            ? labelled(
                text(result.identifier) ?? '',
                Object.entries(record(result.subscriber))
                  .map(([key, value]) => labelled(key, text(value) ?? ''))
                  .join('; '),
              )
            : kind === 'preserved-until'
              ? t('case.resultPreservedUntil', {
                  item: text(result.item) ?? '',
                  date: formatDate(text(result.until)),
                })
              : labelled(text(result.label) ?? '', text(result.value) ?? '');
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: results have no identity beyond their position.
          <List.Item key={index} dir="auto" style={{ whiteSpace: 'pre-wrap' }}>
            {line}
          </List.Item>
        );
      })}
    </List>
  );
}

/** Files a response describes (name, kind, size, SHA-256), which travel as evidence, not in the message. */
function AttachmentList({ attachments, t }: { attachments: readonly unknown[]; t: Translate }) {
  return (
    <List size="sm" spacing={2} data-testid="event-attachments">
      {attachments.map((entry, index) => {
        const attachment = record(entry);
        const size = typeof attachment.sizeBytes === 'number' ? attachment.sizeBytes : 0;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: attachments have no identity beyond their position.
          <List.Item key={index}>
            <bdi>{text(attachment.name)}</bdi>{' '}
            {t('case.attachmentFacts', {
              mediaType: text(attachment.mediaType) ?? '',
              size: formatNumber(size),
            })}{' '}
            <code>{text(attachment.sha256)}</code>
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
    // Said only where the record says it (a refusal recorded before the form asked, says nothing).
    if (typeof consultation.requestingStateConsulted === 'boolean') {
      add(
        t('case.stateConsulted'),
        consultation.requestingStateConsulted ? t('common.yes') : t('common.no'),
        'event-state-consulted',
      );
    }
    add(t('case.partialAssistance'), considered(consultation.partialAssistanceConsidered));
    add(t('case.conditionalAssistance'), considered(consultation.conditionalAssistanceConsidered));
    add(t('case.consultation'), prose(consultation.summary));
  }
  add(t('case.questions'), prose(fields.questions));
  add(t('case.answer'), prose(fields.answer));
  add(t('case.text'), prose(fields.text));
  // A response's results and the files it describes: what the approver approves and the other State reads.
  if (Array.isArray(fields.results) && fields.results.length > 0) {
    add(t('case.resultsShown'), <ResultList results={fields.results} t={t} />);
  }
  if (Array.isArray(fields.attachments) && fields.attachments.length > 0) {
    add(t('case.attachments'), <AttachmentList attachments={fields.attachments} t={t} />);
  }
  add(t('case.followUp'), prose(fields.followUpReference));
  add(t('case.noteLabel'), prose(fields.note), 'event-note');
  return facts;
}

type FlowStep = CaseView['flow'][number];

const STEP_LABELS: Readonly<Record<FlowStep['step'], string>> = {
  drafted: 'case.stepDrafted',
  sent: 'case.stepSent',
  delivered: 'case.stepDelivered',
};

/** Where, who and when of a step or an event. */
function originFacts(
  t: Translate,
  origin: 'this-node' | 'other-node',
  actor: FlowStep['actor'],
  at: string,
  otherStateName: string,
): Fact[] {
  const roles = actor?.roles.map((role) => t(`roles.${role}`, { defaultValue: role })).join(', ');
  const where =
    origin === 'this-node' ? t('case.thisNode') : t('case.otherState', { state: otherStateName || '—' });
  const facts: Fact[] = [{ label: t('case.where'), value: where }];
  if (actor)
    facts.push({
      label: t('case.who'),
      value: roles ? `${actor.displayName} (${roles})` : actor.displayName,
    });
  facts.push({ label: t('case.when'), value: <time dateTime={at}>{formatInstant(at)}</time> });
  return facts;
}

type CaseTimelineProps = Readonly<{
  events: readonly CaseEventView[];
  /** The request flow's steps before the events. */
  flow?: readonly FlowStep[];
  /** The other State's name in the UI language. */
  otherStateName: string;
  catalogue: Catalogue | undefined;
  /** An outgoing request not sent yet (a draft, or one waiting for approval). */
  isUnsent?: boolean;
}>;

/** The newest event (the last) holds the ref: it takes the focus after a transition is made. */
export const CaseTimeline = forwardRef<HTMLLIElement, CaseTimelineProps>(function CaseTimeline(
  { events, flow = [], otherStateName, catalogue, isUnsent = false },
  newestRef,
) {
  const { t } = useTranslation();
  const noEvents =
    events.length === 0 ? (
      <Text size="sm" c="gray.7" data-testid="case-no-events">
        {isUnsent ? t('case.noEventsUnsent') : t('case.noEvents')}
      </Text>
    ) : null;
  if (flow.length === 0 && noEvents) return noEvents;
  return (
    <>
      <ol className="case-timeline" data-testid="case-history">
        {flow.map((step) => (
          <li
            key={`step-${step.step}`}
            className="case-event"
            data-testid="case-step"
            data-step={step.step}
            data-origin={step.origin}
            aria-labelledby={`case-step-${step.step}`}
          >
            <Text fw={600} size="sm" id={`case-step-${step.step}`} mb={4}>
              {t(STEP_LABELS[step.step])}
            </Text>
            <FactList
              facts={[
                ...originFacts(t, step.origin, step.actor, step.at, otherStateName),
                // The other State's second person who let its request leave (the two-person rule).
                step.approvedBy && {
                  label: t('case.approvedBy'),
                  value: step.approvedBy.displayName,
                  testId: 'step-approved-by',
                },
              ]}
            />
            {step.message ? <CaseMessageFacts message={step.message} /> : null}
          </li>
        ))}
        {events.map((event, index) => {
          const isNewest = index === events.length - 1;
          const facts: Array<Fact | null> = [
            ...originFacts(t, event.origin, event.actor, event.occurredAt, otherStateName),
            // The second person who let a response leave (the two-person rule), on either side.
            event.approvedBy && {
              label: t('case.approvedBy'),
              value: event.approvedBy.displayName,
              testId: 'event-approved-by',
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
              data-superseded={event.isSuperseded ? 'true' : undefined}
              aria-labelledby={`case-event-${event.sequence}`}
            >
              <Text fw={600} size="sm" id={`case-event-${event.sequence}`} mb={4}>
                {t(`caseEvent.${event.transition}`, { defaultValue: event.transition })}
                {event.isSuperseded ? ` (${t('case.supersededMark')})` : ''}
              </Text>
              {/* Made at the same moment as the other side's step before it, which leaves it without ground. */}
              {event.isSuperseded ? (
                <Text size="sm" c="var(--comity-amber)" mb={4} data-testid="event-superseded">
                  {t('case.superseded')}
                </Text>
              ) : null}
              <FactList facts={facts} />
              {event.message ? <CaseMessageFacts message={event.message} /> : null}
            </li>
          );
        })}
      </ol>
      {noEvents}
    </>
  );
});
