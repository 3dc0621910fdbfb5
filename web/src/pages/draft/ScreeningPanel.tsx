/**
 * The screening checklist of a request received here (docs/case-lifecycle.md, "Screening"): one
 * item per ground, safeguard or flag the catalogue lists for the request type, each with its
 * article (or "Comity's practice"), whether the text was verified, the plain-language
 * explanation, the flags Comity raised by itself (dual criminality against this node's law map,
 * an offence outside the Convention's scope, the requesting State's record here), and the legal
 * reviewer's answer with reasons. The decisions of the case panel below are tied to it: none
 * before it is complete, and a refusal only on the grounds its concerns support.
 */
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Paper,
  Radio,
  Stack,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { ApiAnswer } from '../../../../src/api-client/client.ts';
import { answer, api } from '../../app/api.ts';
import {
  citationText,
  formatDateTime,
  labelled,
  labelSeparator,
  localized,
  refusalGroundText,
  stateName,
} from '../../components/format.ts';
import { useCatalogue, useStates } from '../../components/reference-data.ts';
import { takeFocusOnMount } from '../../components/focus-keeper.ts';
import { type FieldReference, ProblemAlert } from '../../components/ProblemAlert.tsx';
import { fieldErrorsOf } from '../../components/field-errors.ts';

export type Screening = ApiAnswer<'/api/v1/requests/{id}/screening', 'get'>['screening'];
type Item = Screening['items'][number];
type Flag = Item['flags'][number];
type AnswerValue = NonNullable<Item['answer']>;
type Clearance = NonNullable<Item['clearance']>;
/** A State's name in the UI language, from its code (the code until the list of States is read). */
type StateLabel = (code: string | null | undefined) => string;
/** `isProposed`: pre-filled from Comity's own check, not yet touched by the reviewer. */
type Draft = Record<string, { answer: AnswerValue | ''; reasons: string; isProposed?: boolean }>;

const ANSWERS: readonly AnswerValue[] = ['no-concern', 'concern', 'not-applicable'];

/**
 * The checklist in three parts, in this order: the grounds a refusal may rest on, the safeguards
 * and what is not a ground, and Comity's own flags (context, never a ground by themselves). A
 * reviewer of a preservation sees at a glance that only three of its items can carry a refusal.
 */
const GROUPS = [
  { id: 'ground', kinds: ['ground'] },
  { id: 'safeguard', kinds: ['safeguard', 'not-a-ground'] },
  { id: 'flag', kinds: ['flag'] },
] as const satisfies readonly { id: string; kinds: readonly Item['kind'][] }[];

/**
 * The reviewer's answers as saved; an item not answered yet on which Comity's own check found
 * nothing to flag starts as "no concern" with what the check found as its reasons, for the
 * reviewer to confirm (by saving) or change. Nothing is recorded until the reviewer saves.
 */
function draftOf(screening: Screening, t: TFunction, stateLabel: StateLabel): Draft {
  return Object.fromEntries(
    screening.items.map((item) => [
      item.id,
      item.answer === null && item.clearance
        ? { answer: 'no-concern', reasons: clearanceText(t, item.clearance, stateLabel), isProposed: true }
        : { answer: item.answer ?? '', reasons: item.reasons ?? '' },
    ]),
  );
}

/** What Comity's own check found, in the UI language: the proposed answer's reasons. */
function clearanceText(t: TFunction, clearance: Clearance, stateLabel: StateLabel): string {
  const articles = (clearance.articles ?? []).map((article) => citationText(article)).join(', ');
  if (clearance.kind === 'dual-criminality') return t('screening.clearance.dualCriminality', { articles });
  if (clearance.kind === 'outside-scope') {
    const serious = clearance.seriousCrimes ?? [];
    if (serious.length === 0) return t('screening.clearance.withinScope', { articles });
    if (articles === '') return t('screening.clearance.seriousOnly', { offences: serious.join('; ') });
    return t('screening.clearance.withinScopeAndSerious', { articles, offences: serious.join('; ') });
  }
  const received = clearance.received ?? 0;
  return received === 0
    ? t('screening.clearance.recordNone', { state: stateLabel(clearance.state) })
    : t('screening.clearance.record', { state: stateLabel(clearance.state), received });
}

