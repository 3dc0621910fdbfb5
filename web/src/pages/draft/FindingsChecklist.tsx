/**
 * The checklist beside the draft form: every element the request type requires or asks for, with
 * its red/amber/green state, the article behind it (a link to the catalogue entry) and what
 * validation says about it, in the UI language. It follows the findings of the last save and of
 * the live validation while the user types. On a request received from another State it is the
 * requested side's reading of what arrived: the same check, worded for someone who asks for what
 * is missing rather than writes it in.
 */
import {
  Alert,
  Anchor,
  Badge,
  Box,
  Group,
  List,
  Loader,
  Paper,
  Stack,
  Text,
  Title,
  UnstyledButton,
} from '@mantine/core';
import i18next from 'i18next';
import { currentLanguage } from '../../i18n/i18n.ts';
import { useTranslation } from 'react-i18next';
import type { Catalogue } from '../../../../src/core/catalogue/catalogue.ts';
import { elementLabel as catalogueElementLabel } from '../../../../src/core/catalogue/catalogue-lookup.ts';
import type { RequestTypeId } from '../../../../src/core/request/draft.ts';
import type { Finding } from '../../../../src/core/validation/finding.ts';
import { RouterLink } from '../../app/router.tsx';
import { citationText, formatList, labelSeparator, localizedCitation } from '../../components/format.ts';
import { IsolatedCitations } from '../../components/IsolatedCitations.tsx';
import { StatusMark } from '../../components/StatusMark.tsx';
import { type Checklist, type ChecklistItem, elementOfFinding, isAbsenceFinding } from './draft.model.ts';

/** Moves the keyboard focus to the first field of an element's group in the form. */
export function focusElementField(element: string): void {
  const group = document.getElementById(`el-${element}`);
  if (!group) return;
  group.scrollIntoView({ block: 'center', behavior: 'smooth' });
  const field = group.querySelector<HTMLElement>('input:not([type=hidden]), textarea, button');
  field?.focus({ preventScroll: true });
}

/** Findings have no id; what they say about which element is unique enough to key them. */
function findingKey(finding: Finding): string {
  return `${finding.rule}|${finding.element}|${finding.message}`;
}

function FindingLine({
  finding,
  catalogue,
  type,
  hasCitation,
}: {
  finding: Finding;
  catalogue: Catalogue | undefined;
  type: RequestTypeId;
  /** False under a checklist item, which already shows the article. */
  hasCitation: boolean;
}) {
  const { t } = useTranslation();
  const hasRule = catalogue?.rules.some((rule) => rule.id === finding.rule) ?? false;
  const href = hasRule ? `/catalogue#rule-${finding.rule}` : `/catalogue#type-${type}`;
  return (
    <List.Item>
      <Text
        size="sm"
        component="span"
        c={finding.severity === 'blocking' ? 'red.9' : 'var(--comity-amber)'}
        fw={500}
      >
        {t(`checklist.severity.${finding.severity}`)}
        {labelSeparator().trimEnd()}
      </Text>{' '}
      <Text size="sm" component="span">
        <IsolatedCitations text={finding.message} />
      </Text>{' '}
      {hasCitation && finding.article ? (
        <Anchor component={RouterLink} href={href} size="sm">
          <bdi>{localizedCitation(finding.article)}</bdi>
        </Anchor>
      ) : null}
    </List.Item>
  );
}

