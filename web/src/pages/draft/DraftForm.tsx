/**
 * The guided form of a request: the typed fields of RequestContent (src/core/request/draft.ts)
 * grouped in sections, showing the fields the chosen type needs (or every field on demand).
 * Each element's group carries the id `el-<element>` so the checklist can move the focus to it.
 */
import { Button, Fieldset, Grid, Group, List, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { createContext, type ReactNode, useContext, useEffect, useId, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { offenceTitle, requestTypeTitle } from '../../components/reference-data.ts';
import {
  ASSISTANCE_KINDS,
  DATA_CATEGORIES,
  IDENTIFIER_KINDS,
  PERSON_ROLES,
  REPLY_MEANS,
  REQUEST_TYPE_IDS,
  URGENCY_LEVELS,
} from '../../../../src/core/request/draft.ts';
import { type ElementId, isElementId } from '../../../../src/core/request/elements.ts';
import type { StateSummary } from '../../app/api.ts';
import type { Catalogue } from '../../../../src/core/catalogue/catalogue.ts';
import { languageWithTag, localized } from '../../components/format.ts';
import { LOCALES } from '../../i18n/i18n.ts';
import { IsolatedCitations } from '../../components/IsolatedCitations.tsx';
import { isAbsenceFinding, type Path, readPath } from './draft.model.ts';
import { elementLabel } from './FindingsChecklist.tsx';
import {
  CheckField,
  DateField,
  LongTextField,
  MultiSelectField,
  NumberField,
  type Option,
  SelectField,
  TextField,
  useDraftForm,
  YesNoField,
} from './fields.tsx';
import { timeZoneOptions } from '../../components/time-zones.ts';
import {
  ElementStatusContext,
  GroupElementContext,
  MarksShownContext,
  RequiredMark,
  useIsRequired,
} from './required-mark.tsx';

const CONVENTION_OFFENCE_ARTICLES = [7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17] as const;

function Section({ title, children }: { title: ReactNode; children: ReactNode }) {
  const id = useId();
  return (
    <Paper component="section" aria-labelledby={id} withBorder p="sm">
      <Title order={2} size="h4" id={id} mb="xs">
        {title}
      </Title>
      <Stack gap="sm">{children}</Stack>
    </Paper>
  );
}

/** A finding's path names a field of the form (not an element, not a whole row of a list). */
function isSaidAtItsField(path: string): boolean {
  return !isElementId(path) && !path.endsWith(']');
}

/**
 * The group of fields of one element; `id` lets the checklist jump here. A required element is
 * marked (an asterisk, and "required" for screen readers); what the checklist finds about the
 * element is also shown under its fields and tied to the group (aria-describedby, aria-invalid
 * when it blocks), not only in the checklist (WCAG 3.3.1).
 */
function ElementGroup({
  element,
  legend,
  children,
}: {
  element: ElementId;
  legend?: string;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const { isReadOnly } = useDraftForm();
  const status = useContext(ElementStatusContext).get(element);
  const isShowingAbsences = useContext(AbsencesShownContext);
  const findings =
    status && status.state !== 'complete'
      ? status.findings.filter((finding) => isShowingAbsences || !isAbsenceFinding(finding))
      : [];
  const isBlocking = findings.some((finding) => finding.severity === 'blocking');
  // A finding about one field (`preservationDays`, `identifiers[0].observedAt`) is said under that
  // field where the form shows it (fields.tsx): listed here again it would be said twice. A read-only
  // request hides its empty fields, so there the group lists every finding.
  const listed = isReadOnly ? findings : findings.filter((finding) => !isSaidAtItsField(finding.element));
  const findingsId = `el-${element}-findings`;
  const findingList =
    listed.length > 0 ? (
      <List size="sm" id={findingsId} data-testid="field-findings" aria-label={t('a11y.fieldFindings')}>
        {listed.map((finding, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the findings of one element, in order.
          <List.Item key={index} c={finding.severity === 'blocking' ? 'red.9' : 'var(--comity-amber)'}>
            <IsolatedCitations text={finding.message} />
          </List.Item>
        ))}
      </List>
    ) : null;
  const describedBy = findingList ? findingsId : undefined;
  const isRequired = useIsRequired(element);
  if (!legend) {
    return (
      <GroupElementContext.Provider value={element}>
        <div id={`el-${element}`} data-anchor data-required={isRequired || undefined}>
          <Stack gap="xs">
            {children}
            {findingList}
          </Stack>
        </div>
      </GroupElementContext.Provider>
    );
  }
  return (
    <Fieldset
      id={`el-${element}`}
      data-anchor
      legend={
        <>
          {legend}
          <RequiredMark element={element} />
        </>
      }
      variant="filled"
      p="xs"
      aria-describedby={describedBy}
      aria-invalid={isBlocking || undefined}
      data-required={isRequired || undefined}
    >
      <Stack gap="xs">
        {children}
        {findingList}
      </Stack>
    </Fieldset>
  );
}

/** A hint to the drafter; a read-only request leaves it out (its reader did not write it). */
function DraftingHelp({ size = 'sm', children }: { size?: 'xs' | 'sm'; children: ReactNode }) {
  const { isReadOnly } = useDraftForm();
  if (isReadOnly) return null;
  return (
    <Text size={size} c="gray.7">
      {children}
    </Text>
  );
}

/**
 * Whether an element's group says that the element is not there yet: not on a new draft before
 * its first save, where the checklist lists what is left to write (DraftPage provides it).
 */
export const AbsencesShownContext = createContext(true);

/** The first field of a row (a `fieldset` of the list), or nothing. */
function firstFieldOf(row: Element | undefined): HTMLElement | null {
  return row?.querySelector<HTMLElement>('input:not([type="hidden"]), textarea, select, button') ?? null;
}

/**
 * Rows of a list field (offences, persons, identifiers, property) with add and remove buttons. The
 * focus follows what the person did: into the first field of a row added; after a removal, into
 * the row that took its place, else the one before it, else onto the add button.
 */
function RowList({
  path,
  itemLabel,
  addLabel,
  newItem,
  renderRow,
}: {
  path: Path;
  itemLabel: (index: number) => string;
  addLabel: string;
  newItem: () => Record<string, unknown>;
  renderRow: (rowPath: Path, index: number) => ReactNode;
}) {
  const { t } = useTranslation();
  const { content, update, isReadOnly } = useDraftForm();
  const rows = readPath(content, path);
  const list = Array.isArray(rows) ? rows : [];
  const container = useRef<HTMLDivElement>(null);
  const addButton = useRef<HTMLButtonElement>(null);
  // The row to focus once the list has its new length: [row index, the length that shows it].
  const focusAfter = useRef<readonly [number, number] | undefined>(undefined);
  useEffect(() => {
    const pending = focusAfter.current;
    if (!pending || list.length !== pending[1]) return;
    focusAfter.current = undefined;
    const rowsShown = container.current?.querySelectorAll(':scope > fieldset') ?? [];
    const target = firstFieldOf(rowsShown[Math.min(pending[0], rowsShown.length - 1)]);
    (target ?? addButton.current)?.focus();
  });
  return (
    <Stack gap="xs" ref={container}>
      {list.map((_row, index) => (
        <Fieldset
          // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place and have no identity.
          key={index}
          legend={itemLabel(index)}
          p="xs"
        >
          <Stack gap="xs">
            {renderRow([...path, index], index)}
            {isReadOnly ? null : (
              <Group justify="flex-end">
                <Button
                  size="compact-sm"
                  variant="subtle"
                  color="red"
                  c="red.9"
                  onClick={() => {
                    focusAfter.current = [index, list.length - 1];
                    update(
                      path,
                      list.filter((_item, position) => position !== index),
                    );
                  }}
                  aria-label={t('common.removeItem', { item: itemLabel(index) })}
                >
                  {t('common.remove')}
                </Button>
              </Group>
            )}
          </Stack>
        </Fieldset>
      ))}
      {isReadOnly ? null : (
        <Group>
          <Button
            ref={addButton}
            size="compact-sm"
            variant="light"
            onClick={() => {
              focusAfter.current = [list.length, list.length + 1];
              update(path, [...list, newItem()]);
            }}
          >
            {addLabel}
          </Button>
        </Group>
      )}
    </Stack>
  );
}

function useStateOptions(states: readonly StateSummary[] | undefined): Option[] {
  const { i18n } = useTranslation();
  return useMemo(
    () =>
      (states ?? [])
        .map((state) => ({ value: state.code, label: `${localized(state.names)} (${state.code})` }))
        .sort((a, b) => a.label.localeCompare(b.label, i18n.language)),
    [states, i18n.language],
  );
}

function languageOptions(language: string, extra: readonly string[]): Option[] {
  const names = new Intl.DisplayNames([language], { type: 'language' });
  const tags = [...new Set([...LOCALES, ...extra])];
  return tags.map((tag) => {
    let name = tag;
    try {
      name = names.of(tag) ?? tag;
    } catch {
      // An invalid tag stays as it is.
    }
    return { value: tag, label: `${name} (${tag})` };
  });
}

export type DraftFormProps = Readonly<{
  catalogue: Catalogue | undefined;
  states: readonly StateSummary[] | undefined;
  shown: ReadonlySet<ElementId>;
}>;

export function DraftForm({ catalogue, states, shown }: DraftFormProps) {
  const { t, i18n } = useTranslation();
  const { content, isReadOnly } = useDraftForm();
  const stateOptions = useStateOptions(states);
  const zones = useMemo(() => timeZoneOptions(i18n.language), [i18n.language]);
  const requestedState = states?.find((state) => state.code === content.requestedAuthority?.state);
  // The requested State's node for this type's authority, with the languages it declares it reads.
  const channel = catalogue?.requestTypes.find((type) => type.id === content.type)?.channel;
  const receivingNode = requestedState?.nodes.find((node) => node.authority === channel);
  const languages = useMemo(
    () =>
      languageOptions(i18n.language, [
        ...(requestedState?.acceptedLanguages ?? []),
        ...(receivingNode?.acceptedLanguages ?? []),
      ]),
    [i18n.language, requestedState, receivingNode],
  );
  const namedLanguages = (tags: readonly string[]) => tags.map(languageWithTag).join(', ');
  const notifiedLanguages = requestedState?.acceptedLanguages ?? [];
  const has = (element: ElementId) => shown.has(element);
  const option = (prefix: string, values: readonly string[]): Option[] =>
    values.map((value) => ({ value, label: t(`${prefix}.${value}`) }));
  const offenceOptions: Option[] = CONVENTION_OFFENCE_ARTICLES.map((article) => ({
    value: String(article),
    label: `${t('common.article', { article })} — ${offenceTitle(catalogue, article)}`,
  }));
  const typeOptions: Option[] = REQUEST_TYPE_IDS.map((type) => ({
    value: type,
    label: requestTypeTitle(catalogue, type),
  }));

  const authorityFields = (base: 'requestingAuthority' | 'requestedAuthority') => (
    <SimpleGrid cols={{ base: 1, md: 3 }} spacing="xs">
      <SelectField
        path={[base, 'state']}
        label={t('draft.field.state')}
        options={stateOptions}
        isSearchable
      />
      <TextField path={[base, 'name']} label={t('draft.field.authorityName')} />
      <TextField
        path={[base, 'contact']}
        label={t('draft.field.contact')}
        description={base === 'requestingAuthority' ? t('lawyer.contactLineHelp') : undefined}
      />
    </SimpleGrid>
  );
  /** A person to call back, one field each (phone, e-mail, hours and their zone, how to reply). */
  // Two columns, not three: a time zone reads "United States — Indianapolis (UTC-05:00)", whole.
  const contactFields = (base: Path, nameLabel: string) => (
    <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xs">
      <TextField path={[...base, 'name']} label={nameLabel} />
      {/* The forms the contact check accepts: an international number (said under the field, where it
          stays while typing) and an e-mail address (an example). */}
      <TextField path={[...base, 'phone']} label={t('lawyer.phone')} description={t('lawyer.phoneHelp')} />
      <TextField path={[...base, 'email']} label={t('lawyer.email')} placeholder="name@example.org" />
      <TextField
        path={[...base, 'officeHours']}
        label={t('lawyer.officeHours')}
        placeholder={t('lawyer.officeHoursExample')}
      />
      <SelectField path={[...base, 'timeZone']} label={t('lawyer.timeZone')} options={zones} isSearchable />
      <SelectField
        path={[...base, 'preferredReply']}
        label={t('lawyer.preferredReply')}
        options={option('lawyer.replyMeans', REPLY_MEANS)}
      />
    </SimpleGrid>
  );

  return (
    // A read-only request has no note on asterisks, and no asterisks: its reader does not fill it in.
    <MarksShownContext.Provider value={!isReadOnly}>
      <Stack gap="md">
        {isReadOnly ? null : (
          <Text className="required-note" data-testid="required-note">
            {t('a11y.requiredNote')}
          </Text>
        )}
        <Section title={t('draft.section.authorities')}>
          <ElementGroup
            element="requesting-authority"
            legend={elementLabel('requesting-authority', catalogue, content.type)}
          >
            {authorityFields('requestingAuthority')}
            <Fieldset legend={t('lawyer.contactDetails')} p="xs">
              {contactFields(['requestingAuthority', 'contactDetails'], t('lawyer.contactName'))}
            </Fieldset>
          </ElementGroup>
          <ElementGroup
            element="requested-authority"
            legend={elementLabel('requested-authority', catalogue, content.type)}
          >
            {authorityFields('requestedAuthority')}
            <Fieldset legend={t('lawyer.requestedContactDetails')} p="xs">
              {contactFields(['requestedAuthority', 'contactDetails'], t('lawyer.contactName'))}
            </Fieldset>
            {requestedState && !isReadOnly ? (
              <Text size="xs" c="gray.7" data-testid="requested-state-languages">
                {t('draft.acceptedLanguages', {
                  languages:
                    notifiedLanguages.length > 0
                      ? namedLanguages(notifiedLanguages)
                      : t('directory.notNotified'),
                })}
                {notifiedLanguages.length === 0 && receivingNode && receivingNode.acceptedLanguages.length > 0
                  ? ` ${t('draft.nodeLanguages', { languages: namedLanguages(receivingNode.acceptedLanguages) })}`
                  : null}
              </Text>
            ) : null}
          </ElementGroup>
        </Section>

        <Section title={t('draft.section.case')}>
          <ElementGroup element="case-reference">
            <TextField isElement path={['caseReference']} label={t('element.case-reference')} />
          </ElementGroup>
          {has('request-date') ? (
            <ElementGroup element="request-date">
              <DateField
                isElement
                path={['requestDate']}
                label={elementLabel('request-date', catalogue, content.type)}
              />
            </ElementGroup>
          ) : null}
          {has('extension') ? (
            <ElementGroup element="extension" legend={t('element.extension')}>
              <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xs">
                <SelectField
                  path={['extension', 'isExtension']}
                  label={t('lawyer.requestKind')}
                  placeholder={t('common.notStated')}
                  options={[
                    { value: 'new', label: t('lawyer.newRequest') },
                    { value: 'extension', label: t('lawyer.extensionRequest') },
                  ]}
                  toValue={(stored) => (stored === true ? 'extension' : stored === false ? 'new' : null)}
                  fromValue={(selected) =>
                    selected === 'extension' ? true : selected === 'new' ? false : undefined
                  }
                />
                {content.extension?.isExtension === true ? (
                  <TextField path={['extension', 'earlierReference']} label={t('lawyer.earlierReference')} />
                ) : null}
              </SimpleGrid>
            </ElementGroup>
          ) : null}
          {has('subject-matter') ? (
            <ElementGroup element="subject-matter">
              <LongTextField isElement path={['subjectMatter']} label={t('element.subject-matter')} />
            </ElementGroup>
          ) : null}
          {has('conducting-authority') ? (
            <ElementGroup element="conducting-authority" legend={t('element.conducting-authority')}>
              <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xs">
                <TextField path={['conductingAuthority', 'name']} label={t('draft.field.authorityName')} />
                <TextField path={['conductingAuthority', 'functions']} label={t('draft.field.functions')} />
              </SimpleGrid>
            </ElementGroup>
          ) : null}
          {has('verification-contact') ? (
            <ElementGroup element="verification-contact" legend={t('element.verification-contact')}>
              <DraftingHelp size="xs">{t('lawyer.verificationHelp')}</DraftingHelp>
              {contactFields(['verificationContact'], t('lawyer.personName'))}
            </ElementGroup>
          ) : null}
          {has('validating-authority') ? (
            <ElementGroup element="validating-authority" legend={t('element.validating-authority')}>
              <DraftingHelp size="xs">{t('lawyer.validatingHelp')}</DraftingHelp>
              <SimpleGrid cols={{ base: 1, md: 3 }} spacing="xs">
                <TextField path={['validatingAuthority', 'name']} label={t('draft.field.authorityName')} />
                <TextField
                  path={['validatingAuthority', 'decisionReference']}
                  label={t('lawyer.decisionReference')}
                />
                <DateField path={['validatingAuthority', 'decisionDate']} label={t('lawyer.decisionDate')} />
              </SimpleGrid>
            </ElementGroup>
          ) : null}
          {has('assistance-kinds') ? (
            <ElementGroup element="assistance-kinds">
              <MultiSelectField
                isElement
                path={['assistanceKinds']}
                label={t('element.assistance-kinds')}
                description={t('lawyer.assistanceKindsHelp')}
                options={option('lawyer.assistanceKind', ASSISTANCE_KINDS)}
              />
            </ElementGroup>
          ) : null}
          {has('related-request') ? (
            <ElementGroup element="related-request" legend={t('element.related-request')}>
              {/* The type's title is long ("Expedited disclosure of preserved traffic data"): it
                gets the wider column, so the chosen value reads whole. */}
              <Grid gap="xs">
                <Grid.Col span={{ base: 12, md: 4 }}>
                  <TextField path={['relatedRequest', 'reference']} label={t('draft.field.reference')} />
                </Grid.Col>
                <Grid.Col span={{ base: 12, md: 8 }}>
                  <SelectField
                    path={['relatedRequest', 'type']}
                    label={t('draft.field.requestType')}
                    options={typeOptions}
                  />
                </Grid.Col>
              </Grid>
            </ElementGroup>
          ) : null}
        </Section>

        {has('offences') || has('summary-of-facts') ? (
          <Section title={t('draft.section.offences')}>
            {has('offences') ? (
              <ElementGroup element="offences" legend={t('element.offences')}>
                <DraftingHelp>{t('draft.offencesHelp')}</DraftingHelp>
                <RowList
                  path={['offences']}
                  itemLabel={(index) => t('draft.offenceN', { n: index + 1 })}
                  addLabel={t('draft.addOffence')}
                  newItem={() => ({})}
                  renderRow={(row) => (
                    <>
                      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xs">
                        <SelectField
                          path={[...row, 'conventionArticle']}
                          label={t('draft.field.conventionArticle')}
                          options={offenceOptions}
                          toValue={(stored) => (typeof stored === 'number' ? String(stored) : null)}
                          fromValue={(selected) => (selected ? Number(selected) : undefined)}
                        />
                        <TextField
                          path={[...row, 'domesticProvision']}
                          label={t('draft.field.domesticProvision')}
                        />
                        <NumberField
                          path={[...row, 'maximumPenaltyYears']}
                          label={t('draft.field.maximumPenaltyYears')}
                          min={0}
                          max={1000}
                          allowDecimal
                        />
                        <CheckField
                          path={[...row, 'isLifeImprisonment']}
                          label={t('draft.field.isLifeImprisonment')}
                        />
                      </SimpleGrid>
                      <LongTextField path={[...row, 'description']} label={t('draft.field.description')} />
                    </>
                  )}
                />
              </ElementGroup>
            ) : null}
            {has('summary-of-facts') ? (
              <ElementGroup element="summary-of-facts">
                <LongTextField isElement path={['summaryOfFacts']} label={t('element.summary-of-facts')} />
              </ElementGroup>
            ) : null}
          </Section>
        ) : null}

        {has('persons-concerned') || has('person-sought') ? (
          <Section title={t('draft.section.persons')}>
            <ElementGroup
              element={has('person-sought') ? 'person-sought' : 'persons-concerned'}
              legend={t(has('person-sought') ? 'element.person-sought' : 'element.persons-concerned')}
            >
              {has('person-sought') ? <DraftingHelp>{t('draft.personSoughtHelp')}</DraftingHelp> : null}
              <RowList
                path={['persons']}
                itemLabel={(index) => t('draft.personN', { n: index + 1 })}
                addLabel={t('draft.addPerson')}
                newItem={() => (content.type === 'extradition' ? { role: 'person-sought' } : {})}
                renderRow={(row) => (
                  <>
                    <SimpleGrid cols={{ base: 1, md: 3 }} spacing="xs">
                      <SelectField
                        path={[...row, 'role']}
                        label={t('draft.field.role')}
                        options={option('personRole', PERSON_ROLES)}
                      />
                      <TextField path={[...row, 'name']} label={t('draft.field.personName')} />
                      <DateField path={[...row, 'dateOfBirth']} label={t('draft.field.dateOfBirth')} />
                      <SelectField
                        path={[...row, 'nationality']}
                        label={t('draft.field.nationality')}
                        options={stateOptions}
                        isSearchable
                      />
                      <TextField path={[...row, 'location']} label={t('draft.field.location')} />
                      <TextField
                        path={[...row, 'identityDocument']}
                        label={t('draft.field.identityDocument')}
                      />
                    </SimpleGrid>
                    <LongTextField path={[...row, 'description']} label={t('draft.field.description')} />
                  </>
                )}
              />
            </ElementGroup>
          </Section>
        ) : null}

        {has('identifiers') ? (
          <Section
            title={
              <>
                {t('element.identifiers')}
                <RequiredMark element="identifiers" />
              </>
            }
          >
            <ElementGroup element="identifiers">
              <DraftingHelp>{t('draft.identifiersHelp')}</DraftingHelp>
              <RowList
                path={['identifiers']}
                itemLabel={(index) => t('draft.identifierN', { n: index + 1 })}
                addLabel={t('draft.addIdentifier')}
                newItem={() => ({ kind: 'ip-address', value: '' })}
                renderRow={(row) => (
                  <SimpleGrid cols={{ base: 1, md: 3 }} spacing="xs">
                    <SelectField
                      path={[...row, 'kind']}
                      label={t('draft.field.identifierKind')}
                      options={option('identifierKind', IDENTIFIER_KINDS)}
                      isClearable={false}
                    />
                    <TextField path={[...row, 'value']} label={t('draft.field.identifierValue')} />
                    <TextField path={[...row, 'service']} label={t('draft.field.service')} />
                    <NumberField path={[...row, 'port']} label={t('draft.field.port')} min={0} max={65535} />
                    <TextField
                      path={[...row, 'observedAt']}
                      label={t('draft.field.observedAt')}
                      placeholder="2026-03-01T14:05:00"
                    />
                    <SelectField
                      path={[...row, 'timeZone']}
                      label={t('draft.field.timeZone')}
                      options={zones}
                      isSearchable
                    />
                    <TextField path={[...row, 'note']} label={t('draft.field.note')} />
                  </SimpleGrid>
                )}
              />
            </ElementGroup>
          </Section>
        ) : null}

        {has('data-sought') || has('data-relation-to-offence') || has('data-period') || has('custodian') ? (
          <Section title={t('draft.section.data')}>
            {has('data-sought') ? (
              <ElementGroup element="data-sought" legend={t('element.data-sought')}>
                <MultiSelectField
                  path={['dataSought', 'categories']}
                  label={t('draft.field.dataCategories')}
                  options={option('dataCategory', DATA_CATEGORIES)}
                />
                <LongTextField path={['dataSought', 'description']} label={t('draft.field.description')} />
              </ElementGroup>
            ) : null}
            {has('data-relation-to-offence') ? (
              <ElementGroup element="data-relation-to-offence">
                <LongTextField
                  isElement
                  path={['dataSought', 'relationToOffence']}
                  label={t('element.data-relation-to-offence')}
                />
              </ElementGroup>
            ) : null}
            {has('data-period') ? (
              <ElementGroup element="data-period" legend={t('element.data-period')}>
                <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xs">
                  <DateField path={['dataSought', 'period', 'from']} label={t('draft.field.from')} />
                  <DateField path={['dataSought', 'period', 'to']} label={t('draft.field.to')} />
                </SimpleGrid>
                <LongTextField
                  path={['dataSought', 'period', 'justification']}
                  label={t('draft.field.justification')}
                />
              </ElementGroup>
            ) : null}
            {has('custodian') ? (
              <ElementGroup element="custodian" legend={t('element.custodian')}>
                <CheckField path={['custodian', 'isUnknown']} label={t('lawyer.custodianUnknown')} />
                <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xs">
                  <TextField path={['custodian', 'name']} label={t('draft.field.custodianName')} />
                  <SelectField
                    path={['custodian', 'kind']}
                    label={t('draft.field.custodianKind')}
                    options={option('custodianKind', ['service-provider', 'other'])}
                  />
                  <SelectField
                    path={['custodian', 'state']}
                    label={t('draft.field.state')}
                    options={stateOptions}
                    isSearchable
                  />
                  <TextField path={['custodian', 'location']} label={t('draft.field.location')} />
                </SimpleGrid>
              </ElementGroup>
            ) : null}
          </Section>
        ) : null}

        {(
          [
            'assistance-sought',
            'procedure-wished',
            'purpose',
            'necessity',
            'intent-to-request-assistance',
            'preservation-period',
            'collection-period',
          ] as const
        ).some(has) ? (
          <Section title={t('draft.section.measure')}>
            {has('assistance-sought') ? (
              <ElementGroup element="assistance-sought">
                <LongTextField isElement path={['assistanceSought']} label={t('element.assistance-sought')} />
              </ElementGroup>
            ) : null}
            {has('procedure-wished') ? (
              <ElementGroup element="procedure-wished">
                <LongTextField isElement path={['procedureWished']} label={t('element.procedure-wished')} />
              </ElementGroup>
            ) : null}
            {has('purpose') ? (
              <ElementGroup element="purpose">
                <LongTextField isElement path={['purpose']} label={t('element.purpose')} />
              </ElementGroup>
            ) : null}
            {has('necessity') ? (
              <ElementGroup element="necessity">
                <LongTextField isElement path={['necessity']} label={t('element.necessity')} />
              </ElementGroup>
            ) : null}
            {has('preservation-period') ? (
              <ElementGroup element="preservation-period">
                <NumberField
                  isElement
                  path={['preservationDays']}
                  label={t('draft.field.preservationDays')}
                  description={t('draft.field.preservationDaysHelp')}
                  min={1}
                  max={100000}
                />
              </ElementGroup>
            ) : null}
            {has('collection-period') ? (
              <ElementGroup element="collection-period" legend={t('element.collection-period')}>
                <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xs">
                  <DateField path={['collectionPeriod', 'from']} label={t('draft.field.from')} />
                  <DateField path={['collectionPeriod', 'to']} label={t('draft.field.to')} />
                </SimpleGrid>
                <LongTextField
                  path={['collectionPeriod', 'justification']}
                  label={t('draft.field.justification')}
                />
              </ElementGroup>
            ) : null}
            {has('intent-to-request-assistance') ? (
              <ElementGroup element="intent-to-request-assistance">
                <YesNoField
                  isElement
                  path={['intendsFollowUpRequest']}
                  label={t('draft.field.intendsFollowUpRequest')}
                />
              </ElementGroup>
            ) : null}
          </Section>
        ) : null}

        {has('warrant') ? (
          <Section title={t('draft.section.extradition')}>
            <ElementGroup element="warrant" legend={t('element.warrant')}>
              <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xs">
                <SelectField
                  path={['extradition', 'warrant', 'kind']}
                  label={t('draft.field.warrantKind')}
                  options={option('warrantKind', ['arrest-warrant', 'judgment'])}
                />
                <TextField
                  path={['extradition', 'warrant', 'reference']}
                  label={t('draft.field.reference')}
                />
                <TextField path={['extradition', 'warrant', 'issuedBy']} label={t('draft.field.issuedBy')} />
                <DateField path={['extradition', 'warrant', 'date']} label={t('draft.field.date')} />
              </SimpleGrid>
            </ElementGroup>
            <CheckField
              path={['extradition', 'isProvisionalArrestSought']}
              label={t('draft.field.isProvisionalArrestSought')}
            />
            <Fieldset legend={t('draft.field.sentence')} variant="filled" p="xs">
              <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xs">
                <NumberField
                  path={['extradition', 'sentence', 'imposedMonths']}
                  label={t('draft.field.imposedMonths')}
                  min={0}
                />
                <NumberField
                  path={['extradition', 'sentence', 'remainingMonths']}
                  label={t('draft.field.remainingMonths')}
                  min={0}
                />
              </SimpleGrid>
            </Fieldset>
          </Section>
        ) : null}

        {has('confiscation-measure') || has('property') || has('confiscation-order') ? (
          <Section title={t('draft.section.confiscation')}>
            <ElementGroup element="confiscation-measure">
              <SelectField
                isElement
                path={['confiscation', 'measure']}
                label={t('element.confiscation-measure')}
                options={option('confiscationMeasure', [
                  'identify-trace',
                  'freeze-seize',
                  'confiscation-order',
                  'enforce-order',
                ])}
              />
            </ElementGroup>
            <ElementGroup element="property" legend={t('element.property')}>
              <RowList
                path={['confiscation', 'property']}
                itemLabel={(index) => t('draft.propertyN', { n: index + 1 })}
                addLabel={t('draft.addProperty')}
                newItem={() => ({})}
                renderRow={(row) => (
                  <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xs">
                    <TextField path={[...row, 'description']} label={t('draft.field.description')} />
                    <TextField path={[...row, 'location']} label={t('draft.field.location')} />
                    <NumberField
                      path={[...row, 'estimatedValue']}
                      label={t('draft.field.estimatedValue')}
                      min={0}
                      allowDecimal
                    />
                    <TextField
                      path={[...row, 'currency']}
                      label={t('draft.field.currency')}
                      placeholder="EUR"
                    />
                  </SimpleGrid>
                )}
              />
            </ElementGroup>
            <ElementGroup element="confiscation-order" legend={t('element.confiscation-order')}>
              <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xs">
                <TextField path={['confiscation', 'order', 'reference']} label={t('draft.field.reference')} />
                <TextField path={['confiscation', 'order', 'issuedBy']} label={t('draft.field.issuedBy')} />
                <DateField path={['confiscation', 'order', 'date']} label={t('draft.field.date')} />
                <CheckField path={['confiscation', 'order', 'isFinal']} label={t('draft.field.isFinal')} />
              </SimpleGrid>
              <LongTextField
                path={['confiscation', 'thirdPartiesNotice']}
                label={t('draft.field.thirdPartiesNotice')}
              />
            </ElementGroup>
          </Section>
        ) : null}

        {has('participating-states') || has('joint-investigation-period') ? (
          <Section title={t('draft.section.jointInvestigation')}>
            <ElementGroup element="participating-states">
              <MultiSelectField
                isElement
                path={['jointInvestigation', 'participatingStates']}
                label={t('element.participating-states')}
                options={stateOptions}
              />
            </ElementGroup>
            {/* After the group: what the group says of the participating States stands under them,
                not under the legal basis. */}
            <LongTextField path={['jointInvestigation', 'legalBasis']} label={t('draft.field.legalBasis')} />
            <ElementGroup
              element="joint-investigation-period"
              legend={t('element.joint-investigation-period')}
            >
              <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xs">
                <DateField path={['jointInvestigation', 'period', 'from']} label={t('draft.field.from')} />
                <DateField path={['jointInvestigation', 'period', 'to']} label={t('draft.field.to')} />
              </SimpleGrid>
            </ElementGroup>
          </Section>
        ) : null}

        {has('information') || has('conditions-of-use') ? (
          <Section title={t('draft.section.information')}>
            <ElementGroup element="information">
              <LongTextField
                isElement
                path={['information', 'description']}
                label={t('element.information')}
              />
            </ElementGroup>
            <ElementGroup element="conditions-of-use">
              <LongTextField
                isElement
                path={['information', 'conditionsOfUse']}
                label={t('element.conditions-of-use')}
              />
            </ElementGroup>
          </Section>
        ) : null}

        <Section title={t('draft.section.handling')}>
          <ElementGroup element="urgency" legend={t('element.urgency')}>
            <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xs">
              <SelectField
                path={['urgency', 'level']}
                label={t('draft.field.urgencyLevel')}
                options={option('urgencyLevel', URGENCY_LEVELS)}
              />
            </SimpleGrid>
            {content.urgency?.level && content.urgency.level !== 'routine' ? (
              <LongTextField
                path={['urgency', 'justification']}
                label={t('draft.field.urgencyJustification')}
                description={
                  content.urgency.level === 'emergency' ? t('draft.field.emergencyHelp') : undefined
                }
              />
            ) : null}
          </ElementGroup>
          <ElementGroup element="confidentiality" legend={t('element.confidentiality')}>
            <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xs">
              <YesNoField path={['confidentiality', 'isRequired']} label={t('draft.field.isConfidential')} />
              {content.confidentiality?.isRequired ? (
                <DateField path={['confidentiality', 'until']} label={t('draft.field.confidentialUntil')} />
              ) : null}
            </SimpleGrid>
            {content.confidentiality?.isRequired ? (
              <>
                <CheckField
                  path={['confidentiality', 'isUserNotificationBarred']}
                  label={t('draft.field.isUserNotificationBarred')}
                />
                <LongTextField path={['confidentiality', 'reasons']} label={t('draft.field.reasons')} />
              </>
            ) : null}
          </ElementGroup>
          {has('suggested-deadline') ? (
            <ElementGroup element="suggested-deadline" legend={t('element.suggested-deadline')}>
              <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xs">
                <DateField path={['suggestedDeadline', 'date']} label={t('draft.field.date')} />
              </SimpleGrid>
              <LongTextField path={['suggestedDeadline', 'reasons']} label={t('draft.field.reasons')} />
            </ElementGroup>
          ) : null}
          <ElementGroup element="language">
            <SelectField
              isElement
              path={['language']}
              label={t('element.language')}
              description={t('draft.field.languageHelp')}
              options={languages}
              isSearchable
            />
          </ElementGroup>
        </Section>
      </Stack>
    </MarksShownContext.Provider>
  );
}
