/**
 * The case of a sent or received request, as both nodes keep it (docs/case-lifecycle.md): its
 * status (the same on both sides), which side this node is, the other State, the history as a
 * timeline, and one button per transition the signed-in user may make now. A button opens the
 * small form its payload needs; once the node has made the transition, the request is read again
 * and the focus moves to the new event of the history.
 */
import { Alert, Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Catalogue } from '../../../../src/core/catalogue/catalogue.ts';
import {
  answer,
  api,
  type ApprovalItem,
  type CaseView,
  type RequestView,
  type StateSummary,
} from '../../app/api.ts';
import { FactList } from '../../components/FactList.tsx';
import { formatInstant, formatList, localized, stateName } from '../../components/format.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { useApi } from '../../components/use-api.ts';
import { CaseDeadlines } from './CaseDeadlines.tsx';
import { CaseFigures } from './CaseFigures.tsx';
import { CaseTimeline } from './CaseTimeline.tsx';
import { defaultNoticeOf, ExculpatoryNotices } from './ExculpatoryNotices.tsx';
import { ScreeningPanel } from './ScreeningPanel.tsx';
import { otherSideNextSteps } from './other-side-next.ts';
import { type ReceivedPackage, TransitionForm } from './TransitionForm.tsx';
import { useUser } from '../../app/session.tsx';
import { isUnprompted } from '../../../../src/core/case/unprompted.ts';

type CasePanelProps = Readonly<{
  request: RequestView;
  catalogue: Catalogue | undefined;
  states: readonly StateSummary[] | undefined;
  /** Reads the request again after a transition (its status, what one may do next). */
  onChanged: () => Promise<void>;
  /** What waits for a second person's decision on this request (ApprovalPanel reads it). */
  pendingApproval?: ApprovalItem | undefined;
  /** The last day of the preservation recorded on the case, once read (undefined: none). */
  onPreservedUntil?: (date: string | undefined) => void;
}>;

/** The State at the other end: the requested State of an outgoing request, the requesting one of an incoming request. */
function otherStateOf(request: RequestView): string | undefined {
  return request.direction === 'incoming'
    ? request.content.requestingAuthority?.state
    : (request.requestedState ?? undefined);
}

/** The transitions that answer what the other side asked: their form repeats it. */
const ANSWERING_TRANSITIONS: readonly string[] = [
  'accept-conditions',
  'decline-conditions',
  'answer-clarification',
];

/**
 * What the other State asked or answered, set above the case: a title in this side's words and the
 * other side's own text beneath it (none when it wrote none).
 */
function OtherSideWords({
  color,
  testId,
  textTestId,
  data,
  title,
  text,
}: {
  color: string;
  testId: string;
  textTestId: string;
  data: Readonly<Record<string, string>>;
  title: string;
  text: string;
}) {
  return (
    <Alert color={color} variant="light" data-testid={testId} {...data}>
      <Text size="sm" fw={600}>
        {title}
      </Text>
      {text ? (
        <Text size="sm" dir="auto" style={{ whiteSpace: 'pre-wrap' }} data-testid={textTestId}>
          {text}
        </Text>
      ) : null}
    </Alert>
  );
}

