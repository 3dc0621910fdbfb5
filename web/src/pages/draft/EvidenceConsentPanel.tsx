/**
 * Consent to use received evidence (docs/evidence.md, "Conditions of use and consent").
 * Requesting side (a request sent from here): for a verified package, ask the sending State's
 * consent to a use its conditions block (onward transfer to a State, use in another case,
 * disclosure) with the reasons, and record a use, which the node refuses (consent-required) until
 * a matching consent is recorded; the state of each ask. Executing side (a request received here):
 * the asks of the requesting State, each pending one with its answer form (granted with
 * conditions, or refused with reasons). Labels: section evidenceConsent.
 */
import {
  Badge,
  Button,
  Checkbox,
  Group,
  NativeSelect,
  Paper,
  Radio,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiAnswer } from '../../../../src/api-client/client.ts';
import { answer, api, type CaseView, isApiError } from '../../app/api.ts';
import { useCan } from '../../app/session.tsx';
import { citationText, formatDateTime } from '../../components/format.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { useApi } from '../../components/use-api.ts';

type Consent = ApiAnswer<'/api/v1/requests/{id}/evidence/consents', 'get'>['consents'][number];
type EvidencePackage = ApiAnswer<'/api/v1/requests/{id}/evidence/packages', 'get'>['packages'][number];
type UseKind = Consent['use']['kind'];

const USE_KINDS: readonly UseKind[] = ['onward-transfer', 'other-case', 'disclosure'];
const STATUS_COLOR: Record<Consent['status'], string> = {
  pending: 'blue.9',
  granted: 'teal.9',
  refused: 'red.9',
};

function ConsentLine({ consent }: { consent: Consent }) {
  const { t } = useTranslation();
  return (
    <Stack gap={2}>
      <Group gap="xs" wrap="wrap">
        <Text fw={600} size="sm">
          {t(`evidenceConsent.use.${consent.use.kind}`)}
          {consent.use.target ? ` — ${consent.use.target}` : ''}
        </Text>
        <Badge variant="outline" color={STATUS_COLOR[consent.status]} data-testid="consent-status">
          {t(`evidenceConsent.status.${consent.status}`)}
        </Badge>
      </Group>
      <Text size="sm" dir="auto">
        {t('evidenceConsent.askedAt', { at: formatDateTime(consent.askedAt) })} {consent.reasons}
      </Text>
      {consent.answeredAt ? (
        <Text size="sm" dir="auto">
          {t('evidenceConsent.answeredAt', { at: formatDateTime(consent.answeredAt) })}{' '}
          {consent.answerReasons}
          {consent.answerConditions
            ? ` ${t('evidenceConsent.withConditions', { conditions: consent.answerConditions })}`
            : ''}
        </Text>
      ) : null}
    </Stack>
  );
}

type NoticeState = Readonly<
  { state: 'ready'; notifiedAt: string } | { state: 'no-notice' } | { state: 'consultation-pending' }
>;

/**
 * Whether an exculpatory disclosure of the package may be recorded (Art. 40(19)): a notice of the
 * case names it, and no notice naming it, given in advance, waits for a consultation asked for.
 * The node checks the same (and the day a notice given in advance announced); undefined while
 * the case is not read.
 */
function exculpatoryStateOf(
  notices: CaseView['exculpatoryNotices'] | undefined,
  packageId: string,
): NoticeState | undefined {
  if (!notices) return undefined;
  const naming = notices.filter((entry) =>
    entry.packageIds.some((id) => id.toLowerCase() === packageId.toLowerCase()),
  );
  const latest = naming.at(-1);
  if (!latest) return { state: 'no-notice' };
  const isWaiting = naming.some(
    (entry) =>
      entry.timing === 'prior' && entry.consultationRequested !== null && entry.consultationHeld === null,
  );
  return isWaiting ? { state: 'consultation-pending' } : { state: 'ready', notifiedAt: latest.notifiedAt };
}