function ItemRow({
  item,
  catalogue,
  type,
  onShowForm,
  isStarting,
}: {
  item: ChecklistItem;
  catalogue: Catalogue | undefined;
  type: RequestTypeId;
  onShowForm: ((item: ChecklistItem) => void) | undefined;
  isStarting: boolean;
}) {
  const { t } = useTranslation();
  const label = elementLabel(item.element, catalogue, type);
  // On a new draft an element not written yet is still to do, not wrong: no red mark, no "Blocking".
  const findings = isStarting ? item.findings.filter((finding) => !isAbsenceFinding(finding)) : item.findings;
  const mark = isStarting && item.state !== 'complete' && findings.length === 0 ? 'to-do' : item.state;
  return (
    <li
      data-element={item.element}
      data-state={item.state}
      data-requirement={item.requirement}
      style={{ listStyle: 'none' }}
    >
      <Group gap={8} wrap="nowrap" align="flex-start">
        <StatusMark status={mark} />
        <Stack gap={0} style={{ flex: 1, minWidth: 0 }}>
          <Group gap={6} wrap="wrap" justify="space-between">
            <UnstyledButton
              onClick={() => {
                if (!onShowForm) return focusElementField(item.element);
                onShowForm(item);
                // The form is shown at the next render: the focus moves once it is there.
                requestAnimationFrame(() => focusElementField(item.element));
              }}
              aria-label={t('checklist.goToField', { field: label })}
              style={{ textDecoration: 'underline dotted', textUnderlineOffset: 3 }}
            >
              <Text size="sm" fw={500} component="span">
                {label}
              </Text>
            </UnstyledButton>
            <Anchor component={RouterLink} href={`/catalogue#type-${type}-${item.element}`} size="xs">
              <bdi>{citationText(item.article, item.paragraph)}</bdi>
            </Anchor>
          </Group>
          <Text size="xs" c="gray.7">
            {t(`checklist.requirement.${item.requirement}`)}
          </Text>
          {findings.length > 0 ? (
            <List size="sm" spacing={2} mt={2}>
              {findings.map((finding) => (
                <FindingLine
                  key={findingKey(finding)}
                  finding={finding}
                  catalogue={catalogue}
                  type={type}
                  hasCitation={false}
                />
              ))}
            </List>
          ) : null}
        </Stack>
      </Group>
    </li>
  );
}

/**
 * The element's label from the catalogue in the UI language: the name the request's type gives it
 * when it gives one (spontaneous information's receiving State), else the element's own; else the
 * UI's own wording.
 */
export function elementLabel(
  element: string,
  catalogue: Catalogue | undefined,
  type?: RequestTypeId,
): string {
  const typeEntry = type ? catalogue?.requestTypes.find((entry) => entry.id === type) : undefined;
  const label = catalogue ? catalogueElementLabel(catalogue, element, currentLanguage(), typeEntry) : element;
  return label === element ? i18next.t(`element.${element}`, { defaultValue: element }) : label;
}

export type FindingsChecklistProps = Readonly<{
  checklist: Checklist;
  catalogue: Catalogue | undefined;
  type: RequestTypeId;
  isValidating: boolean;
  /** The findings are those of the form as typed, not yet saved. */
  isLive: boolean;
  /** The last check as you type failed (the node refused the form as it is): the list is older than the form. */
  hasLiveCheckFailed?: boolean;
  /**
   * Shows the element's fields when they are not (a folded form, an empty field of a read-only
   * request), before a row moves the focus into them.
   */
  onShowForm?: ((item: ChecklistItem) => void) | undefined;
  /**
   * A request another State sent here: the same check, read by the requested side, which cannot
   * change the request (what is missing is asked for, not written in).
   */
  isReceived?: boolean;
  /**
   * A new draft not yet saved: what is not written yet reads as what is left to do (a neutral
   * summary and marks), not as faults; what is wrong in what was written still shows as it is.
   */
  isStarting?: boolean;
}>;

