/**
 * The draft screen: choose the type, fill the guided form, watch the checklist turn green, save,
 * open the formal document and send the request to the requested State. Saving sends the revision
 * the user edited, so two people editing the same draft get a conflict instead of overwriting each
 * other. A sent or received request opens read-only with its delivery state and receipt.
 */
import { Alert, Button, Grid, Group, Paper, Select, Stack, Switch, Text } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import i18next from 'i18next';
import { useTranslation } from 'react-i18next';
import {
  REQUEST_TYPE_IDS,
  type RequestContent,
  type RequestTypeId,
} from '../../../../src/core/request/draft.ts';
import type { Catalogue } from '../../../../src/core/catalogue/catalogue.ts';
import { ELEMENT_IDS } from '../../../../src/core/request/elements.ts';
import type { Finding } from '../../../../src/core/validation/finding.ts';
import {
  answer as answerOf,
  api,
  isApiError,
  publicApi,
  type RequestAnswer,
  type RequestView,
} from '../../app/api.ts';
import { useLiveUpdates } from '../../app/live.ts';
import { navigate } from '../../app/router.tsx';
import { useCan, useUser } from '../../app/session.tsx';
import { localToday } from '../../components/date-text.ts';
import { formatDateTime, formatList, stateName } from '../../components/format.ts';
import { PageTitle } from '../../components/PageTitle.tsx';
import { type FieldReference, ProblemAlert } from '../../components/ProblemAlert.tsx';
import { fieldErrorsOf } from '../../components/field-errors.ts';
import { requestTypeTitle, useCatalogue, useStates } from '../../components/reference-data.ts';
import { useApi } from '../../components/use-api.ts';
import { currentLanguage } from '../../i18n/i18n.ts';
import { CasePanel } from './CasePanel.tsx';
import { DeliveryPanel } from './DeliveryPanel.tsx';
import { DocumentLinks } from './DocumentLinks.tsx';
import { AbsencesShownContext, DraftForm } from './DraftForm.tsx';
import { ElementStatusContext } from './required-mark.tsx';
import { EvidenceConsentPanel } from './EvidenceConsentPanel.tsx';
import { EvidencePackagesPanel } from './EvidencePackagesPanel.tsx';
import { EvidencePanel } from './EvidencePanel.tsx';
import {
  buildChecklist,
  designatedAuthority,
  fieldFindingsOf,
  fieldIdOfPointer,
  newDraft,
  type Path,
  placeOfPointer,
  pruneContent,
  elementsOutsideType,
  shownElementsOf,
  withRequestedState,
  writePath,
} from './draft.model.ts';
import { ChecklistSummaryBar, elementLabel, FindingsChecklist } from './FindingsChecklist.tsx';
import { DraftFormContext } from './fields.tsx';
import { SendAction, sendBlocker } from './SendAction.tsx';
import { ApprovalPanel } from './ApprovalPanel.tsx';
import { RequestAtAGlance } from './RequestAtAGlance.tsx';
import { TypeChooser } from './TypeChooser.tsx';
import { forgetUnsavedCopy, keepUnsavedCopy, readUnsavedCopy, type UnsavedCopy } from './unsaved-copy.ts';

/** How long the form waits after the last keystroke before asking the node to validate. */
const LIVE_VALIDATION_DELAY_MS = 600;

/** How often a sent request whose message is still pending is read again. */
const DELIVERY_REFRESH_MS = 4000;

type Saved = Readonly<{ request: RequestView; findings: readonly Finding[] }>;

function fetchRequest(id: string): Promise<RequestAnswer> {
  return answerOf(api.GET('/api/v1/requests/{id}', { params: { path: { id } } }));
}

/** A request has a case to show once it has left the draft stage, or when it was received. */
function hasCase(request: RequestView): boolean {
  return request.direction === 'incoming' || request.status !== 'draft';
}

/**
 * Whether evidence may be attached to, or have come back on, this request: one received here, or
 * one sent from here that reached the other State. Before that the evidence panels would stand
 * empty between the case and the request a supervisor is approving.
 */
