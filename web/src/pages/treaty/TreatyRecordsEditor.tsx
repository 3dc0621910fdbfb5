/**
 * Keeping the treaty's records up to date (treaty:edit: an administrator, on the secretariat or a
 * State's node): one record at a time (POST /api/v1/treaty/records), each with its source and the
 * level of its evidence, or many from a CSV file (POST /api/v1/treaty/import, all rows or none,
 * every problem named by its line). The status, the map and the records reload after a change.
 */
import { Button, FileInput, Group, List, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiBody } from '../../../../src/api-client/client.ts';
import { TREATY_ACTIONS } from '../../../../src/core/treaty/treaty-status.ts';
import { answer, api, isApiError } from '../../app/api.ts';
import { LocaleDateInput } from '../../components/DateFields.tsx';
import { fieldErrorsOf } from '../../components/field-errors.ts';
import { takeFocusOnMount } from '../../components/focus-keeper.ts';
import { formatNumber, labelled, stateName } from '../../components/format.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { useStates } from '../../components/reference-data.ts';
import { TitledSection } from '../../components/TitledSection.tsx';

const EVIDENCE_LEVELS = ['primary', 'secondary', 'weak'] as const;

type RecordDraft = {
  stateCode: string;
  action: string;
  date: string;
  dateNote: string;
  source: string;
  evidenceLevel: string;
  evidenceDetail: string;
  note: string;
};

const EMPTY: RecordDraft = {
  stateCode: '',
  action: '',
  date: '',
  dateNote: '',
  source: '',
  evidenceLevel: '',
  evidenceDetail: '',
  note: '',
};

type NewTreatyRecordBody = ApiBody<'/api/v1/treaty/records', 'post'>;

