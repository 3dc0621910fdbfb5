/**
 * The small form a case transition needs before it is made: nothing (begin assessment), a note
 * (acknowledge, close), reasons (withdraw), the preservation's dates (Art. 42(8): preserved at
 * least the catalogue's minimum number of days after it took effect), or a refusal (grounds the
 * catalogue allows for this request type, reasons, and the consultation record of Art. 40(27)),
 * questions (with an optional date for the answer) or their answer, conditions, a postponement
 * (reasons, end date, consultation), a response (text and results as label and value), an
 * extension asked or granted (a date), the follow-up request a preservation turns into, or a
 * notice of exculpatory disclosure (Art. 40(19), Art. 40(5): before or after the disclosure, its
 * day, what is disclosed, why notice could not come first, the received packages it covers).
 * The payload shapes are those of src/core/case/payloads.ts; the node checks them again.
 */
import {
  Alert,
  Button,
  Checkbox,
  Group,
  Paper,
  Radio,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { Catalogue } from '../../../../src/core/catalogue/catalogue.ts';
import type { RequestTypeId } from '../../../../src/core/request/draft.ts';
import { addDays, calendarDateOf, isCalendarDate } from '../../../../src/core/treaty/calendar-date.ts';
import {
  citationText,
  formatDate,
  formatInstant,
  formatList,
  localized,
  refusalGroundText,
} from '../../components/format.ts';
import { type FieldReference, ProblemAlert } from '../../components/ProblemAlert.tsx';
import { fieldErrorsOf } from '../../components/field-errors.ts';
import { LocaleDateInput, unreadableDateText } from '../../components/DateFields.tsx';

/** Art. 42(8) as the catalogue states it, when the catalogue has not been read yet. */
const DEFAULT_MINIMUM_PRESERVATION_DAYS = 60;

type FormKind =
  | 'none'
  | 'note'
  | 'reasons'
  | 'preservation'
  | 'refusal'
  | 'questions'
  | 'answer'
  | 'conditions'
  | 'postponement'
  | 'response'
  | 'extension-request'
  | 'extension'
  | 'conversion'
  | 'exculpatory-notice'
  | 'consultation-record';

const FORM_KINDS: Readonly<Record<string, FormKind>> = {
  acknowledge: 'note',
  close: 'note',
  accept: 'note',
  resume: 'note',
  'begin-execution': 'note',
  'accept-conditions': 'note',
  withdraw: 'reasons',
  'return-to-draft': 'reasons',
  'decline-conditions': 'reasons',
  'record-preservation': 'preservation',
  refuse: 'refusal',
  'request-clarification': 'questions',
  'answer-clarification': 'answer',
  'propose-conditions': 'conditions',
  postpone: 'postponement',
  'execute-partly': 'response',
  'execute-fully': 'response',
  'request-extension': 'extension-request',
  extend: 'extension',
  convert: 'conversion',
  'notify-exculpatory-disclosure': 'exculpatory-notice',
  'request-consultation': 'reasons',
  'record-consultation': 'consultation-record',
};

export function formKindOf(transition: string): FormKind {
  return FORM_KINDS[transition] ?? 'none';
}

type Values = Readonly<{
  note: string;
  reasons: string;
  tookEffectOn: string;
  preservedUntil: string;
  grounds: readonly string[];
  /** Whether the requesting State was consulted (Art. 40(27)): unticked until someone says so. */
  consulted: boolean;
  partialConsidered: boolean;
  conditionalConsidered: boolean;
  summary: string;
  /** Questions, an answer, conditions, a response's text or a follow-up reference. */
  text: string;
  /** The answer-by, postponed-until, extension asked or granted date. */
  date: string;
  results: readonly Readonly<{ label: string; value: string }>[];
  /** A notice of exculpatory disclosure: before or after it, why not before, the packages named. */
  timing: 'prior' | 'after';
  priorNoticeImpossible: string;
  packageIds: readonly string[];
}>;

type Field =
  | 'reasons'
  | 'tookEffectOn'
  | 'preservedUntil'
  | 'grounds'
  | 'summary'
  | 'text'
  | 'date'
  | 'priorNoticeImpossible';
type Errors = Partial<Record<Field, string>>;

/** Where the node names each field of the form in a refused transition (`body.payload`). */
const TEXT_KEYS: Readonly<Partial<Record<FormKind, string>>> = {
  questions: 'questions',
  answer: 'answer',
  conditions: 'text',
  response: 'text',
  conversion: 'followUpReference',
  'exculpatory-notice': 'disclosure',
  'consultation-record': 'outcome',
};
const DATE_KEYS: Readonly<Partial<Record<FormKind, string>>> = {
  'consultation-record': 'heldOn',
  'exculpatory-notice': 'date',
  questions: 'answerBy',
  postponement: 'until',
  'extension-request': 'requestedUntil',
  extension: 'preservedUntil',
};

function pointerOf(kind: FormKind, field: Field): string | undefined {
  const key =
    field === 'text'
      ? TEXT_KEYS[kind]
      : field === 'date'
        ? DATE_KEYS[kind]
        : field === 'summary'
          ? 'consultation/summary'
          : field;
  return key ? `/payload/${key}` : undefined;
}

export function minimumPreservationDays(catalogue: Catalogue | undefined): number {
  const rule = catalogue?.rules.find((entry) => entry.id === 'preservation-period-too-short');
  const days = rule?.parameters.minimumDays;
  return typeof days === 'number' ? days : DEFAULT_MINIMUM_PRESERVATION_DAYS;
}

/** The grounds on which this request type may be refused (the catalogue's `may-refuse` that apply). */
export function refusalGroundsFor(catalogue: Catalogue | undefined, type: RequestTypeId) {
  return (catalogue?.refusalGrounds ?? []).filter(
    (ground) => ground.kind === 'may-refuse' && ground.appliesTo.includes(type),
  );
}

/** A verified evidence package received on the request, which a notice of exculpatory disclosure may name. */
export type ReceivedPackage = Readonly<{ id: string; receivedAt: string }>;

type TransitionFormProps = Readonly<{
  transition: string;
  /** The verified packages received on the request (a notice of exculpatory disclosure names them). */
  receivedPackages?: readonly ReceivedPackage[] | undefined;
  /** Spontaneous information: no request, and no package ever comes with it. */
  isSpontaneous?: boolean | undefined;
  /** The notice a consultation step is about: its place among the case's notices. */
  notice?: number | undefined;
  /** The grounds a refusal may rest on: those the screening checklist's concerns support (incoming requests). */
  allowedGrounds?: readonly string[] | undefined;
  /** The procedural duties a refusal would bring, by the checklist's concerns (catalogue refusalGrounds ids). */
  refusalDuties?: readonly string[] | undefined;
  /** The date the data is preserved until now (an extension asks for, or grants, a later one). */
  preservedUntil?: string | undefined;
  /** The preservation period the request asks for, in days (Art. 42): it proposes the end date. */
  requestedDays?: number | undefined;
  /** What this step answers (the conditions proposed, the questions asked): the form repeats it. */
  answering?: string | undefined;
  requestType: RequestTypeId;
  /** The other State's name: a note goes to it with the step. */
  otherState: string;
  catalogue: Catalogue | undefined;
  isSubmitting: boolean;
  error: unknown;
  onSubmit: (payload: Record<string, unknown>) => void;
  onCancel: () => void;
}>;

export function TransitionForm({
  transition,
  receivedPackages,
  isSpontaneous,
  notice,
  allowedGrounds,
  refusalDuties,
  preservedUntil,
  requestedDays,
  answering,
  requestType,
  otherState,
  catalogue,
  isSubmitting,
  error,
  onSubmit,
  onCancel,
}: TransitionFormProps) {
  const { t, i18n } = useTranslation();
  const kind = formKindOf(transition);
  const today = calendarDateOf(new Date());
  const minimumDays = minimumPreservationDays(catalogue);
  const grounds = refusalGroundsFor(catalogue, requestType).filter(
    (ground) => allowedGrounds === undefined || allowedGrounds.includes(ground.id),
  );
  const duties = (catalogue?.refusalGrounds ?? []).filter(
    (ground) => ground.kind === 'procedural-duty' && (refusalDuties ?? []).includes(ground.id),
  );
  // A preservation is kept for what the request asks, and at least the minimum: the end date is
  // proposed from the day it took effect, and follows that day until the person changes it.
  const keptDays = Math.max(minimumDays, requestedDays ?? 0);
  const [isUntilChosen, setIsUntilChosen] = useState(false);
  const [isChanged, setIsChanged] = useState(false);
  const [values, setValues] = useState<Values>({
    note: '',
    reasons: '',
    tookEffectOn: today,
    preservedUntil: addDaysOrUndefined(today, keptDays) ?? '',
    grounds: [],
    consulted: false,
    partialConsidered: false,
    conditionalConsidered: false,
    summary: '',
    text: '',
    date: kind === 'exculpatory-notice' || kind === 'consultation-record' ? today : '',
    results: [],
    timing: 'prior',
    priorNoticeImpossible: '',
    // One package received: the notice is most likely about it, so it is chosen (and may be unchosen).
    packageIds: receivedPackages?.length === 1 ? receivedPackages.map((item) => item.id) : [],
  });
  // The packages are read as the form opens: one that arrives alone is chosen then.
  const onlyPackage = receivedPackages?.length === 1 ? receivedPackages[0]?.id : undefined;
  useEffect(() => {
    if (onlyPackage)
      setValues((current) =>
        current.packageIds.length > 0 ? current : { ...current, packageIds: [onlyPackage] },
      );
  }, [onlyPackage]);
  const [errors, setErrors] = useState<Errors>({});
  const [attempt, setAttempt] = useState(0);
  const form = useRef<HTMLFormElement>(null);
  const titleId = `transition-form-${transition}`;

  // The form opens with the focus on its first field (or its confirm button when it has none).
  useEffect(() => {
    form.current?.querySelector<HTMLElement>('input, textarea, button[type="submit"]')?.focus();
  }, []);

  // After a refused submit, the focus goes to the first field in error.
  useEffect(() => {
    if (attempt === 0) return;
    form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [attempt]);

  // A field's error: the form's own check first, else the node's, worded in the UI language.
  const serverErrors = fieldErrorsOf(error);
  const shown = (field: Field): string | undefined => {
    const pointer = pointerOf(kind, field);
    return errors[field] ?? (pointer ? serverErrors.get(pointer) : undefined);
  };

  // Every value set marks the form changed: a date picked in the calendar (a portal, whose clicks
  // raise no change event on the form) counts as much as a character typed.
  // A field's own error goes once it is changed: what was written is not left marked as missing.
  const set = <Key extends keyof Values>(key: Key, value: Values[Key]) => {
    setIsChanged(true);
    setValues((current) => ({ ...current, [key]: value }));
    setErrors((current) => {
      if (!(key in current)) return current;
      const { [key as Field]: _cleared, ...rest } = current;
      return rest;
    });
  };

  const earliestUntil = values.tookEffectOn
    ? addDaysOrUndefined(values.tookEffectOn, minimumDays)
    : undefined;

  // The earliest date the form's one date accepts: an extension runs past the current date.
  const isExtension = kind === 'extension-request' || kind === 'extension';
  const isNotice = kind === 'exculpatory-notice';
  // A day already past: a disclosure made (notice after it) or a consultation held.
  const isPastDate = (isNotice && values.timing === 'after') || kind === 'consultation-record';
  const earliestDate =
    kind === 'questions' || (isNotice && values.timing === 'prior')
      ? today
      : isNotice || kind === 'consultation-record'
        ? undefined
        : isExtension && preservedUntil && preservedUntil >= today
          ? addDays(preservedUntil, 1)
          : addDays(today, 1);

  const check = (): Errors => {
    const found: Errors = {};
    const required = t('case.required');
    // A date the field could not read stays as typed (LocaleDateInput): named here, not sent.
    const unreadable = unreadableDateText(t, i18n.language, false);
    const isUnreadable = (value: string) => value !== '' && !isCalendarDate(value);
    if ((kind === 'reasons' || kind === 'refusal') && values.reasons.trim() === '') found.reasons = required;
    if (kind === 'preservation') {
      if (!values.tookEffectOn) found.tookEffectOn = required;
      else if (isUnreadable(values.tookEffectOn)) found.tookEffectOn = unreadable;
      else if (values.tookEffectOn > today) found.tookEffectOn = t('case.notAfterToday');
      const earliest = earliestUntil && earliestUntil > today ? earliestUntil : addDays(today, 1);
      if (!values.preservedUntil) found.preservedUntil = required;
      else if (isUnreadable(values.preservedUntil)) found.preservedUntil = unreadable;
      else if (values.preservedUntil < earliest) {
        found.preservedUntil = t('case.tooEarly', { date: formatDate(earliest) });
      }
    }
    if (kind === 'refusal') {
      if (values.grounds.length === 0) found.grounds = t('case.chooseGround');
    }
    if ((kind === 'refusal' || kind === 'postponement') && values.summary.trim() === '') {
      found.summary = required;
    }
    if (TEXT_LABELS[kind] && values.text.trim() === '') found.text = required;
    if (kind === 'postponement' && values.reasons.trim() === '') found.reasons = required;
    if (kind === 'extension-request' && values.reasons.trim() === '') found.reasons = required;
    if (isNotice && values.timing === 'after' && values.priorNoticeImpossible.trim() === '') {
      found.priorNoticeImpossible = required;
    }
    const dateLabel = DATE_LABELS[kind];
    if (dateLabel) {
      if (!values.date) {
        if (kind !== 'questions') found.date = required;
      } else if (isUnreadable(values.date)) {
        found.date = unreadable;
      } else if (isPastDate && values.date > today) {
        found.date = t('case.notAfterToday');
      } else if (earliestDate !== undefined && values.date < earliestDate) {
        found.date =
          kind === 'questions' || isNotice
            ? t('case.notBeforeToday')
            : isExtension && earliestDate > addDays(today, 1)
              ? t('case.tooEarly', { date: formatDate(earliestDate) })
              : t('case.afterToday');
      }
    }
    return found;
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = check();
    setErrors(found);
    if (Object.keys(found).length > 0) {
      setAttempt((count) => count + 1);
      return;
    }
    onSubmit({ ...payloadOf(kind, values), ...(isAboutNotice(transition) ? { notice } : {}) });
  };

  return (
    <Paper
      component="form"
      ref={form}
      withBorder
      p="sm"
      onSubmit={submit}
      noValidate
      aria-labelledby={titleId}
      data-testid="transition-form"
      data-transition={transition}
      onKeyDown={(event) => {
        // Escape closes a form nothing was written in; what was written is closed by Cancel only,
        // not lost to a key pressed to close a calendar or a list.
        if (event.key === 'Escape' && !isChanged) onCancel();
      }}
    >
      <Title order={3} size="h5" id={titleId} mb="xs">
        {t(`caseAction.${transition}`, { defaultValue: transition })}
      </Title>
      <Stack gap="sm">
        {/* Every step made here travels to the other State with what it holds; a note field says so itself. */}
        {kind !== 'none' && kind !== 'note' && kind !== 'preservation' && kind !== 'extension' ? (
          <Text size="sm" c="gray.7" data-testid="transition-sent-note">
            {t('case.formSent', { state: otherState })}
          </Text>
        ) : null}
        {answering ? (
          <div data-testid="transition-answering">
            <Text size="sm" fw={500}>
              {t('case.awaiting.answering')}
            </Text>
            <Text size="sm" dir="auto" style={{ whiteSpace: 'pre-wrap' }} className="quoted-text">
              {answering}
            </Text>
          </div>
        ) : null}
        {transition === 'request-clarification' && requestType === 'preservation' && !preservedUntil ? (
          // Art. 42: preservation is done without delay; a question pauses the case until answered.
          <Text size="sm" c="var(--comity-amber)" fw={500} data-testid="clarification-pauses-preservation">
            {t('case.clarificationPausesPreservation')}
          </Text>
        ) : null}
        {transition === 'close' ? (
          // Nothing follows a closed case: said before, not discovered after.
          <Text size="sm" fw={500} data-testid="close-is-final">
            {t('case.closeIsFinal')}
          </Text>
        ) : null}
        {transition === 'close' && requestType === 'preservation' && preservedUntil ? (
          <Text size="sm" c="var(--comity-amber)" fw={500} data-testid="close-keeps-preservation">
            {t('case.closeKeepsPreservation')}
          </Text>
        ) : null}
        {kind === 'none' ? (
          <Text size="sm" c="gray.7">
            {t('case.noPayloadNeeded')}
          </Text>
        ) : null}
        {kind === 'preservation' ? (
          <>
            <LocaleDateInput
              label={t('case.tookEffectOn')}
              value={values.tookEffectOn}
              max={today}
              onChange={(next) => {
                set('tookEffectOn', next);
                const proposed = isUntilChosen ? undefined : addDaysOrUndefined(next, keptDays);
                if (proposed) set('preservedUntil', proposed);
              }}
              error={shown('tookEffectOn')}
              required
              w={240}
            />
            <LocaleDateInput
              label={t('case.preservedUntil')}
              description={[
                requestedDays ? t('case.requestedDays', { days: requestedDays }) : '',
                earliestUntil
                  ? t('case.preservedUntilHelp', { days: minimumDays, date: formatDate(earliestUntil) })
                  : t('case.preservedUntilMinimum', { days: minimumDays }),
              ]
                .filter(Boolean)
                .join(' ')}
              value={values.preservedUntil}
              min={earliestUntil}
              onChange={(next) => {
                setIsUntilChosen(true);
                set('preservedUntil', next);
              }}
              error={shown('preservedUntil')}
              required
              w={240}
              data-testid="preserved-until-input"
            />
          </>
        ) : null}
        {kind === 'refusal' && duties.length > 0 ? (
          <Alert color="blue" variant="light" title={t('case.refusalDuties')} data-testid="refusal-duties">
            <Stack gap={6}>
              {duties.map((duty) => (
                <div key={duty.id} data-duty={duty.id}>
                  <Text size="sm" fw={700}>
                    {refusalGroundText(duty)}
                  </Text>
                  <Text size="sm">{localized(duty.explanation)}</Text>
                </div>
              ))}
            </Stack>
          </Alert>
        ) : null}
        {kind === 'refusal' ? (
          grounds.length === 0 ? (
            <Text size="sm" c="red.9" data-testid="no-grounds">
              {allowedGrounds === undefined ? t('case.noGrounds') : t('screening.noConcernGrounds')}
            </Text>
          ) : (
            <Checkbox.Group
              label={t('case.grounds')}
              description={
                allowedGrounds === undefined ? t('case.groundsHelp') : t('case.groundsHelpScreened')
              }
              value={[...values.grounds]}
              onChange={(chosen) => set('grounds', chosen)}
              error={shown('grounds')}
              required
            >
              <Stack gap={6} mt={6}>
                {grounds.map((ground, index) => (
                  <Checkbox
                    key={ground.id}
                    value={ground.id}
                    label={refusalGroundText(ground)}
                    aria-invalid={index === 0 && shown('grounds') ? true : undefined}
                  />
                ))}
              </Stack>
            </Checkbox.Group>
          )
        ) : null}
        {isNotice ? (
          <>
            <Text size="sm" data-testid="exculpatory-help">
              {t('case.exculpatory.help', { state: otherState })} (
              {formatList([citationText(40, '19'), citationText(40, '5')])})
            </Text>
            <Radio.Group
              label={t('case.exculpatory.timing')}
              value={values.timing}
              onChange={(next) => set('timing', next === 'after' ? 'after' : 'prior')}
              required
            >
              <Stack gap={6} mt={6}>
                <Radio value="prior" label={t('case.exculpatory.prior')} />
                <Radio value="after" label={t('case.exculpatory.after')} />
              </Stack>
            </Radio.Group>
          </>
        ) : null}
        {transition === 'request-consultation' ? (
          <Text size="sm" data-testid="consultation-help">
            {t('case.exculpatory.consultationHelp', { state: otherState })}
          </Text>
        ) : null}
        {TEXT_LABELS[kind] ? (
          <Textarea
            label={t(TEXT_LABELS[kind])}
            value={values.text}
            onChange={(event) => set('text', event.currentTarget.value)}
            error={shown('text')}
            required
            autosize
            minRows={kind === 'conversion' ? 1 : 2}
            data-testid="transition-text"
          />
        ) : null}
        {DATE_LABELS[kind] ? (
          <LocaleDateInput
            label={t(
              isNotice && values.timing === 'after' ? 'case.exculpatory.dateAfter' : DATE_LABELS[kind],
            )}
            value={values.date}
            min={earliestDate}
            max={isPastDate ? today : undefined}
            description={
              isExtension && preservedUntil
                ? t('case.currentlyPreservedUntil', { date: formatDate(preservedUntil) })
                : undefined
            }
            onChange={(next) => set('date', next)}
            error={shown('date')}
            required={kind !== 'questions'}
            w={240}
            data-testid="transition-date"
          />
        ) : null}
        {isNotice && values.timing === 'after' ? (
          <Textarea
            label={t('case.exculpatory.priorNoticeImpossible')}
            value={values.priorNoticeImpossible}
            onChange={(event) => set('priorNoticeImpossible', event.currentTarget.value)}
            error={shown('priorNoticeImpossible')}
            required
            autosize
            minRows={2}
          />
        ) : null}
        {isNotice && receivedPackages !== undefined ? (
          <PackageChoice
            isSpontaneous={isSpontaneous === true}
            packages={receivedPackages}
            chosen={values.packageIds}
            onChange={(chosen) => set('packageIds', chosen)}
          />
        ) : null}
        {kind === 'response' ? (
          <ResultsFields results={values.results} onChange={(results) => set('results', results)} />
        ) : null}
        {kind === 'reasons' ||
        kind === 'refusal' ||
        kind === 'postponement' ||
        kind === 'extension-request' ? (
          <Textarea
            label={t('case.reasons')}
            value={values.reasons}
            onChange={(event) => set('reasons', event.currentTarget.value)}
            error={shown('reasons')}
            required
            autosize
            minRows={2}
          />
        ) : null}
        {kind === 'refusal' || kind === 'postponement' ? (
          <Stack gap={6} component="fieldset" className="plain-fieldset">
            <legend>
              <Text size="sm" fw={500} span>
                {t(kind === 'refusal' ? 'case.consultation' : 'case.postponementConsultation')} (
                {citationText(40, '27')})
              </Text>
            </legend>
            <Checkbox
              label={t('case.requestingStateConsulted')}
              checked={values.consulted}
              onChange={(event) => set('consulted', event.currentTarget.checked)}
            />
            <Checkbox
              label={t('case.partialConsidered')}
              checked={values.partialConsidered}
              onChange={(event) => set('partialConsidered', event.currentTarget.checked)}
            />
            <Checkbox
              label={t('case.conditionalConsidered')}
              checked={values.conditionalConsidered}
              onChange={(event) => set('conditionalConsidered', event.currentTarget.checked)}
            />
            <Textarea
              label={t('case.consultationSummary')}
              value={values.summary}
              onChange={(event) => set('summary', event.currentTarget.value)}
              error={shown('summary')}
              required
              autosize
              minRows={2}
            />
          </Stack>
        ) : null}
        {kind === 'note' || kind === 'preservation' || kind === 'extension' ? (
          <Textarea
            label={t('case.noteTo', { state: otherState })}
            description={t('case.noteSent', { state: otherState })}
            value={values.note}
            onChange={(event) => set('note', event.currentTarget.value)}
            autosize
            minRows={1}
          />
        ) : null}
        <ProblemAlert error={error} title={t('case.failed')} fields={alertFields(kind, t)} />
        <Group gap="xs">
          <Button type="submit" loading={isSubmitting} data-testid="transition-submit">
            {t('case.confirm')}
          </Button>
          <Button
            variant="default"
            onClick={onCancel}
            disabled={isSubmitting}
            data-testid="transition-cancel"
          >
            {t('common.cancel')}
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

/** The steps that name the notice of exculpatory disclosure they are about. */
function isAboutNotice(transition: string): boolean {
  return transition === 'request-consultation' || transition === 'record-consultation';
}

function addDaysOrUndefined(date: string, days: number): string | undefined {
  try {
    return addDays(date, days);
  } catch {
    return undefined;
  }
}

/** The payload as src/core/case/payloads.ts expects it: optional text left out when blank. */
function payloadOf(kind: FormKind, values: Values): Record<string, unknown> {
  const note = values.note.trim() ? { note: values.note.trim() } : {};
  switch (kind) {
    case 'none':
      return {};
    case 'note':
      return note;
    case 'reasons':
      return { reasons: values.reasons.trim() };
    case 'preservation':
      return { tookEffectOn: values.tookEffectOn, preservedUntil: values.preservedUntil, ...note };
    case 'refusal':
      return {
        grounds: [...values.grounds],
        reasons: values.reasons.trim(),
        consultation: consultationOf(values),
      };
    case 'questions':
      return { questions: values.text.trim(), ...(values.date ? { answerBy: values.date } : {}) };
    case 'answer':
      return { answer: values.text.trim() };
    case 'conditions':
      return { text: values.text.trim() };
    case 'postponement':
      return { reasons: values.reasons.trim(), until: values.date, consultation: consultationOf(values) };
    case 'response':
      return {
        text: values.text.trim(),
        results: values.results
          .filter((result) => result.label.trim() !== '')
          .map((result) => ({ kind: 'other', label: result.label.trim(), value: result.value.trim() })),
      };
    case 'extension-request':
      return { requestedUntil: values.date, reasons: values.reasons.trim() };
    case 'extension':
      return { preservedUntil: values.date, ...note };
    case 'conversion':
      return { followUpReference: values.text.trim() };
    case 'consultation-record':
      return { heldOn: values.date, outcome: values.text.trim() };
    case 'exculpatory-notice':
      return {
        timing: values.timing,
        disclosure: values.text.trim(),
        date: values.date,
        ...(values.timing === 'after' ? { priorNoticeImpossible: values.priorNoticeImpossible.trim() } : {}),
        packageIds: [...values.packageIds],
      };
  }
}

function consultationOf(values: Values) {
  return {
    requestingStateConsulted: values.consulted,
    partialAssistanceConsidered: values.partialConsidered,
    conditionalAssistanceConsidered: values.conditionalConsidered,
    summary: values.summary.trim(),
  };
}

/** The form's fields by the pointer the node names them with, for the error summary. */
function alertFields(kind: FormKind, t: TFunction): Record<string, FieldReference> {
  const labels: Partial<Record<Field, string>> = {
    reasons: t('case.reasons'),
    tookEffectOn: t('case.tookEffectOn'),
    preservedUntil: t('case.preservedUntil'),
    grounds: t('case.grounds'),
    summary: t('case.consultationSummary'),
    priorNoticeImpossible: t('case.exculpatory.priorNoticeImpossible'),
    ...(TEXT_LABELS[kind] ? { text: t(TEXT_LABELS[kind]) } : {}),
    ...(DATE_LABELS[kind] ? { date: t(DATE_LABELS[kind]) } : {}),
  };
  const fields: Record<string, FieldReference> = {};
  for (const [field, label] of Object.entries(labels) as [Field, string][]) {
    const pointer = pointerOf(kind, field);
    if (pointer) fields[pointer] = { label };
  }
  if (kind === 'note' || kind === 'preservation' || kind === 'extension')
    fields['/payload/note'] = { label: t('case.note') };
  return fields;
}

/** The label of the one text a form kind asks for, when it asks for one. */
const TEXT_LABELS: Readonly<Partial<Record<FormKind, string>>> = {
  questions: 'case.questions',
  answer: 'case.answer',
  conditions: 'case.conditionsText',
  response: 'case.responseText',
  conversion: 'case.followUpReference',
  'exculpatory-notice': 'case.exculpatory.disclosure',
  'consultation-record': 'case.exculpatory.outcome',
};

/** The label of the one date a form kind asks for, when it asks for one. */
const DATE_LABELS: Readonly<Partial<Record<FormKind, string>>> = {
  'exculpatory-notice': 'case.exculpatory.datePrior',
  'consultation-record': 'case.exculpatory.heldOn',
  questions: 'case.answerBy',
  postponement: 'case.until',
  'extension-request': 'case.requestedUntil',
  extension: 'case.preservedUntil',
};

type Result = Values['results'][number];

/** A response's results, each a label and a value (e.g. "Account holder", "A. N."); blank ones are left out. */
function ResultsFields({
  results,
  onChange,
}: Readonly<{ results: readonly Result[]; onChange: (results: readonly Result[]) => void }>) {
  const { t } = useTranslation();
  const update = (index: number, change: Partial<Result>) =>
    onChange(results.map((result, at) => (at === index ? { ...result, ...change } : result)));
  return (
    <Stack gap={6} component="fieldset" className="plain-fieldset">
      <legend>
        <Text size="sm" fw={500} span>
          {t('case.results')}
        </Text>
      </legend>
      {results.map((result, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place
        <Group key={index} gap="xs" align="end">
          <TextInput
            label={t('case.resultLabel')}
            value={result.label}
            onChange={(event) => update(index, { label: event.currentTarget.value })}
          />
          <TextInput
            label={t('case.resultValue')}
            value={result.value}
            onChange={(event) => update(index, { value: event.currentTarget.value })}
          />
          <Button variant="subtle" onClick={() => onChange(results.filter((_, at) => at !== index))}>
            {t('case.removeResult')}
          </Button>
        </Group>
      ))}
      <Group>
        <Button variant="default" size="xs" onClick={() => onChange([...results, { label: '', value: '' }])}>
          {t('case.addResult')}
        </Button>
      </Group>
    </Stack>
  );
}

/** The verified packages received on the request that a notice of exculpatory disclosure covers. */
function PackageChoice({
  isSpontaneous,
  packages,
  chosen,
  onChange,
}: Readonly<{
  isSpontaneous: boolean;
  packages: readonly ReceivedPackage[];
  chosen: readonly string[];
  onChange: (chosen: string[]) => void;
}>) {
  const { t } = useTranslation();
  if (packages.length === 0) {
    return (
      <Text size="sm" c="gray.7" data-testid="exculpatory-no-packages">
        {t(isSpontaneous ? 'case.exculpatory.spontaneousNoPackages' : 'case.exculpatory.noPackages')}
      </Text>
    );
  }
  return (
    <Checkbox.Group
      label={t('case.exculpatory.packages')}
      description={t('case.exculpatory.packagesHelp')}
      value={[...chosen]}
      onChange={onChange}
    >
      <Stack gap={6} mt={6}>
        {packages.map((item) => (
          <Checkbox
            key={item.id}
            value={item.id}
            label={t('case.exculpatory.package', {
              id: item.id.slice(0, 8),
              at: formatInstant(item.receivedAt),
            })}
          />
        ))}
      </Stack>
    </Checkbox.Group>
  );
}