function AskForm({
  requestId,
  packages,
  onDone,
}: {
  requestId: string;
  packages: readonly EvidencePackage[];
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const [packageId, setPackageId] = useState(packages[0]?.id ?? '');
  const [kind, setKind] = useState<UseKind>('onward-transfer');
  const [target, setTarget] = useState('');
  const [reasons, setReasons] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState<'ask' | 'use' | undefined>(undefined);
  // Art. 40(19): a disclosure of exculpatory evidence in the proceedings needs notice, not consent.
  const [isExculpatory, setIsExculpatory] = useState(false);
  const use = { kind, target: target.trim() || null };
  const ask = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setNotice('');
    setBusy('ask');
    try {
      await answer(
        api.POST('/api/v1/requests/{id}/evidence/consents', {
          params: { path: { id: requestId } },
          body: { packageId, use, reasons: reasons.trim() },
        }),
      );
      setReasons('');
      setNotice(t('evidenceConsent.asked'));
      onDone();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(undefined);
    }
  };
  const recordUse = async () => {
    setError(undefined);
    setNotice('');
    setBusy('use');
    try {
      await answer(
        api.POST('/api/v1/requests/{id}/evidence/uses', {
          params: { path: { id: requestId } },
          body: {
            packageId,
            use,
            ...(reasons.trim() ? { note: reasons.trim() } : {}),
            ...(kind === 'disclosure' && isExculpatory ? { exculpatory: true } : {}),
          },
        }),
      );
      setNotice(t('evidenceConsent.useRecorded'));
      onDone();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(undefined);
    }
  };
  // The notices of the case that name the package: read once the use is marked exculpatory.
  const isExculpatoryUse = kind === 'disclosure' && isExculpatory;
  const history = useApi(
    () =>
      isExculpatoryUse
        ? answer(api.GET('/api/v1/requests/{id}/history', { params: { path: { id: requestId } } }))
        : Promise.resolve(undefined),
    [requestId, isExculpatoryUse],
  );
  const noticeState = isExculpatoryUse
    ? exculpatoryStateOf(history.data?.case.exculpatoryNotices, packageId)
    : undefined;
  const blocked =
    isApiError(error) && error.code === 'consent-required'
      ? (error.problem.errors ?? []).map((item) => item.path?.replace(/^conditions\./, '') ?? '')
      : [];
  return (
    <Stack component="form" gap="xs" onSubmit={ask} data-testid="consent-ask-form">
      <Title order={3} size="h5">
        {t('evidenceConsent.askTitle')}
      </Title>
      {packages.length > 1 ? (
        <NativeSelect
          label={t('evidenceConsent.package')}
          value={packageId}
          onChange={(e) => setPackageId(e.currentTarget.value)}
          data={packages.map((item) => ({ value: item.id, label: item.id }))}
        />
      ) : null}
      <NativeSelect
        label={t('evidenceConsent.useLabel')}
        value={kind}
        onChange={(e) => setKind(e.currentTarget.value as UseKind)}
        data={USE_KINDS.map((value) => ({ value, label: t(`evidenceConsent.use.${value}`) }))}
        maw={360}
      />
      <TextInput
        label={t(`evidenceConsent.target.${kind}`)}
        value={target}
        onChange={(e) => setTarget(e.currentTarget.value)}
        required={kind !== 'disclosure'}
        maw={360}
      />
      {kind === 'disclosure' ? (
        <Checkbox
          label={`${t('evidenceConsent.exculpatory')} (${citationText(40, '19')})`}
          description={t('evidenceConsent.exculpatoryHelp')}
          checked={isExculpatory}
          onChange={(event) => setIsExculpatory(event.currentTarget.checked)}
          data-testid="use-exculpatory"
        />
      ) : null}
      {noticeState ? (
        <Text
          size="sm"
          c={noticeState.state === 'ready' ? 'teal.9' : 'red.9'}
          fw={noticeState.state === 'ready' ? undefined : 600}
          data-testid="exculpatory-notice-state"
          data-state={noticeState.state}
        >
          {noticeState.state === 'ready'
            ? t('evidenceConsent.noticeGiven', { at: formatDateTime(noticeState.notifiedAt) })
            : t(
                noticeState.state === 'no-notice'
                  ? 'evidenceConsent.noNotice'
                  : 'evidenceConsent.consultationPending',
              )}
        </Text>
      ) : null}
      <Textarea
        label={t('evidenceConsent.reasons')}
        value={reasons}
        onChange={(e) => setReasons(e.currentTarget.value)}
        autosize
        minRows={2}
      />
      <Group>
        <Button type="submit" loading={busy === 'ask'} disabled={!packageId || reasons.trim() === ''}>
          {t('evidenceConsent.ask')}
        </Button>
        <Button
          variant="default"
          onClick={recordUse}
          loading={busy === 'use'}
          // An exculpatory disclosure waits for its notice (and a consultation asked for on it).
          // (while the case is read, too: what it holds decides).
          disabled={!packageId || (isExculpatoryUse && noticeState?.state !== 'ready')}
        >
          {t('evidenceConsent.recordUse')}
        </Button>
      </Group>
      {notice ? (
        <Text size="sm" role="status" c="teal.9">
          {notice}
        </Text>
      ) : null}
      {blocked.length > 0 ? (
        <Stack gap={2} role="alert" data-testid="consent-required">
          <Text size="sm" fw={600} c="red.9">
            {t('evidenceConsent.blockedTitle')}
          </Text>
          {blocked.map((condition) => (
            <Text key={condition} size="sm" c="red.9">
              {t(`evidenceConsent.blocked.${condition}`, { defaultValue: condition })}
            </Text>
          ))}
        </Stack>
      ) : (
        <ProblemAlert error={error} title={t('evidenceConsent.failed')} />
      )}
    </Stack>
  );
}