function FlagNote({ flag, stateLabel }: { flag: Flag; stateLabel: StateLabel }) {
  const { t } = useTranslation();
  const catalogue = useCatalogue();
  // A ground by its title and article, as the refusal form names it, not by its id.
  const groundLabel = (id: string) => {
    const ground = catalogue.data?.refusalGrounds.find((entry) => entry.id === id);
    return ground ? refusalGroundText(ground) : id;
  };
  let text: string;
  if (flag.kind === 'dual-criminality') {
    text = t('screening.flag.dualCriminality', {
      articles: (flag.articles ?? []).map((article) => citationText(article)).join(', '),
    });
  } else if (flag.kind === 'outside-scope') {
    text = t('screening.flag.outsideScope', { offences: (flag.offences ?? []).join('; ') });
  } else {
    const record = flag.record;
    text = t('screening.flag.record', {
      refused: record?.refused ?? 0,
      received: record?.received ?? 0,
      state: stateLabel(record?.state),
      grounds: Object.entries(record?.groundCounts ?? {})
        .map(([ground, count]) => t('screening.flag.groundCount', { ground: groundLabel(ground), n: count }))
        .join('; '),
    });
  }
  return (
    <Alert color="orange" variant="light" p="xs" data-testid="screening-flag" data-kind={flag.kind}>
      <Text size="sm">
        <strong>{t('screening.flagged')}</strong> {text}
      </Text>
    </Alert>
  );
}

type ScreeningPanelProps = Readonly<{
  screening: Screening;
  canReview: boolean;
  onSaved: (screening: Screening) => void;
}>;

