/**
 * A request's approvals (the two-person rule): who submitted it and when, who approved or
 * returned it, the reasons and the reference of the authorising decision; and, for a supervisor
 * other than the person who submitted what waits, the decision itself: approve (which sends the
 * request, or the response to the requesting State) or return with reasons. An intrusive measure
 * asks for the reference of the authorising decision. Shows nothing for a request never submitted.
 * The request's page reads the approvals (GET /api/v1/requests/{id}/approvals) once for this panel
 * and its send button, and reads them again after a decision (onDecided).
 */
import { Alert, Button, Group, Paper, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { answer, api, type ApprovalItem, type RequestApprovals } from '../../app/api.ts';
import { FactList } from '../../components/FactList.tsx';
import { formatInstant, labelled } from '../../components/format.ts';
import { useCatalogue } from '../../components/reference-data.ts';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { fieldErrorsOf } from '../../components/field-errors.ts';
import { payloadFacts } from './CaseTimeline.tsx';

type ApprovalPanelProps = Readonly<{
  /** The request's approvals, once read. */
  approvals: RequestApprovals | undefined;
  /** Why reading them failed, if it did. */
  error: unknown;
  /** A decision was made: the approvals (and the request) are read again. */
  onDecided: () => void;
}>;

export function ApprovalPanel({ approvals, error, onDecided }: ApprovalPanelProps) {
  const { t } = useTranslation();
  const items = approvals?.items ?? [];
  if (items.length === 0) return <ProblemAlert error={error} />;
  return (
    <Paper withBorder p="md" mb="md" data-testid="approval-panel">
      <Title order={2} size="h4" mb="xs">
        {t('approval.panelTitle')}
      </Title>
      <Stack gap="xs">
        {/* Each item waiting for a decision has its own, under what it is: an evidence package and a
            response waiting together are two decisions, not one button that decides the first. */}
        {items.map((item) => (
          <Fragment key={item.id}>
            <ApprovalRecord item={item} />
            {item.state === 'pending' ? <Decision item={item} onDecided={onDecided} /> : null}
          </Fragment>
        ))}
      </Stack>
    </Paper>
  );
}

/** What an item asks to approve: "Response: Report full execution", "Evidence package". */
function subjectOf(item: ApprovalItem, t: ReturnType<typeof useTranslation>['t']): string {
  return item.kind === 'case-transition' && item.transition
    ? labelled(
        t('approval.kind.case-transition'),
        t(`caseAction.${item.transition}`, { defaultValue: item.transition }),
      )
    : t(`approval.kind.${item.kind}`);
}

function ApprovalRecord({ item }: { item: ApprovalItem }) {
  const { t } = useTranslation();
  const catalogue = useCatalogue();
  // A response waiting for its second person: what it says (a refusal's grounds and reasons), read before deciding.
  const said =
    item.state === 'pending' && item.transitionPayload
      ? payloadFacts(item.transitionPayload, catalogue.data, t)
      : [];
  const what = subjectOf(item, t);
  return (
    <Stack gap={2} data-testid="approval-record" data-state={item.state}>
      <Text size="sm" fw={700}>
        {what} · {t(`approval.state.${item.state}`)}
      </Text>
      <Text size="sm">
        {t('approval.submitted', {
          name: item.submittedBy.displayName,
          at: formatInstant(item.submittedAt),
        })}
      </Text>
      {item.decidedBy && item.decidedAt ? (
        <Text size="sm">
          {t('approval.decided', {
            decision: t(`approval.state.${item.state}`),
            name: item.decidedBy.displayName,
            at: formatInstant(item.decidedAt),
          })}
        </Text>
      ) : null}
      {said.length > 0 ? (
        <div data-testid="approval-says">
          <FactList facts={said} />
        </div>
      ) : null}
      {item.reasons ? <Text size="sm">{t('approval.reasons', { reasons: item.reasons })}</Text> : null}
      {item.decisionReference ? (
        <Text size="sm">{t('approval.reference', { reference: item.decisionReference })}</Text>
      ) : null}
    </Stack>
  );
}

function Decision({ item, onDecided }: { item: ApprovalItem; onDecided: () => void }) {
  const { t } = useTranslation();
  const [reference, setReference] = useState('');
  const [reasons, setReasons] = useState('');
  const [busy, setBusy] = useState<'approve' | 'return' | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [isConfirming, setIsConfirming] = useState(false);
  // An intrusive measure's approval names its authorising decision: said at the field before asking.
  const [isReferenceMissing, setIsReferenceMissing] = useState(false);
  if (!item.mayDecide) {
    return (
      <Alert color="gray" variant="light" data-testid="approval-waiting">
        {t('approval.waitingForSupervisor')}
      </Alert>
    );
  }
  const id = item.requestId ?? item.subjectId;
  const decide = async (decision: 'approve' | 'return') => {
    setBusy(decision);
    setError(undefined);
    try {
      const decisionReference = reference.trim() || undefined;
      if (item.kind === 'request' && decision === 'approve') {
        await answer(
          api.POST('/api/v1/requests/{id}/approve', {
            params: { path: { id } },
            body: decisionReference ? { decisionReference } : {},
          }),
        );
      } else if (item.kind === 'request') {
        await answer(
          api.POST('/api/v1/requests/{id}/return', { params: { path: { id } }, body: { reasons } }),
        );
      } else if (item.kind === 'evidence-package') {
        await answer(
          api.POST('/api/v1/requests/{id}/evidence/packages/{packageId}/approval', {
            params: { path: { id, packageId: item.subjectId } },
            body:
              decision === 'approve'
                ? { decision, ...(decisionReference ? { decisionReference } : {}) }
                : { decision, reasons },
          }),
        );
      } else {
        await answer(
          api.POST('/api/v1/requests/{id}/response-approval', {
            params: { path: { id } },
            body:
              decision === 'approve'
                ? { decision, ...(decisionReference ? { decisionReference } : {}) }
                : { decision, reasons },
          }),
        );
      }
      onDecided();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(undefined);
    }
  };
  const fieldErrors = fieldErrorsOf(error);
  // What the approval does: it sends (the request, the response, the evidence) at once.
  const approveLabel =
    item.kind === 'request'
      ? t('approval.approveRequest')
      : item.kind === 'evidence-package'
        ? t('approval.approveEvidence')
        : t('approval.approveResponse');
  // The role an intrusive measure's approver holds, in the reader's words ("legal reviewer").
  const designatedRole = item.designatedRole
    ? t(`roles.${item.designatedRole}`, { defaultValue: item.designatedRole })
    : '';
  const referenceId = `approval-reference-${item.id}`;
  const reasonsId = `approval-reasons-${item.id}`;
  return (
    // A group named by what it decides: two decisions on one page have fields of the same names.
    <Stack gap="xs" data-testid="approval-decision" role="group" aria-label={subjectOf(item, t)}>
      {item.isIntrusive ? (
        <Alert color="red" variant="light">
          {t('approval.intrusive', { role: designatedRole })}
        </Alert>
      ) : null}
      {item.mayApprove ? null : (
        <Alert color="gray" variant="light" data-testid="approval-return-only">
          {t('approval.returnOnly', { role: designatedRole })}
        </Alert>
      )}
      <TextInput
        id={referenceId}
        error={
          fieldErrors.get('/decisionReference') ??
          (isReferenceMissing ? t('a11y.fieldError.required') : undefined)
        }
        label={t('approval.decisionReference')}
        description={t(
          item.isIntrusive ? 'approval.decisionReferenceHelp' : 'approval.decisionReferenceOptional',
        )}
        value={reference}
        onChange={(event) => {
          setReference(event.currentTarget.value);
          setIsReferenceMissing(false);
        }}
        required={item.isIntrusive}
        maxLength={500}
      />
      <Textarea
        id={reasonsId}
        error={fieldErrors.get('/reasons')}
        label={t('approval.returnReasons')}
        description={t('approval.returnReasonsHelp')}
        value={reasons}
        onChange={(event) => setReasons(event.currentTarget.value)}
        autosize
        minRows={2}
        maxLength={5000}
      />
      <Group gap="sm">
        <Button
          color="blue.8"
          loading={busy === 'approve'}
          disabled={busy !== undefined || !item.mayApprove}
          onClick={() => {
            if (item.isIntrusive && reference.trim() === '') {
              setIsReferenceMissing(true);
              document.getElementById(referenceId)?.focus();
              return;
            }
            setIsConfirming(true);
          }}
          data-testid="approval-approve"
        >
          {approveLabel}
        </Button>
        <Button
          variant="default"
          loading={busy === 'return'}
          disabled={busy !== undefined || reasons.trim() === ''}
          onClick={() => void decide('return')}
          data-testid="approval-return"
        >
          {t('approval.return')}
        </Button>
      </Group>
      <ConfirmModal
        isOpen={isConfirming}
        title={t('approval.approveConfirmTitle')}
        message={t('approval.approveConfirmMessage')}
        confirmLabel={approveLabel}
        confirmColor="blue.8"
        isBusy={busy === 'approve'}
        onConfirm={() => {
          setIsConfirming(false);
          void decide('approve');
        }}
        onCancel={() => setIsConfirming(false)}
      />
      <ProblemAlert
        error={error}
        title={t('approval.decisionFailed')}
        fields={{
          '/decisionReference': { label: t('approval.decisionReference'), id: referenceId },
          '/reasons': { label: t('approval.returnReasons'), id: reasonsId },
        }}
      />
    </Stack>
  );
}
