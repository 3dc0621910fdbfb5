/**
 * The draft screen: choose the type, fill the guided form, watch the checklist turn green, save,
 * and open the formal document. Saving sends the revision the user edited, so two people editing
 * the same draft get a conflict instead of overwriting each other.
 */
import { Alert, Button, Grid, Group, Select, Stack, Switch, Text } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { REQUEST_TYPE_IDS } from '../../../../src/core/request/draft.ts';
import { ELEMENT_IDS } from '../../../../src/core/request/elements.ts';
import { isApiError } from '../../api/client.ts';
import { fetchHealth } from '../../api/reference.api.ts';
import {
  createRequest,
  fetchFindings,
  fetchRequest,
  updateRequest,
  validateContent,
} from '../../api/requests.api.ts';
import type { Finding, RequestAnswer, RequestContent, RequestTypeId, RequestView } from '../../api/types.ts';
import { navigate } from '../../app/router.tsx';
import { useUser } from '../../app/session.tsx';
import { formatDateTime, localized } from '../../components/format.ts';
import { PageTitle } from '../../components/PageTitle.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { useCatalogue, useStates } from '../../components/reference-data.ts';
import { currentLanguage } from '../../i18n/i18n.ts';
import { DocumentLinks } from './DocumentLinks.tsx';
import { DraftForm } from './DraftForm.tsx';
import {
  buildChecklist,
  newDraft,
  type Path,
  pruneContent,
  shownElements,
  writePath,
} from './draft.model.ts';
import { FindingsChecklist } from './FindingsChecklist.tsx';
import { DraftFormContext } from './fields.tsx';
import { TypeChooser } from './TypeChooser.tsx';
import { forgetUnsavedCopy, keepUnsavedCopy, readUnsavedCopy, type UnsavedCopy } from './unsaved-copy.ts';

/** How long the form waits after the last keystroke before asking the node to validate. */
const LIVE_VALIDATION_DELAY_MS = 600;

type Saved = Readonly<{ request: RequestView; findings: readonly Finding[] }>;