export function ScreeningPanel({ screening, canReview, onSaved }: ScreeningPanelProps) {
  const { t } = useTranslation();
  const states = useStates();
  const stateLabel = useCallback<StateLabel>(
    (code) => stateName(states.data, code) || code || '',
    [states.data],
  );
  const [draft, setDraft] = useState<Draft>(() => draftOf(screening, t, stateLabel));
  const [error, setError] = useState<unknown>(undefined);
  // The items in the order the last save sent them: the node names a field by its place (`/answers/2/reasons`).
  const [sentIds, setSentIds] = useState<readonly string[]>([]);
  const fieldErrors = fieldErrorsOf(error);
  const errorOf = (itemId: string, field: 'answer' | 'reasons') => {
    const index = sentIds.indexOf(itemId);
    return index < 0 ? undefined : fieldErrors.get(`/answers/${index}/${field}`);
  };
  const alertFields: Record<string, FieldReference> = {};
  sentIds.forEach((itemId, index) => {
    const item = screening.items.find((entry) => entry.id === itemId);
    const title = item ? localized(item.title) : '';
    alertFields[`/answers/${index}/answer`] = { label: labelled(title, t('screening.answer')) };
    alertFields[`/answers/${index}/reasons`] = { label: labelled(title, t('screening.reasons')) };
  });
  const [isSaving, setIsSaving] = useState(false);
  const [savedNote, setSavedNote] = useState(false);
  const isEditable = canReview && screening.open;

  // Read again from the node (its answers as saved), not when a name or the language changes:
  // the effect below rewords what is still only proposed, and keeps what the reviewer typed.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the answers start again only from what the node sent.
  useEffect(() => {
    setDraft(draftOf(screening, t, stateLabel));
  }, [screening]);

  useEffect(() => {
    setDraft((current) => {
      const reworded = { ...current };
      for (const item of screening.items) {
        const value = current[item.id];
        if (value?.isProposed && item.clearance) {
          reworded[item.id] = { ...value, reasons: clearanceText(t, item.clearance, stateLabel) };
        }
      }
      return reworded;
    });
  }, [screening, t, stateLabel]);

  const set = (id: string, patch: Partial<Draft[string]>) => {
    setSavedNote(false);
    setDraft((current) => ({
      ...current,
      [id]: { answer: '', reasons: '', ...current[id], ...patch, isProposed: false },
    }));
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setIsSaving(true);
    setError(undefined);
    try {
      const answers = Object.entries(draft)
        .filter(([, value]) => value.answer !== '')
        .map(([itemId, value]) => ({ itemId, answer: value.answer as AnswerValue, reasons: value.reasons }));
      setSentIds(answers.map((entry) => entry.itemId));
      const saved = await answer(
        api.PUT('/api/v1/requests/{id}/screening', {
          params: { path: { id: screening.requestId } },
          body: { answers, revision: screening.revision },
        }),
      );
      onSaved(saved.screening);
      setSavedNote(true);
    } catch (caught) {
      setError(caught);
    } finally {
      setIsSaving(false);
    }
  };

  // The grounds the catalogue lets a refusal of this type of request rest on, with their articles.
  const catalogue = useCatalogue();
  const groundsForType = (catalogue.data?.refusalGrounds ?? [])
    .filter(
      (ground) =>
        ground.kind === 'may-refuse' &&
        (ground.appliesTo as readonly string[]).includes(screening.requestType),
    )
    .map(refusalGroundText)
    .join('; ');

  const renderItem = (item: Item) => {
    const value = draft[item.id] ?? { answer: '', reasons: '' };
    const headingId = `screening-item-${item.id}`;
    return (
      <Paper
        key={item.id}
        withBorder
        p="xs"
        component="fieldset"
        aria-labelledby={headingId}
        data-testid="screening-item"
        data-item={item.id}
        style={{ minWidth: 0 }}
      >
        <Title order={5} size="h6" id={headingId}>
          {localized(item.title)}
        </Title>
        <Group gap={6} my={4}>
          {item.article !== null ? (
            <Text size="xs" className="citation">
              {citationText(item.article, item.paragraph ?? undefined)}
            </Text>
          ) : null}
          <Badge variant="outline" color="gray.8" size="sm">
            {item.basis === 'practice' ? t('screening.practice') : t('screening.treaty')}
          </Badge>
          {/* Whether the paraphrase was checked against the treaty text: Comity's practice has none. */}
          {item.basis === 'practice' ? null : (
            <Badge variant="outline" color={item.verified ? 'teal.9' : 'gray.8'} size="sm">
              {item.verified ? t('screening.verified') : t('screening.notVerified')}
            </Badge>
          )}
          {item.kind === 'not-a-ground' ? (
            <Badge variant="outline" color="gray.8" size="sm">
              {t('screening.notAGround')}
            </Badge>
          ) : null}
        </Group>
        <Text size="sm" mb={6}>
          {localized(item.explanation)}
        </Text>
        <Stack gap={4} mb={6}>
          {item.flags.map((flag) => (
            <FlagNote key={flag.kind} flag={flag} stateLabel={stateLabel} />
          ))}
          {item.isOutdated ? (
            <Text size="sm" fw={700} c="red.9" data-testid="screening-outdated" data-item={item.id}>
              {t('screening.outdated')}
            </Text>
          ) : null}
        </Stack>
        {isEditable ? (
          <>
            <Radio.Group
              label={t('screening.answer')}
              error={errorOf(item.id, 'answer')}
              value={value.answer}
              onChange={(chosen) => set(item.id, { answer: chosen as AnswerValue })}
            >
              <Group gap="md" mt={4}>
                {ANSWERS.map((choice) => (
                  <Radio
                    key={choice}
                    value={choice}
                    label={t(`screening.answers.${choice}`)}
                    data-testid={`answer-${choice}`}
                  />
                ))}
              </Group>
            </Radio.Group>
            <Textarea
              mt={6}
              label={t('screening.reasons')}
              error={errorOf(item.id, 'reasons')}
              value={value.reasons}
              onChange={(event) => set(item.id, { reasons: event.currentTarget.value })}
              required={value.answer !== ''}
              autosize
              minRows={1}
              data-testid="screening-reasons"
            />
            {value.isProposed ? (
              <Text size="xs" c="gray.7" mt={4} data-testid="screening-proposed">
                {t('screening.proposed')}
              </Text>
            ) : null}
          </>
        ) : (
          <Text size="sm" data-testid="screening-answer">
            <strong>{t('screening.answer')}</strong>
            {labelSeparator()}
            {item.answer ? t(`screening.answers.${item.answer}`) : t('screening.unanswered')}
            {item.reasons ? ` — ${item.reasons}` : ''}
          </Text>
        )}
      </Paper>
    );
  };

  return (
    <Paper
      component="section"
      aria-labelledby="screening-title"
      withBorder
      p="sm"
      mb="md"
      data-testid="screening-panel"
    >
      <Title order={3} size="h5" id="screening-title" mb="xs">
        {t('screening.title')}
      </Title>
      <Text size="sm" mb="xs" data-testid="screening-intro">
        {/* What the checklist holds back is the node's to say (gatedTransitions): for a preservation
            only a refusal, since the measure is carried out at once. */}
        {screening.gatedTransitions.includes('accept')
          ? t('screening.intro')
          : t('screening.introRefusalOnly')}
      </Text>
      {/* What the badges on each item mean, said once: a lawyer reads them as a warning otherwise. */}
      <Text size="xs" c="gray.7" mb="xs" data-testid="screening-badges-explained">
        {t('screening.badgesExplained', {
          notVerified: t('screening.notVerified'),
          practice: t('screening.practice'),
        })}
      </Text>
      <Group gap="xs" mb="sm" role="status" aria-live="polite" data-testid="screening-status">
        <Badge
          color={screening.complete ? 'teal.9' : 'var(--comity-amber)'}
          variant="outline"
          data-testid="screening-state"
          data-complete={screening.complete ? 'true' : 'false'}
        >
          {screening.complete
            ? t('screening.complete')
            : screening.missing.length > 0
              ? t('screening.incomplete', { count: screening.missing.length })
              : t('screening.outdatedCount', { count: screening.outdated.length })}
        </Badge>
        {screening.updatedByName && screening.updatedAt ? (
          // Who screened, and when: what an auditor checks beside the decision.
          <Text size="sm" c="gray.8" data-testid="screening-saved-by">
            {t('screening.savedBy', {
              name: screening.updatedByName,
              time: formatDateTime(screening.updatedAt),
            })}
          </Text>
        ) : null}
        {savedNote ? (
          // After a save, the focus moves to what the save changed: the checklist's state.
          <Text size="sm" data-testid="screening-saved" tabIndex={-1} ref={takeFocusOnMount}>
            {t('screening.saved')}
          </Text>
        ) : null}
      </Group>
      {screening.outdated.length > 0 ? (
        // Where the answers to read again are: the list is long, they may be at its end.
        <Group gap="xs" mb="sm" data-testid="screening-reread-links">
          <Text size="sm" fw={700} c="red.9">
            {t('screening.rereadLinks')}
          </Text>
          {screening.items
            .filter((item) => item.isOutdated)
            .map((item) => (
              <Anchor
                key={item.id}
                component="button"
                type="button"
                size="sm"
                onClick={() => {
                  const fieldset = document.querySelector(
                    `[data-testid="screening-item"][data-item="${item.id}"]`,
                  );
                  fieldset?.scrollIntoView({ block: 'start' });
                  const field = fieldset?.querySelector<HTMLElement>('textarea, input');
                  field?.focus({ preventScroll: true });
                }}
              >
                {localized(item.title)}
              </Anchor>
            ))}
        </Group>
      ) : null}
      <form onSubmit={save} aria-labelledby="screening-title" noValidate>
        <Stack gap="sm">
          {GROUPS.map((group) => {
            const items = screening.items.filter((item) =>
              (group.kinds as readonly string[]).includes(item.kind),
            );
            if (items.length === 0) return null;
            const groupHeadingId = `screening-group-${group.id}`;
            return (
              <Stack
                key={group.id}
                gap="sm"
                component="section"
                aria-labelledby={groupHeadingId}
                data-testid="screening-group"
                data-group={group.id}
              >
                <Title order={4} size="h6" id={groupHeadingId} c="gray.8">
                  {t(`screening.groups.${group.id}`)}
                </Title>
                {group.id === 'ground' && groundsForType ? (
                  <Text size="sm" data-testid="screening-grounds-for-type">
                    {t('screening.groundsForType', { grounds: groundsForType })}
                  </Text>
                ) : null}
                {items.map(renderItem)}
              </Stack>
            );
          })}
          <ProblemAlert error={error} title={t('screening.saveFailed')} fields={alertFields} />
          {isEditable ? (
            <Group>
              <Button type="submit" loading={isSaving} data-testid="screening-save">
                {t('screening.save')}
              </Button>
            </Group>
          ) : null}
        </Stack>
      </form>
    </Paper>
  );
}