function mayHoldEvidence(request: RequestView): boolean {
  return request.direction === 'incoming' || request.deliveryState === 'delivered';
}

function validateContent(content: RequestContent, signal?: AbortSignal) {
  return answerOf(api.POST('/api/v1/validate', { body: content, signal }));
}

export function DraftPage({ requestId }: { requestId?: string }) {
  const { t, i18n } = useTranslation();
  const user = useUser();
  const hasEvidenceRead = useCan('evidence:read');
  const canAskConsent = useCan('evidence:consent-ask');
  const canAnswerConsent = useCan('evidence:consent-answer');
  // Who neither drafts nor assesses (an evidence custodian) works on the case and its evidence: a
  // request that cannot be changed is folded for them, one button away.
  const canDraft = useCan('request:draft');
  const canReadScreening = useCan('screening:read');
  const readsRequestsInFull = canDraft || canReadScreening;
  const [isRequestUnfolded, setIsRequestUnfolded] = useState(false);
  const catalogue = useCatalogue();
  const states = useStates();
  const [saved, setSaved] = useState<Saved | undefined>(undefined);
  // On a request sent from here its author reads the evidence that came back (src/policies/access.ts).
  const canReadEvidence =
    hasEvidenceRead || (saved?.request.direction === 'outgoing' && saved.request.createdBy.id === user?.id);
  const [content, setContent] = useState<RequestContent | undefined>(undefined);
  const [isDirty, setIsDirty] = useState(false);
  const [liveFindings, setLiveFindings] = useState<readonly Finding[] | undefined>(undefined);
  const [isValidating, setIsValidating] = useState(false);
  /** Why the last check as you type failed (undefined: it did not): the node's refusal names the fields. */
  const [liveCheckError, setLiveCheckError] = useState<unknown>(undefined);
  const hasLiveCheckFailed = liveCheckError !== undefined;
  const [isLoading, setIsLoading] = useState(requestId !== undefined);
  const [loadError, setLoadError] = useState<unknown>(undefined);
  const [saveError, setSaveError] = useState<unknown>(undefined);
  /** Bumped when something awaits or got a decision on this page (an evidence package submitted or decided). */
  const [approvalsVersion, setApprovalsVersion] = useState(0);
  // The approvals, read once for the panel that shows and decides them and for the send button
  // (who approves it): again when the request changes (revision, status) or a decision is asked or made.
  const savedId = saved?.request.id;
  const approvalsKey = saved
    ? `${saved.request.revision}:${saved.request.status}:${saved.request.caseStatus}:${saved.request.updatedAt}:${approvalsVersion}`
    : '';
  const approvals = useApi(
    async () =>
      savedId
        ? answerOf(api.GET('/api/v1/requests/{id}/approvals', { params: { path: { id: savedId } } }))
        : undefined,
    [savedId, approvalsKey],
  );
  /** What waits for a second person's decision on this request (its case panel says so). */
  const pendingApproval = approvals.data?.items.find((item) => item.state === 'pending');
  /** The last day of the preservation recorded on the case: what an upload is kept until, at first. */
  const [preservedUntil, setPreservedUntil] = useState<string | undefined>(undefined);
  // Counts the uploads stored while the page is open: the package form lists what it may include.
  const [evidenceVersion, setEvidenceVersion] = useState(0);
  const [isSaving, setIsSaving] = useState(false);
  // A new draft reads as what is left to write until it is saved, or a save is tried.
  const [hasTriedToSave, setHasTriedToSave] = useState(false);
  const [isShowingAll, setIsShowingAll] = useState(false);
  const [nodeState, setNodeState] = useState<string | undefined>(undefined);
  const loadedId = useRef<string | undefined>(undefined);
  const [recovered, setRecovered] = useState<UnsavedCopy | undefined>(undefined);
  const [sendError, setSendError] = useState<unknown>(undefined);
  const [isRefreshing, setIsRefreshing] = useState(false);
  const [refreshError, setRefreshError] = useState<unknown>(undefined);
  const deliveryHeading = useRef<HTMLHeadingElement>(null);
  const shouldFocusDelivery = useRef(false);

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
        setHasTriedToSave(false);
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
    answerOf(publicApi.GET('/api/v1/health'))
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
        .then((report) => {
          setLiveFindings(report.findings);
          setLiveCheckError(undefined);
        })
        // The list would otherwise show an older check as if it were this one.
        .catch((error: unknown) => {
          if (controller.signal.aborted) return;
          setLiveCheckError(error ?? new Error('the check as you type failed'));
        })
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
      answerOf(api.GET('/api/v1/requests/{id}/findings', { params: { path: { id: saved.request.id } } }))
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

  // Reads a sent request again (its delivery state and receipt); the form is read-only then.
  const refreshRequest = useCallback(
    async (options: { isQuiet?: boolean } = {}) => {
      if (!savedId) return;
      setIsRefreshing(true);
      try {
        accept(await fetchRequest(savedId), false);
        setRefreshError(undefined);
      } catch (error) {
        // A missed automatic refresh is tried again at the next tick; one the user asked for is reported.
        if (!options.isQuiet) setRefreshError(error);
      } finally {
        setIsRefreshing(false);
      }
    },
    [savedId, accept],
  );

  // Submitted for approval: read again (read-only now, awaiting a second person's approval).
  const markSubmitted = useCallback(() => {
    void refreshRequest();
  }, [refreshRequest]);

  // While the message is pending, follow it until it is delivered or fails.
  const deliveryState = saved?.request.deliveryState ?? null;
  useEffect(() => {
    if (deliveryState !== 'pending') return;
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') void refreshRequest({ isQuiet: true });
    }, DELIVERY_REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [deliveryState, refreshRequest]);

  // A live update names this request: its case changed, on the other node or by someone else here,
  // or one of its messages reached the other node (no transition: the delivery panel's state and
  // receipt change with it); read it again. The user's own transitions are read by the case
  // section itself.
  useLiveUpdates((update) => {
    if (!savedId || update.requestId !== savedId) return;
    if (update.kind === 'case-changed' && update.transition && update.actorId === user?.id) return;
    void refreshRequest({ isQuiet: true });
  });

  // After sending, the keyboard focus moves to the delivery state that replaced the button.
  useEffect(() => {
    if (shouldFocusDelivery.current && deliveryHeading.current) {
      shouldFocusDelivery.current = false;
      deliveryHeading.current.focus();
    }
  });

  const channelOf = useCallback(
    (type: RequestTypeId) => catalogue.data?.requestTypes.find((entry) => entry.id === type)?.channel,
    [catalogue.data],
  );
  const update = useCallback(
    (path: Path, value: unknown) => {
      setContent((current) => {
        if (!current) return current;
        // Choosing the requested State brings the name of the authority it designated for this type.
        if (path.length === 2 && path[0] === 'requestedAuthority' && path[1] === 'state') {
          return withRequestedState(current, typeof value === 'string' ? value : undefined, (code) =>
            designatedAuthority(
              states.data?.find((state) => state.code === code)?.designations,
              channelOf(current.type),
            ),
          );
        }
        return writePath(current, path, value);
      });
      setIsDirty(true);
    },
    [states.data, channelOf],
  );

  const chooseType = (type: RequestTypeId) => {
    // The drafter's own authority and themselves as the contact, to change where they differ.
    const ownDesignations = states.data?.find((state) => state.code === nodeState)?.designations;
    setContent(
      newDraft(type, nodeState, currentLanguage(), {
        authorityName: designatedAuthority(ownDesignations, channelOf(type)),
        contactName: user?.displayName,
        email: user?.email ?? undefined,
        today: localToday(),
      }),
    );
    setIsDirty(true);
  };

  const isReadOnly =
    saved !== undefined &&
    (saved.request.status !== 'draft' ||
      saved.request.direction === 'incoming' ||
      saved.request.createdBy.id !== user?.id);
  // The request folded for a reader who neither drafts nor assesses it (its type chooser too).
  const isFolded = isReadOnly && !readsRequestsInFull && !isRequestUnfolded;
  const canSend =
    saved !== undefined &&
    !isReadOnly &&
    saved.request.direction === 'outgoing' &&
    (user?.permissions.includes('request:draft') ?? false);

  const save = async () => {
    if (!content || isSaving || isReadOnly) return;
    setHasTriedToSave(true);
    setIsSaving(true);
    setSaveError(undefined);
    setSendError(undefined);
    try {
      const body = pruneContent(content);
      const answer = saved
        ? await answerOf(
            api.PUT('/api/v1/requests/{id}', {
              // The revision the user edited: a concurrent change is a conflict, not overwritten.
              params: {
                path: { id: saved.request.id },
                header: { 'if-match': `"${saved.request.revision}"` },
              },
              body,
            }),
          )
        : await answerOf(api.POST('/api/v1/requests', { body }));
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
  const isStarting = saved === undefined && !hasTriedToSave;
  const checklist = useMemo(
    () => (content ? buildChecklist(content, catalogue.data, findings) : undefined),
    [content, catalogue.data, findings],
  );
  const elementStatus = useMemo(
    () => new Map((checklist?.items ?? []).map((item) => [item.element, item] as const)),
    [checklist],
  );
  const shown = useMemo(
    () => (content ? shownElementsOf(content, catalogue.data) : new Set<never>()),
    [content, catalogue.data],
  );
  // Values typed for another type (before the type was changed): they leave with the request.
  const outsideType = useMemo(
    () => (content ? elementsOutsideType(content, catalogue.data) : []),
    [content, catalogue.data],
  );
  const formContext = useMemo(
    () =>
      content
        ? {
            content,
            update,
            isReadOnly,
            fieldErrors: fieldErrorsOf(saveError),
            fieldFindings: fieldFindingsOf(findings),
            isHidingEmpty: isReadOnly && !isShowingAll,
          }
        : undefined,
    [content, update, isReadOnly, saveError, findings, isShowingAll],
  );

  const typeTitle = (type: RequestTypeId) => requestTypeTitle(catalogue.data, type);
  const requestedStateLabel = stateName(states.data, saved?.request.requestedState);
  const channel = saved ? channelOf(saved.request.type) : undefined;
  const channelLabel = channel ? t(`channel.${channel}`) : '';
  const hasBlockingFindings = (saved?.findings ?? []).some((finding) => finding.severity === 'blocking');
  // Said as soon as the State is chosen, not after a whole form is written: the directory of nodes
  // (once this node holds one, so some State has a node) lists no node of the requested State for
  // this type's receiving authority.
  const hasNoNodeFor = (code: string | null | undefined, type: RequestTypeId | undefined): boolean => {
    const typeChannel = type ? channelOf(type) : undefined;
    const nodesThere = states.data?.find((state) => state.code === code)?.nodes;
    return (
      typeChannel !== undefined &&
      nodesThere !== undefined &&
      (states.data ?? []).some((state) => state.nodes.length > 0) &&
      !nodesThere.some((node) => node.authority === typeChannel)
    );
  };
  const hasNoNodeThere = hasNoNodeFor(saved?.request.requestedState, saved?.request.type);
  const liveState = content?.requestedAuthority?.state;
  const hasNoNodeForForm = !isReadOnly && content !== undefined && hasNoNodeFor(liveState, content.type);
  // A request sent from here that the requested State refused: said at the top, not only in the case's history.
  const isRefusedThere = saved?.request.direction === 'outgoing' && saved.request.caseStatus === 'refused';
  const readOnlyNote = !saved
    ? ''
    : saved.request.direction === 'incoming'
      ? t(saved.request.peerState ? 'draft.incomingReadOnlyFromState' : 'draft.incomingReadOnly', {
          state: stateName(states.data, saved.request.peerState),
          node: saved.request.peerNodeId ?? '—',
          time: formatDateTime(saved.request.receivedAt ?? saved.request.createdAt),
        })
      : saved.request.status === 'awaiting-approval'
        ? t('draft.awaitingApprovalReadOnly', { state: requestedStateLabel || '—' })
        : saved.request.status !== 'draft'
          ? t(isRefusedThere ? 'draft.refusedReadOnly' : 'draft.sentReadOnly', {
              state: requestedStateLabel || '—',
            })
          : t('draft.readOnly');

  const saveStateText = (): string => {
    // A draft never saved has no changes yet, only its first version to save.
    if (!saved) return isDirty ? t('draft.notSavedYet') : '';
    if (isDirty) return t('draft.unsaved');
    const { request } = saved;
    if (request.status === 'awaiting-approval') return t('requestStatus.awaiting-approval');
    // A sent or received request is where its case is ("Data preserved"), as its case panel says.
    if (request.direction === 'incoming' || request.status !== 'draft') {
      return t(`caseStatus.${request.caseStatus}`, {
        defaultValue: t(`requestStatus.${request.status}`, { defaultValue: request.status }),
      });
    }
    return t('draft.savedAt', { time: formatDateTime(request.updatedAt), revision: request.revision });
  };

  const heading = saved
    ? `${typeTitle(saved.request.type)}${saved.request.caseReference ? ` — ${saved.request.caseReference}` : ''}`
    : t('draft.newTitle');

  // Until the catalogue says what the type requires, an empty checklist would read "ready".
  if (isLoading || (content !== undefined && catalogue.isLoading)) {
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

  const reference = saved?.request.caseReference;
  return (
    <>
      <PageTitle text={heading}>
        {saved ? (
          <>
            {typeTitle(saved.request.type)}
            {reference ? (
              <>
                {' — '}
                <span className="case-reference">{reference}</span>
              </>
            ) : null}
          </>
        ) : (
          heading
        )}
      </PageTitle>
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
            <Group
              align="flex-end"
              gap="sm"
              w={{ base: '100%', sm: 'auto' }}
              style={isFolded ? { display: 'none' } : undefined}
            >
              <Select
                label={t('draft.field.requestType')}
                data={REQUEST_TYPE_IDS.map((type) => ({ value: type, label: typeTitle(type) }))}
                value={content.type}
                onChange={(value) => value && update(['type'], value)}
                allowDeselect={false}
                readOnly={isReadOnly}
                // Read only, no chevron: the type of a request sent or received is not a choice.
                rightSection={isReadOnly ? null : undefined}
                // Wide enough for the longest type's title, whole ("Expedited disclosure of preserved
                // traffic data"); the whole width on a phone.
                w={{ base: '100%', sm: 440 }}
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
                {saveStateText()}
              </Text>
              {isReadOnly ? null : (
                <Button onClick={() => void save()} loading={isSaving} data-testid="save-draft">
                  {t('draft.save')}
                </Button>
              )}
              {canSend && saved ? (
                <SendAction
                  requestId={saved.request.id}
                  revision={saved.request.revision}
                  rule={approvals.data?.rule}
                  blocker={sendBlocker({
                    isDirty,
                    hasBlockingFindings,
                    requestedState: saved.request.requestedState,
                    hasNoNodeThere,
                  })}
                  stateLabel={requestedStateLabel}
                  requestedState={saved.request.requestedState}
                  channelLabel={channelLabel}
                  authorityName={saved.request.content.requestedAuthority?.name?.trim() || undefined}
                  onSent={markSubmitted}
                  onError={setSendError}
                />
              ) : null}
            </Group>
          </Group>
          {isReadOnly ? (
            <Alert
              color={isRefusedThere ? 'red' : 'gray'}
              variant="light"
              mb="sm"
              data-testid="read-only-note"
            >
              {readOnlyNote}
            </Alert>
          ) : null}
          {hasNoNodeForForm && content ? (
            <Alert color="yellow" variant="light" mb="sm" data-testid="no-node-there-note">
              {t('approval.submit.noNodeThere', {
                state: stateName(states.data, liveState),
                channel: t(`channel.${channelOf(content.type)}`),
              })}
            </Alert>
          ) : null}
          {outsideType.length > 0 ? (
            <Alert color="yellow" variant="light" mb="sm" data-testid="outside-type-note">
              {/* Clearing them is the drafter's to do; a reader of a sent or received request sees them. */}
              {t(isReadOnly ? 'draft.outsideTypeReadOnly' : 'draft.outsideType', {
                type: typeTitle(content.type),
                fields: formatList(outsideType.map((element) => elementLabel(element, catalogue.data))),
              })}
            </Alert>
          ) : null}
          {sendError || refreshError ? (
            <Stack gap={4} mb="sm">
              <ProblemAlert error={sendError} title={t('approval.submit.failed')} />
              <ProblemAlert error={refreshError} />
            </Stack>
          ) : null}
          {saveError ? (
            <Stack gap={4} mb="sm">
              <ProblemAlert
                error={saveError}
                title={t('draft.saveFailed')}
                fields={refusedFieldsOf(saveError, catalogue.data, content.type)}
                takeFocus
              />
              {isApiError(saveError) && saveError.code === 'conflict' ? (
                <Text size="sm">{t('draft.conflictHelp')}</Text>
              ) : null}
            </Stack>
          ) : null}
          {checklist && !isReadOnly ? (
            // Below the lg breakpoint the checklist comes after the whole form: its summary and a
            // way to it stand at the top, so a drafter on a phone knows what is missing.
            <ChecklistSummaryBar checklist={checklist} catalogue={catalogue.data} isStarting={isStarting} />
          ) : null}
          <Grid gap="md">
            <Grid.Col span={{ base: 12, lg: 8 }}>
              {/* A received request at a glance; what waits for a decision, then the case (its status
                  and what one may do next), then the evidence it produced, then the request itself. */}
              {saved?.request.direction === 'incoming' ? (
                <RequestAtAGlance
                  content={content}
                  catalogue={catalogue.data}
                  states={states.data}
                  onReadAll={() => {
                    setIsRequestUnfolded(true);
                    // The request is shown at the next render: the focus moves once it is there.
                    requestAnimationFrame(() => {
                      const request = document.getElementById('request-content');
                      request?.scrollIntoView({ block: 'start', behavior: 'smooth' });
                      request?.focus({ preventScroll: true });
                    });
                  }}
                />
              ) : null}
              {saved ? (
                <ApprovalPanel
                  approvals={approvals.data}
                  error={approvals.error}
                  onDecided={() => {
                    setApprovalsVersion((version) => version + 1);
                    void refreshRequest();
                  }}
                />
              ) : null}
              {saved && hasCase(saved.request) ? (
                <CasePanel
                  request={saved.request}
                  catalogue={catalogue.data}
                  states={states.data}
                  onChanged={() => {
                    // A response submitted for approval changes no status: its approval is read again.
                    setApprovalsVersion((version) => version + 1);
                    return refreshRequest();
                  }}
                  pendingApproval={pendingApproval}
                  onPreservedUntil={setPreservedUntil}
                />
              ) : null}
              {saved && hasCase(saved.request) && mayHoldEvidence(saved.request) && canReadEvidence ? (
                <>
                  <EvidencePanel
                    requestId={saved.request.id}
                    direction={saved.request.direction}
                    preservedUntil={preservedUntil}
                    onStored={() => setEvidenceVersion((version) => version + 1)}
                  />
                  <EvidencePackagesPanel
                    requestId={saved.request.id}
                    requestType={saved.request.type}
                    direction={saved.request.direction}
                    canExport={canReadEvidence}
                    caseStatus={saved.request.caseStatus}
                    version={`${saved.request.updatedAt}:${approvalsVersion}:${evidenceVersion}`}
                    onSubmitted={() => setApprovalsVersion((version) => version + 1)}
                  />
                </>
              ) : null}
              {saved &&
              hasCase(saved.request) &&
              mayHoldEvidence(saved.request) &&
              ((saved.request.direction === 'outgoing' && canAskConsent && canReadEvidence) ||
                (saved.request.direction === 'incoming' && canAnswerConsent)) ? (
                <EvidenceConsentPanel requestId={saved.request.id} direction={saved.request.direction} />
              ) : null}
              {isReadOnly && !readsRequestsInFull ? (
                <Paper withBorder p="sm" mb="md" data-testid="request-folded">
                  <Group justify="space-between" gap="sm">
                    <Text size="sm">{t('draft.folded', { type: typeTitle(content.type) })}</Text>
                    <Button
                      variant="default"
                      size="xs"
                      aria-expanded={isRequestUnfolded}
                      aria-controls="request-content"
                      onClick={() => setIsRequestUnfolded((isShown) => !isShown)}
                      data-testid="request-fold-toggle"
                    >
                      {isRequestUnfolded ? t('draft.foldRequest') : t('draft.unfoldRequest')}
                    </Button>
                  </Group>
                </Paper>
              ) : null}
              <div
                id="request-content"
                hidden={isFolded}
                // "Read the request in full" moves the focus here.
                tabIndex={-1}
                className={formContext.isHidingEmpty ? 'request-read-only' : undefined}
              >
                <ElementStatusContext.Provider value={elementStatus}>
                  <AbsencesShownContext.Provider value={!isStarting}>
                    <DraftForm
                      catalogue={catalogue.data}
                      states={states.data}
                      shown={isShowingAll ? new Set(ELEMENT_IDS) : shown}
                    />
                  </AbsencesShownContext.Provider>
                </ElementStatusContext.Provider>
              </div>
            </Grid.Col>
            <Grid.Col span={{ base: 12, lg: 4 }}>
              <Stack
                gap="md"
                style={{ position: 'sticky', top: 64, maxHeight: 'calc(100vh - 80px)', overflowY: 'auto' }}
              >
                {saved ? (
                  <DeliveryPanel
                    ref={deliveryHeading}
                    request={saved.request}
                    isRefreshing={isRefreshing}
                    onRefresh={() => void refreshRequest()}
                  />
                ) : null}
                <FindingsChecklist
                  checklist={checklist}
                  catalogue={catalogue.data}
                  type={content.type}
                  isValidating={isValidating}
                  isLive={isDirty}
                  hasLiveCheckFailed={hasLiveCheckFailed}
                  onShowForm={
                    isReadOnly
                      ? (item) => {
                          setIsRequestUnfolded(true);
                          // What is missing from a read-only request is among the fields it leaves out.
                          if (item.state !== 'complete') setIsShowingAll(true);
                        }
                      : undefined
                  }
                  isReceived={saved?.request.direction === 'incoming'}
                  isStarting={isStarting}
                />
                {/* A failed save says the same at the top, with the focus: then this one keeps quiet. */}
                {hasLiveCheckFailed &&
                isDirty &&
                !saveError &&
                isApiError(liveCheckError) &&
                liveCheckError.code === 'invalid-input' ? (
                  // Which fields the node could not read as typed ("-3" months), each a link to it.
                  <ProblemAlert
                    error={liveCheckError}
                    title={t('checklist.liveRefused')}
                    fields={refusedFieldsOf(liveCheckError, catalogue.data, content.type)}
                  />
                ) : null}
                {saved ? (
                  <DocumentLinks
                    requestId={saved.request.id}
                    requestLanguage={saved.request.content.language}
                    hasUnsavedChanges={isDirty}
                  />
                ) : null}
              </Stack>
            </Grid.Col>
          </Grid>
        </DraftFormContext.Provider>
      )}
    </>
  );
}

/**
 * The fields a refused save names, by JSON pointer: the element's label (with the entry, in a
 * list), linked to the field's input, rather than the node's path (`body.identifiers.0.kind`).
 */
function refusedFieldsOf(
  error: unknown,
  catalogue: Catalogue | undefined,
  type: RequestTypeId,
): Record<string, FieldReference> {
  const fields: Record<string, FieldReference> = {};
  if (!isApiError(error)) return fields;
  for (const { pointer } of error.problem.errors ?? []) {
    const place = pointer === undefined ? undefined : placeOfPointer(pointer);
    if (pointer === undefined || place === undefined) continue;
    const element = elementLabel(place.element, catalogue, type);
    fields[pointer] = {
      label:
        place.entry === undefined ? element : i18next.t('draft.refusedEntry', { element, n: place.entry }),
      id: fieldIdOfPointer(pointer),
    };
  }
  return fields;
}