function AddRecordForm({ onAdded }: Readonly<{ onAdded: () => void }>) {
  const { t } = useTranslation();
  const states = useStates();
  const [draft, setDraft] = useState<RecordDraft>(EMPTY);
  const [error, setError] = useState<unknown>(undefined);
  const [isSaving, setIsSaving] = useState(false);
  const [added, setAdded] = useState<string | undefined>(undefined);
  const set = (key: keyof RecordDraft) => (value: string | null) =>
    setDraft({ ...draft, [key]: value ?? '' });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setIsSaving(true);
    setError(undefined);
    setAdded(undefined);
    const detail = draft.evidenceDetail.trim();
    try {
      const record = await answer(
        api.POST('/api/v1/treaty/records', {
          // What is not chosen is left out, so the node says "Fill in this field" of it, not that
          // an empty text is in the wrong format (its schema requires these members).
          body: {
            ...(draft.stateCode ? { stateCode: draft.stateCode } : {}),
            ...(draft.action ? { action: draft.action as (typeof TREATY_ACTIONS)[number] } : {}),
            date: draft.date || null,
            dateNote: draft.dateNote.trim() || null,
            source: draft.source,
            // The node reads the level from the evidence's first word: "secondary (news agency)".
            ...(draft.evidenceLevel
              ? { evidence: detail ? `${draft.evidenceLevel} (${detail})` : draft.evidenceLevel }
              : {}),
            note: draft.note.trim() || null,
          } as NewTreatyRecordBody,
        }),
      );
      setAdded(
        t('treatyEdit.added', {
          state: stateName(states.data, record.stateCode),
          action: t(`treatyAction.${record.action}`),
        }),
      );
      setDraft(EMPTY);
      onAdded();
    } catch (caught) {
      setError(caught);
    } finally {
      setIsSaving(false);
    }
  };
  const fieldErrors = fieldErrorsOf(error);
  /** A field's id, label, help and error, the error found at the record's property of `key`. */
  const fieldOf = (key: keyof RecordDraft, label: string, help?: string, pointer = `/${key}`) => ({
    id: `treaty-${key}`,
    label: t(`treatyEdit.${label}`),
    ...(help ? { description: t(`treatyEdit.${help}`) } : {}),
    error: fieldErrors.get(pointer),
  });
  /** A text field's value and change, for `key`. */
  const textOf = (key: keyof RecordDraft) => ({
    value: draft[key],
    onChange: (event: { currentTarget: { value: string } }) => set(key)(event.currentTarget.value),
  });
  const stateOptions = (states.data ?? [])
    .map((state) => ({ value: state.code, label: `${stateName(states.data, state.code)} (${state.code})` }))
    .sort((a, b) => a.label.localeCompare(b.label));
  return (
    <form onSubmit={submit} noValidate aria-labelledby="treaty-add-title">
      <Text id="treaty-add-title" fw={600} mb="xs">
        {t('treatyEdit.addTitle')}
      </Text>
      <Stack gap="sm">
        <Group align="flex-start" wrap="wrap">
          <Select
            {...fieldOf('stateCode', 'state')}
            data={stateOptions}
            value={draft.stateCode || null}
            onChange={set('stateCode')}
            searchable
            nothingFoundMessage={t('common.nothingFound')}
            required
            w={{ base: '100%', sm: 280 }}
          />
          <Select
            {...fieldOf('action', 'action')}
            data={TREATY_ACTIONS.map((action) => ({ value: action, label: t(`treatyAction.${action}`) }))}
            value={draft.action || null}
            onChange={set('action')}
            required
            w={{ base: '100%', sm: 280 }}
          />
          <LocaleDateInput
            {...fieldOf('date', 'date', 'dateHelp')}
            value={draft.date}
            onChange={set('date')}
            w={{ base: '100%', sm: 220 }}
          />
        </Group>
        <TextInput {...fieldOf('dateNote', 'dateNote', 'dateNoteHelp')} {...textOf('dateNote')} />
        <TextInput {...fieldOf('source', 'source', 'sourceHelp')} {...textOf('source')} required />
        <Group align="flex-start" wrap="wrap">
          <Select
            {...fieldOf('evidenceLevel', 'evidenceLevel', undefined, '/evidence')}
            data={EVIDENCE_LEVELS.map((level) => ({ value: level, label: t(`treatyEdit.level.${level}`) }))}
            value={draft.evidenceLevel || null}
            onChange={set('evidenceLevel')}
            required
            w={{ base: '100%', sm: 360 }}
          />
          <TextInput
            {...fieldOf('evidenceDetail', 'evidenceDetail', 'evidenceDetailHelp')}
            {...textOf('evidenceDetail')}
            style={{ flex: 1, minWidth: 220 }}
          />
        </Group>
        <Textarea {...fieldOf('note', 'note')} {...textOf('note')} autosize minRows={2} />
        <ProblemAlert
          error={error}
          title={t('treatyEdit.addFailed')}
          fields={{
            '/stateCode': { label: t('treatyEdit.state'), id: 'treaty-stateCode' },
            '/action': { label: t('treatyEdit.action'), id: 'treaty-action' },
            '/date': { label: t('treatyEdit.date'), id: 'treaty-date' },
            '/dateNote': { label: t('treatyEdit.dateNote'), id: 'treaty-dateNote' },
            '/source': { label: t('treatyEdit.source'), id: 'treaty-source' },
            '/evidence': { label: t('treatyEdit.evidenceLevel'), id: 'treaty-evidenceLevel' },
            '/note': { label: t('treatyEdit.note'), id: 'treaty-note' },
          }}
        />
        {added ? (
          <Text
            role="status"
            c="teal.9"
            fw={600}
            ref={takeFocusOnMount}
            tabIndex={-1}
            data-testid="treaty-added"
          >
            {added}
          </Text>
        ) : null}
        <Group>
          <Button type="submit" loading={isSaving} data-testid="treaty-add">
            {t('treatyEdit.add')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The lines of an import the node refused, each with its line number (the node's English words). */
function RejectedLines({ error }: Readonly<{ error: unknown }>) {
  const { t } = useTranslation();
  if (!isApiError(error) || error.code !== 'import-rejected') return null;
  const items = error.problem.errors ?? [];
  return (
    <List size="sm" data-testid="treaty-import-lines" lang="en" dir="ltr">
      {items.map((item, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: problems have no identity beyond their position.
        <List.Item key={index}>
          {item.line === undefined ? null : labelled(t('treatyEdit.line', { line: item.line }), '')}
          {item.message}
        </List.Item>
      ))}
    </List>
  );
}

function ImportForm({ onImported }: Readonly<{ onImported: () => void }>) {
  const { t } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [isSaving, setIsSaving] = useState(false);
  const [imported, setImported] = useState<number | undefined>(undefined);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setIsSaving(true);
    setError(undefined);
    setImported(undefined);
    try {
      const text = await file.text();
      const result = await answer(
        api.POST('/api/v1/treaty/import', {
          body: text,
          bodySerializer: (body: string) => body,
          headers: { 'content-type': 'text/csv' },
        }),
      );
      setImported(result.inserted);
      setFile(null);
      onImported();
    } catch (caught) {
      setError(caught);
    } finally {
      setIsSaving(false);
    }
  };
  return (
    <form onSubmit={submit} noValidate aria-labelledby="treaty-import-title">
      <Text id="treaty-import-title" fw={600} mb="xs">
        {t('treatyEdit.importTitle')}
      </Text>
      <Stack gap="sm">
        <Text size="sm" c="gray.7">
          {t('treatyEdit.importHelp')}
        </Text>
        <FileInput
          id="treaty-import-file"
          label={t('treatyEdit.file')}
          accept=".csv,text/csv"
          value={file}
          onChange={setFile}
          clearable
          w={{ base: '100%', sm: 420 }}
          data-testid="treaty-import-file"
        />
        <ProblemAlert error={error} title={t('treatyEdit.importFailed')} />
        <RejectedLines error={error} />
        {imported === undefined ? null : (
          <Text
            role="status"
            c="teal.9"
            fw={600}
            ref={takeFocusOnMount}
            tabIndex={-1}
            data-testid="treaty-imported"
          >
            {t('treatyEdit.imported', { number: formatNumber(imported) })}
          </Text>
        )}
        <Group>
          <Button
            type="submit"
            variant="default"
            loading={isSaving}
            disabled={!file}
            data-testid="treaty-import"
          >
            {t('treatyEdit.import')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function TreatyRecordsEditor({ onChanged }: Readonly<{ onChanged: () => void }>) {
  const { t } = useTranslation();
  return (
    <TitledSection id="treaty-edit-title" title={t('treatyEdit.title')}>
      <Text size="sm" c="gray.7" mb="sm">
        {t('treatyEdit.intro')}
      </Text>
      <Stack gap="lg">
        <AddRecordForm onAdded={onChanged} />
        <ImportForm onImported={onChanged} />
      </Stack>
    </TitledSection>
  );
}