export function DraftPage({ requestId }: { requestId?: string }) {
  const { t, i18n } = useTranslation();
  const user = useUser();
  const catalogue = useCatalogue();
  const states = useStates();
  const [saved, setSaved] = useState<Saved | undefined>(undefined);
  const [content, setContent] = useState<RequestContent | undefined>(undefined);
  const [isDirty, setIsDirty] = useState(false);
  const [liveFindings, setLiveFindings] = useState<readonly Finding[] | undefined>(undefined);
  const [isValidating, setIsValidating] = useState(false);
  const [isLoading, setIsLoading] = useState(requestId !== undefined);
  const [loadError, setLoadError] = useState<unknown>(undefined);
  const [saveError, setSaveError] = useState<unknown>(undefined);
  const [isSaving, setIsSaving] = useState(false);
  const [isShowingAll, setIsShowingAll] = useState(false);
  const [nodeState, setNodeState] = useState<string | undefined>(undefined);
  const loadedId = useRef<string | undefined>(undefined);
  const [recovered, setRecovered] = useState<UnsavedCopy | undefined>(undefined);

  const accept = useCallback((answer: RequestAnswer, isSave: boolean) => {
    if (isSave) {
      forgetUnsavedCopy(undefined);
      forgetUnsavedCopy(answer.request.id);
    }
    loadedId.current = answer.request.id;
    setSaved({ request: answer.request, findings: answer.findings });
    setContent(answer.request.content);
    setLiveFindings(undefined);
    setIsDirty(false);
  }, []);

  // Load the request named in the address (not again after this page created it).
  useEffect(() => {
    if (requestId === undefined) {
      setLoadError(undefined);
      setIsLoading(false);
      if (loadedId.current !== undefined) {
        loadedId.current = undefined;
        setSaved(undefined);
        setContent(undefined);
        setLiveFindings(undefined);
        setIsDirty(false);
        setSaveError(undefined);
      }
      return;
    }
    if (requestId === loadedId.current) return;
    let isCurrent = true;
    setIsLoading(true);
    setLoadError(undefined);
    setSaveError(undefined);
    setRecovered(undefined);
    fetchRequest(requestId)
      .then((answer) => {
        if (!isCurrent) return;
        accept(answer, false);
        setRecovered(readUnsavedCopy(answer.request.id));
      })
      .catch((error: unknown) => {
        if (isCurrent) setLoadError(error);
      })
      .finally(() => {
        if (isCurrent) setIsLoading(false);
      });
    return () => {
      isCurrent = false;
    };
  }, [requestId, accept]);

  // A new draft started in this tab and not saved (the session expired, the page was reloaded).
  useEffect(() => {
    if (requestId === undefined) setRecovered(readUnsavedCopy(undefined));
  }, [requestId]);

  // Keep what the user types in this tab until it is saved.
  useEffect(() => {
    if (content && isDirty) keepUnsavedCopy(loadedId.current, { content, revision: saved?.request.revision });
  }, [content, isDirty, saved]);

  useEffect(() => {
    fetchHealth()
      .then((health) => setNodeState(health.node?.state ?? undefined))
      .catch(() => undefined);
  }, []);

  // Live validation: after the user stops typing, ask the node what it finds (nothing is stored).
  useEffect(() => {
    if (!content || !isDirty) return;
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      setIsValidating(true);
      validateContent(pruneContent(content), controller.signal)
        .then((report) => setLiveFindings(report.findings))
        .catch(() => undefined)
        .finally(() => {
          if (!controller.signal.aborted) setIsValidating(false);
        });
    }, LIVE_VALIDATION_DELAY_MS);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [content, isDirty]);

  // Findings are worded in the UI language: fetch them again when it changes.
  const language = i18n.language;
  const previousLanguage = useRef(language);
  useEffect(() => {
    if (previousLanguage.current === language) return;
    previousLanguage.current = language;
    if (!content) return;
    if (isDirty || !saved) {
      validateContent(pruneContent(content))
        .then((report) => setLiveFindings(report.findings))
        .catch(() => undefined);
    } else {
      fetchFindings(saved.request.id)
        .then((report) =>
          setSaved((current) => (current ? { ...current, findings: report.findings } : current)),
        )
        .catch(() => undefined);
    }
  }, [language, content, isDirty, saved]);

  // Warn before the browser leaves the page with unsaved changes.
  useEffect(() => {
    if (!isDirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [isDirty]);

  const update = useCallback((path: Path, value: unknown) => {
    setContent((current) => (current ? writePath(current, path, value) : current));
    setIsDirty(true);
  }, []);

  const chooseType = (type: RequestTypeId) => {
    setContent(newDraft(type, nodeState, currentLanguage()));
    setIsDirty(true);
  };

  const isReadOnly =
    saved !== undefined && (saved.request.status !== 'draft' || saved.request.createdBy.id !== user?.id);

  const save = async () => {
    if (!content || isSaving || isReadOnly) return;
    setIsSaving(true);
    setSaveError(undefined);
    try {
      const body = pruneContent(content);
      const answer = saved
        ? await updateRequest(saved.request.id, body, saved.request.revision)
        : await createRequest(body);
      accept(answer, true);
      setRecovered(undefined);
      if (!saved) navigate(`/requests/${answer.request.id}`, { replace: true });
    } catch (error) {
      setSaveError(error);
    } finally {
      setIsSaving(false);
    }
  };

  useHotkeys([['mod+S', () => void save()]], []);

  const findings = liveFindings ?? saved?.findings ?? [];
  const checklist = useMemo(
    () => (content ? buildChecklist(content, catalogue.data, findings) : undefined),
    [content, catalogue.data, findings],
  );
  const shown = useMemo(
    () => (content ? shownElements(content.type, catalogue.data) : new Set<never>()),
    [content, catalogue.data],
  );
  const formContext = useMemo(
    () => (content ? { content, update, isReadOnly } : undefined),
    [content, update, isReadOnly],
  );

  const typeTitle = (type: RequestTypeId) =>
    localized(catalogue.data?.requestTypes.find((entry) => entry.id === type)?.title) ||
    t(`requestType.${type}`);
  const heading = saved
    ? `${typeTitle(saved.request.type)}${saved.request.caseReference ? ` — ${saved.request.caseReference}` : ''}`
    : t('draft.newTitle');

  if (isLoading) {
    return <PageTitle text={t('common.loading')}>{t('common.loading')}</PageTitle>;
  }
  if (loadError) {
    return (
      <>
        <PageTitle text={t('draft.title')}>{t('draft.title')}</PageTitle>
        <ProblemAlert error={loadError} />
      </>
    );
  }

  return (
    <>
      <PageTitle text={heading}>{heading}</PageTitle>
      <ProblemAlert error={catalogue.error} title={t('draft.catalogueUnavailable')} />
      {recovered && !isDirty ? (
        <Alert color="yellow" variant="light" mb="sm" data-testid="recovered-draft">
          <Text size="sm" fw={600}>
            {t('draft.recoveredTitle')}
          </Text>
          <Text size="sm" mb="xs">
            {t('draft.recoveredText')}
          </Text>
          <Group gap="xs">
            <Button
              size="compact-sm"
              onClick={() => {
                setContent(recovered.content);
                setIsDirty(true);
                setRecovered(undefined);
              }}
            >
              {t('draft.restore')}
            </Button>
            <Button
              size="compact-sm"
              variant="default"
              onClick={() => {
                forgetUnsavedCopy(saved?.request.id);
                setRecovered(undefined);
              }}
            >
              {t('draft.discard')}
            </Button>
          </Group>
        </Alert>
      ) : null}
      {!content || !formContext || !checklist ? (
        <TypeChooser catalogue={catalogue.data} onChoose={chooseType} />
      ) : (
        <DraftFormContext.Provider value={formContext}>
          <Group justify="space-between" align="flex-end" mb="sm" gap="sm">
            <Group align="flex-end" gap="sm">
              <Select
                label={t('draft.field.requestType')}
                data={REQUEST_TYPE_IDS.map((type) => ({ value: type, label: typeTitle(type) }))}
                value={content.type}
                onChange={(value) => value && update(['type'], value)}
                allowDeselect={false}
                readOnly={isReadOnly}
                w={280}
              />
              <Switch
                label={t('draft.showAllFields')}
                checked={isShowingAll}
                onChange={(event) => setIsShowingAll(event.currentTarget.checked)}
                mb={8}
              />
            </Group>
            <Group gap="sm" align="center">
              <Text
                size="sm"
                c={isDirty ? 'var(--comity-amber)' : 'gray.7'}
                role="status"
                data-testid="save-state"
              >
                {isDirty
                  ? t('draft.unsaved')
                  : saved
                    ? t('draft.savedAt', {
                        time: formatDateTime(saved.request.updatedAt),
                        revision: saved.request.revision,
                      })
                    : ''}
              </Text>
              {isReadOnly ? null : (
                <Button onClick={() => void save()} loading={isSaving} data-testid="save-draft">
                  {t('draft.save')}
                </Button>
              )}
            </Group>
          </Group>
          {isReadOnly ? (
            <Alert color="gray" variant="light" mb="sm">
              {t('draft.readOnly')}
            </Alert>
          ) : null}
          {saveError ? (
            <Stack gap={4} mb="sm">
              <ProblemAlert error={saveError} title={t('draft.saveFailed')} />
              {isApiError(saveError) && saveError.code === 'conflict' ? (
                <Text size="sm">{t('draft.conflictHelp')}</Text>
              ) : null}
            </Stack>
          ) : null}
          <Grid gap="md">
            <Grid.Col span={{ base: 12, lg: 8 }}>
              <DraftForm
                catalogue={catalogue.data}
                states={states.data}
                shown={isShowingAll ? new Set(ELEMENT_IDS) : shown}
              />
            </Grid.Col>
            <Grid.Col span={{ base: 12, lg: 4 }}>
              <Stack
                gap="md"
                style={{ position: 'sticky', top: 64, maxHeight: 'calc(100vh - 80px)', overflowY: 'auto' }}
              >
                <FindingsChecklist
                  checklist={checklist}
                  catalogue={catalogue.data}
                  type={content.type}
                  isValidating={isValidating}
                  isLive={isDirty}
                />
                {saved ? <DocumentLinks requestId={saved.request.id} hasUnsavedChanges={isDirty} /> : null}
              </Stack>
            </Grid.Col>
          </Grid>
        </DraftFormContext.Provider>
      )}
    </>
  );
}