function AnswerForm({
  requestId,
  consent,
  onDone,
}: {
  requestId: string;
  consent: Consent;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const [decision, setDecision] = useState<'granted' | 'refused'>('granted');
  const [conditions, setConditions] = useState('');
  const [reasons, setReasons] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [isSaving, setIsSaving] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setIsSaving(true);
    try {
      await answer(
        api.POST('/api/v1/requests/{id}/evidence/consents/{consentId}/answer', {
          params: { path: { id: requestId, consentId: consent.id } },
          body: {
            decision,
            reasons: reasons.trim(),
            ...(decision === 'granted' && conditions.trim() ? { conditions: conditions.trim() } : {}),
          },
        }),
      );
      onDone();
    } catch (caught) {
      setError(caught);
    } finally {
      setIsSaving(false);
    }
  };
  return (
    <Stack component="form" gap="xs" onSubmit={submit} data-testid="consent-answer-form">
      <Radio.Group
        label={t('evidenceConsent.decision')}
        value={decision}
        onChange={(value) => setDecision(value === 'refused' ? 'refused' : 'granted')}
      >
        <Group mt={4}>
          <Radio value="granted" label={t('evidenceConsent.grant')} />
          <Radio value="refused" label={t('evidenceConsent.refuse')} />
        </Group>
      </Radio.Group>
      {decision === 'granted' ? (
        <Textarea
          label={t('evidenceConsent.conditions')}
          value={conditions}
          onChange={(e) => setConditions(e.currentTarget.value)}
          autosize
          minRows={1}
        />
      ) : null}
      <Textarea
        label={t('evidenceConsent.answerReasons')}
        value={reasons}
        onChange={(e) => setReasons(e.currentTarget.value)}
        required
        autosize
        minRows={2}
      />
      <Group>
        <Button type="submit" loading={isSaving} disabled={reasons.trim() === ''}>
          {t('evidenceConsent.answer')}
        </Button>
      </Group>
      <ProblemAlert error={error} title={t('evidenceConsent.failed')} />
    </Stack>
  );
}

export function EvidenceConsentPanel({
  requestId,
  direction,
}: {
  requestId: string;
  direction: 'incoming' | 'outgoing';
}) {
  const { t } = useTranslation();
  const canConsentAsk = useCan('evidence:consent-ask');
  const canRead = useCan('evidence:read');
  const canAsk = canConsentAsk && canRead;
  const canAnswer = useCan('evidence:consent-answer');
  const isExecuting = direction === 'incoming';
  const consents = useApi(
    () => answer(api.GET('/api/v1/requests/{id}/evidence/consents', { params: { path: { id: requestId } } })),
    [requestId],
  );
  const packages = useApi(
    () =>
      !isExecuting && canAsk
        ? answer(api.GET('/api/v1/requests/{id}/evidence/packages', { params: { path: { id: requestId } } }))
        : Promise.resolve({ packages: [] as EvidencePackage[] }),
    [requestId, isExecuting, canAsk],
  );
  const verified = (packages.data?.packages ?? []).filter(
    (item) => item.direction === 'incoming' && item.status === 'verified',
  );
  const list = consents.data?.consents ?? [];
  return (
    <Paper
      component="section"
      aria-labelledby="evidence-consent-title"
      withBorder
      p="md"
      mb="md"
      data-testid="evidence-consent-panel"
    >
      <Title order={2} size="h3" id="evidence-consent-title" mb="xs">
        {t('evidenceConsent.title')}
      </Title>
      <Text size="sm" mb="sm">
        {t(isExecuting ? 'evidenceConsent.introExecuting' : 'evidenceConsent.introRequesting')}
      </Text>
      <Stack gap="sm">
        {!isExecuting && canAsk && verified.length > 0 ? (
          <AskForm requestId={requestId} packages={verified} onDone={consents.reload} />
        ) : null}
        <ProblemAlert error={consents.error} />
        {consents.data && list.length === 0 ? <Text size="sm">{t('evidenceConsent.none')}</Text> : null}
        {list.map((consent) => (
          <Paper
            key={consent.id}
            withBorder
            p="sm"
            data-testid="evidence-consent"
            data-status={consent.status}
          >
            <Stack gap="xs">
              <ConsentLine consent={consent} />
              {isExecuting && canAnswer && consent.status === 'pending' ? (
                <AnswerForm requestId={requestId} consent={consent} onDone={consents.reload} />
              ) : null}
            </Stack>
          </Paper>
        ))}
      </Stack>
    </Paper>
  );
}
