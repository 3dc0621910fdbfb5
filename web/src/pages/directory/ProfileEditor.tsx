/**
 * An administrator's editor of a State's profile (PUT /api/v1/states/{code}/profile): the three
 * designated authorities with their source and evidence level, accepted languages, time zone,
 * service level and a note. Declarations are kept as they are (they are listed, not edited here).
 */
import {
  Button,
  Checkbox,
  Fieldset,
  Group,
  List,
  Loader,
  Modal,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  TagsInput,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { EVIDENCE_LEVELS } from '../../../../src/core/directory/state-profile.ts';
import type { Designation, StateProfile } from '../../../../src/core/directory/state-profile.ts';
import { answer, api, type StateSummary } from '../../app/api.ts';
import { citationText, labelled, localized } from '../../components/format.ts';
import { type FieldReference, ProblemAlert } from '../../components/ProblemAlert.tsx';
import { fieldErrorsOf } from '../../components/field-errors.ts';
import { timeZoneOptions } from '../../components/time-zones.ts';

const DESIGNATION_KINDS = ['centralAuthority', 'pointOfContact', 'extraditionAuthority'] as const;
type DesignationKind = (typeof DESIGNATION_KINDS)[number];

type DesignationDraft = { [K in keyof Designation]?: string };

type ProfileDraft = {
  designations: Record<DesignationKind, DesignationDraft | undefined>;
  acceptedLanguages: string[];
  acceptedLanguagesSource: string;
  timeZone: string | null;
  acknowledgeWithinHours: number | undefined;
  note: string;
};

function toDraft(profile: StateProfile): ProfileDraft {
  return {
    designations: {
      centralAuthority: profile.centralAuthority ? { ...profile.centralAuthority } : undefined,
      pointOfContact: profile.pointOfContact ? { ...profile.pointOfContact } : undefined,
      extraditionAuthority: profile.extraditionAuthority ? { ...profile.extraditionAuthority } : undefined,
    },
    acceptedLanguages: [...(profile.acceptedLanguages ?? [])],
    acceptedLanguagesSource: profile.acceptedLanguagesSource ?? '',
    timeZone: profile.timeZone ?? null,
    acknowledgeWithinHours: profile.serviceLevel?.acknowledgeWithinHours,
    note: profile.note ?? '',
  };
}

function trimmedEntries(value: DesignationDraft): Record<string, string> {
  return Object.fromEntries(
    Object.entries(value)
      .map(([key, text]) => [key, (text ?? '').trim()] as const)
      .filter(([, text]) => text !== ''),
  );
}

/** The profile to send: empty fields left out, so "not known" stays absent. */
function toProfile(draft: ProfileDraft, original: StateProfile): StateProfile {
  const profile: Record<string, unknown> = { declarations: original.declarations };
  for (const kind of DESIGNATION_KINDS) {
    const designation = draft.designations[kind];
    if (designation) profile[kind] = trimmedEntries(designation);
  }
  if (draft.acceptedLanguages.length > 0) profile.acceptedLanguages = draft.acceptedLanguages;
  if (draft.acceptedLanguagesSource.trim())
    profile.acceptedLanguagesSource = draft.acceptedLanguagesSource.trim();
  if (draft.timeZone) profile.timeZone = draft.timeZone;
  if (draft.acknowledgeWithinHours !== undefined) {
    profile.serviceLevel = { acknowledgeWithinHours: draft.acknowledgeWithinHours };
  }
  if (draft.note.trim()) profile.note = draft.note.trim();
  return profile as StateProfile;
}

const DESIGNATION_FIELDS = [
  'name',
  'unit',
  'address',
  'phone',
  'email',
  'hours',
  'source',
  'evidence',
] as const;

/** The editor's fields by the JSON pointer the node names them with, for the error summary. */
function profileFields(t: TFunction): Record<string, FieldReference> {
  const fields: Record<string, FieldReference> = {
    '/acceptedLanguages': { label: t('directory.acceptedLanguages'), id: 'profile-accepted-languages' },
    '/acceptedLanguagesSource': {
      label: t('directory.field.languagesSource'),
      id: 'profile-languages-source',
    },
    '/timeZone': { label: t('directory.timeZone'), id: 'profile-time-zone' },
    '/serviceLevel/acknowledgeWithinHours': {
      label: t('directory.field.acknowledgeWithinHours'),
      id: 'profile-acknowledge-hours',
    },
    '/note': { label: t('directory.field.note'), id: 'profile-note' },
  };
  for (const kind of DESIGNATION_KINDS) {
    for (const name of DESIGNATION_FIELDS) {
      fields[`/${kind}/${name}`] = {
        label: labelled(t(`directory.${kind}`), t(`directory.field.${name}`)),
        id: `profile-${kind}-${name}`,
      };
    }
  }
  return fields;
}

export function ProfileEditor({
  state,
  onClose,
  onSaved,
}: {
  state: StateSummary;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t, i18n } = useTranslation();
  const [original, setOriginal] = useState<StateProfile | undefined>(undefined);
  const [draft, setDraft] = useState<ProfileDraft | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [isSaving, setIsSaving] = useState(false);
  const zones = useMemo(() => timeZoneOptions(i18n.language), [i18n.language]);

  useEffect(() => {
    answer(api.GET('/api/v1/states/{code}', { params: { path: { code: state.code } } }))
      .then((detail) => {
        setOriginal(detail.profile);
        setDraft(toDraft(detail.profile));
      })
      .catch(setError);
  }, [state.code]);

  const setDesignation = (kind: DesignationKind, value: DesignationDraft | undefined) =>
    setDraft((current) =>
      current ? { ...current, designations: { ...current.designations, [kind]: value } } : current,
    );

  const save = async () => {
    if (!draft || !original) return;
    setIsSaving(true);
    setError(undefined);
    try {
      await answer(
        api.PUT('/api/v1/states/{code}/profile', {
          params: { path: { code: state.code } },
          body: toProfile(draft, original),
        }),
      );
      onSaved();
    } catch (failure) {
      setError(failure);
    } finally {
      setIsSaving(false);
    }
  };

  const fieldErrors = fieldErrorsOf(error);
  return (
    <Modal
      opened
      onClose={onClose}
      size="xl"
      title={t('directory.editTitle', { name: localized(state.names) })}
      closeButtonProps={{ 'aria-label': t('common.close') }}
    >
      {!draft || !original ? (
        error ? (
          <ProblemAlert error={error} />
        ) : (
          <Loader aria-label={t('common.loading')} />
        )
      ) : (
        <Stack gap="sm">
          {DESIGNATION_KINDS.map((kind) => {
            const designation = draft.designations[kind];
            const field = (name: keyof Designation, label: string) => (
              <TextInput
                id={`profile-${kind}-${name}`}
                error={fieldErrors.get(`/${kind}/${name}`)}
                label={label}
                value={designation?.[name] ?? ''}
                onChange={(event) =>
                  setDesignation(kind, { ...designation, [name]: event.currentTarget.value })
                }
                required={name === 'name' || name === 'source'}
              />
            );
            return (
              <Fieldset key={kind} legend={t(`directory.${kind}`)} p="xs">
                <Checkbox
                  label={t('directory.isDesignated')}
                  checked={designation !== undefined}
                  onChange={(event) =>
                    setDesignation(kind, event.currentTarget.checked ? { evidence: 'primary' } : undefined)
                  }
                  mb="xs"
                />
                {designation ? (
                  <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
                    {field('name', t('directory.field.name'))}
                    {field('unit', t('directory.field.unit'))}
                    {field('address', t('directory.field.address'))}
                    {field('phone', t('directory.field.phone'))}
                    {field('email', t('directory.field.email'))}
                    {field('hours', t('directory.field.hours'))}
                    {field('source', t('directory.field.source'))}
                    <Select
                      id={`profile-${kind}-evidence`}
                      error={fieldErrors.get(`/${kind}/evidence`)}
                      label={t('directory.field.evidence')}
                      data={EVIDENCE_LEVELS.map((level) => ({ value: level, label: t(`evidence.${level}`) }))}
                      value={designation.evidence ?? null}
                      onChange={(value) =>
                        setDesignation(kind, { ...designation, evidence: value ?? undefined })
                      }
                      allowDeselect={false}
                      required
                    />
                  </SimpleGrid>
                ) : null}
              </Fieldset>
            );
          })}
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
            <TagsInput
              id="profile-accepted-languages"
              error={fieldErrors.get('/acceptedLanguages')}
              label={t('directory.acceptedLanguages')}
              description={t('directory.acceptedLanguagesHelp')}
              value={draft.acceptedLanguages}
              onChange={(value) => setDraft({ ...draft, acceptedLanguages: value })}
            />
            <TextInput
              id="profile-languages-source"
              error={fieldErrors.get('/acceptedLanguagesSource')}
              label={t('directory.field.languagesSource')}
              value={draft.acceptedLanguagesSource}
              onChange={(event) => setDraft({ ...draft, acceptedLanguagesSource: event.currentTarget.value })}
            />
            <Select
              id="profile-time-zone"
              error={fieldErrors.get('/timeZone')}
              label={t('directory.timeZone')}
              data={zones}
              value={draft.timeZone}
              onChange={(value) => setDraft({ ...draft, timeZone: value })}
              searchable
              clearable
              nothingFoundMessage={t('common.nothingFound')}
            />
            <NumberInput
              id="profile-acknowledge-hours"
              error={fieldErrors.get('/serviceLevel/acknowledgeWithinHours')}
              label={t('directory.field.acknowledgeWithinHours')}
              value={draft.acknowledgeWithinHours ?? ''}
              onChange={(value) =>
                setDraft({ ...draft, acknowledgeWithinHours: typeof value === 'number' ? value : undefined })
              }
              min={1}
              max={720}
              allowDecimal={false}
            />
          </SimpleGrid>
          <Textarea
            id="profile-note"
            error={fieldErrors.get('/note')}
            label={t('directory.field.note')}
            value={draft.note}
            onChange={(event) => setDraft({ ...draft, note: event.currentTarget.value })}
            autosize
            minRows={2}
          />
          {original.declarations.length > 0 ? (
            <Fieldset legend={t('directory.declarations')} p="xs">
              <List size="sm">
                {original.declarations.map((declaration, index) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: declarations are an ordered list without ids.
                  <List.Item key={index}>
                    {t(`directory.declarationKind.${declaration.kind}`)} (
                    {citationText(declaration.article, declaration.paragraph)}
                    ): <span lang="en">{declaration.summary}</span>
                  </List.Item>
                ))}
              </List>
              <Text size="xs" c="gray.7">
                {t('directory.declarationsKept')}
              </Text>
            </Fieldset>
          ) : null}
          <ProblemAlert error={error} fields={profileFields(t)} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button onClick={() => void save()} loading={isSaving}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