export function FindingsChecklist({
  checklist,
  catalogue,
  type,
  isValidating,
  isLive,
  hasLiveCheckFailed = false,
  onShowForm,
  isReceived = false,
  isStarting = false,
}: FindingsChecklistProps) {
  const { t } = useTranslation();
  const { items, otherFindings, blockingCount, warningCount } = checklist;
  // Blocking findings first: what stops the request from leaving is read before what to review.
  const sortedOther = otherFindings.toSorted(
    (a, b) => Number(b.severity === 'blocking') - Number(a.severity === 'blocking'),
  );
  const hasBlockingOther = otherFindings.some((finding) => finding.severity === 'blocking');
  const otherSection =
    otherFindings.length > 0 ? (
      <>
        <Title order={3} size="h5" mt="sm" mb={4}>
          {t('checklist.otherFindings')}
        </Title>
        <List size="sm" spacing={2}>
          {sortedOther.map((finding) => (
            <FindingLine
              key={findingKey(finding)}
              finding={finding}
              catalogue={catalogue}
              type={type}
              hasCitation
            />
          ))}
        </List>
      </>
    ) : null;
  const { isReady, unmet } = summaryOf(checklist);
  const readyText = isReceived ? t('checklist.receivedReady') : t('checklist.ready');
  return (
    <Paper
      component="aside"
      aria-labelledby="checklist-title"
      withBorder
      p="sm"
      data-testid="checklist"
      data-ready={isReady}
    >
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4" id="checklist-title" tabIndex={-1}>
          {isReceived ? t('checklist.receivedTitle') : t('checklist.title')}
        </Title>
        {isValidating ? <Loader size="xs" aria-label={t('checklist.checking')} /> : null}
      </Group>
      {/* One polite live region says the summary once when it changes (not the boxes below, which are
          notes: announced twice and assertively before). */}
      <div role="status" className="visually-hidden" data-testid="checklist-announcement">
        {isReady ? readyText : unmetText(checklist, unmet, isStarting)}
      </div>
      <div>
        {isReady ? (
          <Alert color="teal" variant="light" p="xs" mb="xs" data-testid="checklist-ready">
            <Text size="sm" fw={600} c="var(--comity-green)">
              {readyText}
            </Text>
            {warningCount > 0 ? <Text size="xs">{t('checklist.warnings', { n: warningCount })}</Text> : null}
          </Alert>
        ) : (
          <Alert
            color={isToDo(checklist, isStarting) ? 'gray' : 'red'}
            variant="light"
            p="xs"
            mb="xs"
            data-testid="checklist-blocked"
          >
            <Text size="sm" fw={600} c={isToDo(checklist, isStarting) ? undefined : 'red.9'}>
              {unmetText(checklist, unmet, isStarting)}
            </Text>
            {isToDo(checklist, isStarting) ? null : (
              <UnmetNames checklist={checklist} catalogue={catalogue} />
            )}
            {warningCount > 0 ? <Text size="xs">{t('checklist.warnings', { n: warningCount })}</Text> : null}
          </Alert>
        )}
      </div>
      <Text
        size="xs"
        c={isLive && hasLiveCheckFailed ? 'orange.9' : 'gray.7'}
        mb="xs"
        data-testid="checklist-note"
        data-stale={(isLive && hasLiveCheckFailed) || undefined}
      >
        {isReceived
          ? t('checklist.receivedNote')
          : isLive
            ? hasLiveCheckFailed
              ? t('checklist.liveFailed')
              : t('checklist.liveNote')
            : t('checklist.savedNote')}
      </Text>
      {/* A finding that blocks and belongs to no element comes first, where the summary above counts it. */}
      {hasBlockingOther ? otherSection : null}
      {items.length === 0 ? (
        <Text size="sm" c="gray.7">
          {t('checklist.noElements')}
        </Text>
      ) : (
        <Stack component="ol" gap="xs" p={0} m={0} aria-label={t('checklist.elements')}>
          {items.map((item) => (
            <ItemRow
              key={item.element}
              item={item}
              catalogue={catalogue}
              type={type}
              onShowForm={onShowForm}
              isStarting={isStarting}
            />
          ))}
        </Stack>
      )}
      {hasBlockingOther ? null : otherSection}
      <Group gap={6} mt="sm">
        <Badge variant="outline" color="red.9">
          {t('checklist.blockingCount', { n: blockingCount })}
        </Badge>
        <Badge variant="outline" color="var(--comity-amber)">
          {t('checklist.warningCount', { n: warningCount })}
        </Badge>
      </Group>
    </Paper>
  );
}