export function CasePanel({
  request,
  catalogue,
  states,
  onChanged,
  pendingApproval,
  onPreservedUntil,
}: CasePanelProps) {
  const { t } = useTranslation();
  const requestId = request.id;
  const history = useApi(
    () => answer(api.GET('/api/v1/requests/{id}/history', { params: { path: { id: requestId } } })),
    [requestId, request.caseStatus],
  );
  const isIncoming = request.direction === 'incoming';
  const permissions = useUser()?.permissions ?? [];
  const canReview = permissions.includes('screening:review');
  // An evidence custodian executes a request received here without reading its legal assessment.
  const canReadScreening = isIncoming && permissions.includes('screening:read');
  const screening = useApi(
    () =>
      canReadScreening
        ? answer(api.GET('/api/v1/requests/{id}/screening', { params: { path: { id: requestId } } })).then(
            (found) => found.screening,
          )
        : Promise.resolve(undefined),
    [requestId, request.caseStatus, canReadScreening],
  );
  const [openTransition, setOpenTransition] = useState<string | undefined>(undefined);
  // A notice of exculpatory disclosure names the verified packages received here: read when it
  // opens. Only a request sent from here receives packages; the receiving side of spontaneous
  // information has none.
  const isNoticeOpen = openTransition === 'notify-exculpatory-disclosure' && request.direction === 'outgoing';
  const receivedPackages = useApi(
    (): Promise<ReceivedPackage[] | undefined> =>
      isNoticeOpen
        ? answer(
            api.GET('/api/v1/requests/{id}/evidence/packages', { params: { path: { id: requestId } } }),
          ).then((found) =>
            found.packages
              .filter((item) => item.direction === 'incoming' && item.status === 'verified')
              .map((item) => ({ id: item.id, receivedAt: item.updatedAt })),
          )
        : Promise.resolve(undefined),
    [requestId, isNoticeOpen],
  );
  const [isSubmitting, setIsSubmitting] = useState(false);
  const [submitError, setSubmitError] = useState<unknown>(undefined);
  const newestEvent = useRef<HTMLLIElement>(null);
  const statusRef = useRef<HTMLDivElement>(null);
  const actionButtons = useRef(new Map<string, HTMLButtonElement>());
  /**
   * After a transition, the number of events the case holds with it: the newest event takes the
   * focus once a rendering shows that many (a reload answered with the case as it was before is
   * not the moment); undefined when nothing waits for the focus.
   */
  const focusAtEvents = useRef<number | undefined>(undefined);

  const caseView: CaseView | undefined = history.data?.case;
  const preservedUntil = caseView?.preservation?.preservedUntil;
  useEffect(() => onPreservedUntil?.(preservedUntil), [preservedUntil, onPreservedUntil]);
  const status = caseView?.status ?? request.caseStatus;
  const available = caseView?.availableTransitions ?? request.availableTransitions;
  // Whom the case waits for on this side when not the reader (a duty officer's acknowledgement...).
  const othersMay = caseView?.othersMay ?? [];
  // "Accept the conditions (supervisor)": what others on this side may do, and who.
  const othersMayText = othersMay
    .map((step) =>
      t('case.othersMayStep', {
        action: t(`caseAction.${step.transition}`, { defaultValue: step.transition }),
        roles: formatList(
          step.roles.map((role) =>
            // "author": the one person who drafted the request (an officer reads only their own).
            role === 'author' ? t('case.roleAuthor') : t(`roles.${role}`, { defaultValue: role }),
          ),
          'disjunction',
        ),
      }),
    )
    .join('; ');
  // What this side may do that the case waits for (not a notice of exculpatory disclosure).
  const availablePrompted = available.filter((transition) => !isUnprompted(transition));
  const otherSideMay = otherSideNextSteps(caseView?.otherSideMay ?? [], [
    ...availablePrompted,
    ...othersMay.map((step) => step.transition),
  ]);
  const canUploadEvidence = request.direction === 'incoming' && permissions.includes('evidence:upload');
  const side = caseView?.side ?? (request.direction === 'incoming' ? 'requested' : 'requesting');
  const otherState = stateName(states, otherStateOf(request));
  const requestedStateCode = request.requestedState ?? undefined;
  const requestedState = states?.find((state) => state.code === requestedStateCode);
  const lastMessage = caseView?.otherSide.lastMessage;
  // A request of this node not sent yet (a draft, or waiting for its second person): the other
  // State holds nothing of it, whatever this node's case says.
  const isUnsent =
    request.direction === 'outgoing' &&
    (request.status === 'draft' || request.status === 'awaiting-approval');
  // Sent from here, its message not delivered yet (pending, or failed): still nothing there.
  const isNotReached = request.direction === 'outgoing' && caseView?.status === 'sent';

  // After a transition: the new event of the history takes the focus (the status when there is none).
  useEffect(() => {
    const expected = focusAtEvents.current;
    if (expected === undefined || !caseView || caseView.events.length < expected) return;
    focusAtEvents.current = undefined;
    (newestEvent.current ?? statusRef.current)?.focus();
  });

  // The notice a consultation step is about (its place among the case's notices).
  const [openNotice, setOpenNotice] = useState<number | undefined>(undefined);
  const open = (transition: string, notice?: number) => {
    setSubmitError(undefined);
    setOpenTransition(transition);
    setOpenNotice(notice ?? defaultNoticeOf(caseView?.exculpatoryNotices ?? [], transition, available));
  };

  const cancel = () => {
    const transition = openTransition;
    setOpenTransition(undefined);
    setSubmitError(undefined);
    if (transition) window.setTimeout(() => actionButtons.current.get(transition)?.focus(), 0);
  };

  const submit = async (transition: string, payload: Record<string, unknown>) => {
    setIsSubmitting(true);
    setSubmitError(undefined);
    try {
      const made = await answer(
        api.POST('/api/v1/requests/{id}/transitions', {
          params: { path: { id: requestId } },
          body: { name: transition, payload },
        }),
      );
      focusAtEvents.current = made.case.events.length;
      history.setData(made);
      setOpenTransition(undefined);
      await onChanged();
    } catch (error) {
      setSubmitError(error);
    } finally {
      setIsSubmitting(false);
    }
  };

  const checklist = screening.data;
  const isBlockedByScreening = (transition: string) =>
    checklist !== undefined && !checklist.complete && checklist.gatedTransitions.includes(transition);
  // Spontaneous information is never decided on: its checklist has no item, and no panel.
  const screeningPanel =
    checklist && checklist.items.length > 0 ? (
      <ScreeningPanel
        screening={checklist}
        // Read-only while a decision resting on it waits for its approver (the node refuses a change then).
        canReview={canReview && !pendingApproval}
        onSaved={(saved) => screening.setData(saved)}
      />
    ) : null;

  /** What the other State may do next; nothing while the request has not reached it or it waits for this side. */
  const otherSideNext = (): string => {
    if (isNotReached) return t('case.otherSideNextNotReached');
    // Its conditions or questions wait for this side's answer.
    const isWaitingForThisSide = caseView?.awaitingAnswer && side === 'requesting';
    if (isWaitingForThisSide || otherSideMay.length === 0) return t('case.otherSideWaits');
    return formatList(
      otherSideMay.map((transition) => t(`caseAction.${transition}`, { defaultValue: transition })),
      'disjunction',
    );
  };

  return (
    <Paper
      component="section"
      aria-labelledby="case-title"
      withBorder
      p="sm"
      mb="md"
      data-testid="case-panel"
    >
      <Title order={2} size="h4" id="case-title" mb="xs">
        {t('case.title')}
      </Title>
      <Stack gap="sm">
        <div ref={statusRef} tabIndex={-1} style={{ outline: 'none' }} data-testid="case-status-block">
          <FactList
            facts={[
              {
                label: t('case.status'),
                value: (
                  <Badge
                    variant="light"
                    color="blue"
                    className="badge-whole"
                    data-testid="case-status"
                    data-status={status}
                  >
                    {t(`caseStatus.${status}`, { defaultValue: status })}
                  </Badge>
                ),
              },
              {
                label: t('case.side'),
                // Spontaneous information has no request: its sides send and receive it (Art. 40(4)).
                value:
                  request.type === 'spontaneous-information'
                    ? t(side === 'requested' ? 'case.sideReceiving' : 'case.sideSending')
                    : side === 'requested'
                      ? t('case.sideRequested')
                      : t('case.sideRequesting'),
                testId: 'case-side',
              },
              Boolean(otherState) && {
                label: t('case.counterpart'),
                value: otherState,
                testId: 'case-counterpart',
              },
              request.peerNodeId !== null && {
                label: t('case.counterpartNode'),
                value: <span className="machine-text">{request.peerNodeId}</span>,
              },
              caseView !== undefined && {
                label: t('case.otherSide'),
                value: (
                  <span data-testid="case-other-side">
                    {isUnsent ? (
                      t('case.otherSideNotSent')
                    ) : isNotReached ? (
                      t('case.otherSideNotReached')
                    ) : (
                      <>
                        {t(`caseStatus.${caseView.otherSide.status}`, {
                          defaultValue: caseView.otherSide.status,
                        })}
                        {' — '}
                        {lastMessage
                          ? t('case.lastMessage', {
                              state: t(`deliveryState.${lastMessage.state}`, {
                                defaultValue: lastMessage.state,
                              }),
                            })
                          : t('case.noMessageSent')}
                      </>
                    )}
                  </span>
                ),
              },
              // What the other State may do next, or that the case waits for this side.
              caseView !== undefined &&
                !isUnsent &&
                (otherSideMay.length > 0 || availablePrompted.length > 0 || othersMay.length > 0) && {
                  label: t('case.otherSideNext', { state: otherState || t('case.counterpart') }),
                  value: otherSideNext(),
                  testId: 'case-other-side-next',
                },
            ]}
          />
          <Text size="xs" c="gray.7" mt={4}>
            {t('case.otherSideNote')}
          </Text>
        </div>

        {caseView?.awaitingAnswer ? (
          // Whose turn it is while the status stays "under assessment", with what is to be answered.
          <OtherSideWords
            color="yellow"
            testId="case-awaiting-answer"
            textTestId="case-awaiting-text"
            data={{ 'data-kind': caseView.awaitingAnswer.kind }}
            title={t(
              `case.awaiting.${caseView.awaitingAnswer.kind}${side === 'requesting' ? 'ToUs' : 'ToThem'}`,
              { state: otherState || t('case.counterpart') },
            )}
            text={caseView.awaitingAnswer.text}
          />
        ) : null}

        {(caseView?.conditionsInForce ?? []).map((conditions) => (
          // Accepted conditions bind for the rest of the case (Art. 40(27)): both sides keep them in view.
          <OtherSideWords
            key={conditions.acceptedAt}
            color="gray"
            testId="case-conditions-in-force"
            textTestId="case-conditions-in-force-text"
            data={{}}
            title={t(side === 'requesting' ? 'case.conditionsInForceOurs' : 'case.conditionsInForceTheirs', {
              state: otherState || t('case.counterpart'),
              time: formatInstant(conditions.acceptedAt),
            })}
            text={conditions.text}
          />
        ))}

        {caseView ? (
          <ExculpatoryNotices
            notices={caseView.exculpatoryNotices}
            isRecipient={side === (request.type === 'spontaneous-information' ? 'requested' : 'requesting')}
            available={available}
            onStep={open}
          />
        ) : null}

        {caseView?.lastAnswer && side === 'requested' ? (
          // The requesting State answered what this side asked: said at the top until this side acts.
          <OtherSideWords
            color="blue"
            testId="case-last-answer"
            textTestId="case-last-answer-text"
            data={{ 'data-outcome': caseView.lastAnswer.outcome }}
            title={t(`case.answered.${caseView.lastAnswer.outcome}`, {
              state: otherState || t('case.counterpart'),
            })}
            text={caseView.lastAnswer.text}
          />
        ) : null}

        {caseView ? (
          <CaseDeadlines
            deadlines={caseView.deadlines}
            requestedStateName={stateName(states, requestedStateCode)}
            requestedTimeZone={requestedState?.timeZone}
          />
        ) : null}

        {canReadScreening ? <ProblemAlert error={screening.error} /> : null}
        {/* A reviewer answers the screening before deciding: it comes before the actions. */}
        {canReview ? screeningPanel : null}

        <section aria-labelledby="case-actions-title">
          <Title order={3} size="h5" id="case-actions-title" mb={6}>
            {t('case.actions')}
          </Title>
          {available.length === 0 ? (
            <Text size="sm" c="gray.7" data-testid="case-no-actions">
              {/* Nothing to do on the case itself, but perhaps a decision to take, or to wait for, above. */}
              {pendingApproval
                ? t(
                    !pendingApproval.mayDecide
                      ? 'case.approvalAwaited'
                      : pendingApproval.mayApprove
                        ? 'case.approvalAsked'
                        : // An intrusive measure without the designated role: a return only.
                          'case.returnAsked',
                  )
                : othersMay.length > 0
                  ? t('case.othersMay', { steps: othersMayText })
                  : t('case.noActions')}
            </Text>
          ) : (
            <Group gap="xs" mb={openTransition ? 'sm' : 0}>
              {available.map((transition) => (
                <Button
                  key={transition}
                  ref={(element) => {
                    if (element) actionButtons.current.set(transition, element);
                    else actionButtons.current.delete(transition);
                  }}
                  size="compact-sm"
                  variant={openTransition === transition ? 'filled' : 'default'}
                  aria-expanded={openTransition === transition}
                  aria-controls={openTransition === transition ? 'case-transition-form' : undefined}
                  onClick={() => (openTransition === transition ? cancel() : open(transition))}
                  data-testid={`transition-${transition}`}
                >
                  {t(`caseAction.${transition}`, { defaultValue: transition })}
                </Button>
              ))}
            </Group>
          )}
          {available.length > 0 && othersMay.length > 0 ? (
            // An officer offered only "Decline the conditions" learns that a supervisor may accept them.
            <Text size="xs" c="gray.7" mt={4} data-testid="case-others-may-too">
              {t('case.othersMayToo', { steps: othersMayText })}
            </Text>
          ) : null}
          {canUploadEvidence && !openTransition ? (
            // The evidence section comes after the whole case: the custodian's way to it from here,
            // after the case's own steps (acknowledging comes first), and not between a step and its form.
            <Button
              variant="subtle"
              size="compact-sm"
              mt={6}
              // A long label wraps on a phone rather than pushing the page sideways (320 px).
              h="auto"
              py={4}
              styles={{ label: { whiteSpace: 'normal', textAlign: 'start' } }}
              data-testid="case-to-evidence"
              onClick={() => {
                const heading = document.getElementById('evidence-title');
                heading?.scrollIntoView({ block: 'start', behavior: 'smooth' });
                heading?.focus({ preventScroll: true });
              }}
            >
              {t('case.toEvidence')}
            </Button>
          ) : null}
          {openTransition && isBlockedByScreening(openTransition) ? (
            <Alert id="case-transition-form" color="orange" variant="light" data-testid="screening-required">
              {checklist && checklist.missing.length === 0 && checklist.outdated.length > 0
                ? t('screening.requiredReread', {
                    items: formatList(
                      checklist.items.filter((item) => item.isOutdated).map((item) => localized(item.title)),
                    ),
                  })
                : t('screening.requiredFirst', { count: checklist?.missing.length ?? 0 })}
            </Alert>
          ) : openTransition ? (
            <div id="case-transition-form">
              <TransitionForm
                allowedGrounds={
                  checklist?.gatedTransitions.includes('refuse') ? checklist.groundsSupported : undefined
                }
                refusalDuties={checklist?.dutiesOnRefusal}
                key={openTransition}
                preservedUntil={caseView?.preservation?.preservedUntil}
                answering={
                  ANSWERING_TRANSITIONS.includes(openTransition)
                    ? caseView?.awaitingAnswer?.text
                    : openNotice !== undefined
                      ? caseView?.exculpatoryNotices[openNotice]?.disclosure
                      : undefined
                }
                notice={openNotice}
                requestedDays={request.content.preservationDays}
                transition={openTransition}
                receivedPackages={request.direction === 'incoming' ? [] : receivedPackages.data}
                isSpontaneous={request.type === 'spontaneous-information'}
                requestType={request.type}
                otherState={otherState}
                catalogue={catalogue}
                isSubmitting={isSubmitting}
                error={submitError}
                onSubmit={(payload) => void submit(openTransition, payload)}
                onCancel={cancel}
              />
            </div>
          ) : null}
        </section>

        {/* Read only (a duty officer's acknowledgement due within the hour): after the actions, not above them. */}
        {canReview ? null : screeningPanel}

        <section aria-labelledby="case-history-title">
          <Title order={3} size="h5" id="case-history-title" mb={6}>
            {t('case.history')}
          </Title>
          <ProblemAlert error={history.error} title={t('case.historyFailed')} />
          {caseView ? (
            <CaseTimeline
              ref={newestEvent}
              events={caseView.events}
              flow={caseView.flow}
              isUnsent={isUnsent}
              otherStateName={otherState}
              catalogue={catalogue}
            />
          ) : history.isLoading ? (
            <Text size="sm" c="gray.7">
              {t('common.loading')}
            </Text>
          ) : null}
        </section>

        {caseView ? <CaseFigures figures={caseView.figures} /> : null}
      </Stack>
    </Paper>
  );
}