/** Whether nothing blocks and no required element is missing; else how many (what the summary counts). */
function summaryOf(checklist: Checklist): Readonly<{ isReady: boolean; unmet: number }> {
  const missingCount = checklist.items.filter((item) => item.state === 'missing').length;
  const isReady = checklist.blockingCount === 0 && missingCount === 0;
  return { isReady, unmet: Math.max(checklist.blockingCount, missingCount) };
}

/** Only absences stand between a new draft and sending it: it is a list of what is left to write. */
function isToDo(checklist: Checklist, isStarting: boolean): boolean {
  if (!isStarting) return false;
  const all = [...checklist.items.flatMap((item) => item.findings), ...checklist.otherFindings];
  return all.every((finding) => finding.severity !== 'blocking' || isAbsenceFinding(finding));
}

/**
 * What stands between the request and sending it, by name, in the order the checklist lists it
 * (a blocking finding outside the elements first): the summary's count alone sent the user down the
 * list to find one red mark among fifteen.
 */
function unmetNamesOf(checklist: Checklist, catalogue: Catalogue | undefined): readonly string[] {
  const outside = checklist.otherFindings
    .filter((finding) => finding.severity === 'blocking')
    .map((finding) => {
      const element = elementOfFinding(finding);
      return element
        ? elementLabel(element, catalogue, checklist.type)
        : i18next.t('checklist.otherFindings');
    });
  const listed = checklist.items
    .filter((item) => item.state === 'missing')
    .map((item) => elementLabel(item.element, catalogue, checklist.type));
  return [...new Set([...outside, ...listed])];
}

function UnmetNames({ checklist, catalogue }: { checklist: Checklist; catalogue: Catalogue | undefined }) {
  const { t } = useTranslation();
  const names = unmetNamesOf(checklist, catalogue);
  if (names.length === 0) return null;
  return (
    <Text size="sm" data-testid="checklist-unmet-names">
      {t('checklist.toPutRight', { list: formatList(names) })}
    </Text>
  );
}

function unmetText(checklist: Checklist, unmet: number, isStarting: boolean): string {
  return isToDo(checklist, isStarting)
    ? i18next.t('checklist.toDo', { n: unmet })
    : i18next.t('checklist.blocked', { n: unmet });
}

/**
 * The checklist's summary in one line, for screens narrower than the two columns (a phone), where
 * the checklist itself comes after the form: what it says, and a button that moves there.
 */
export function ChecklistSummaryBar({
  checklist,
  catalogue,
  isStarting = false,
}: {
  checklist: Checklist;
  catalogue: Catalogue | undefined;
  isStarting?: boolean;
}) {
  const { t } = useTranslation();
  const { isReady, unmet } = summaryOf(checklist);
  const colour = isReady ? 'var(--comity-green)' : isToDo(checklist, isStarting) ? undefined : 'red.9';
  return (
    <Box hiddenFrom="lg" mb="sm" data-testid="checklist-summary-bar">
      <Group gap="xs" wrap="wrap">
        <Text size="sm" fw={600} c={colour}>
          {isReady ? t('checklist.ready') : unmetText(checklist, unmet, isStarting)}
        </Text>
        {isReady || isToDo(checklist, isStarting) ? null : (
          <UnmetNames checklist={checklist} catalogue={catalogue} />
        )}
        <Anchor
          component="button"
          type="button"
          size="sm"
          onClick={() => {
            const heading = document.getElementById('checklist-title');
            heading?.scrollIntoView({ block: 'start', behavior: 'smooth' });
            heading?.focus({ preventScroll: true });
          }}
        >
          {t('checklist.jump')}
        </Anchor>
      </Group>
    </Box>
  );
}
