/**
 * Evidence packages of a request (docs/federation.md 6.3). Executing side (a request received
 * here): make a package of stored items with the conditions of use the requesting side must keep,
 * then send it; each package shows whether the requesting node verified it. Requesting side (a
 * request sent from here): the packages received, their verification and, when one failed, why;
 * the items themselves are in the evidence panel above, where they are downloaded decrypted.
 */
import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Fieldset,
  Group,
  Paper,
  Radio,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { KEEPS_DATA_ONLY_TYPES } from '../../../../src/core/evidence/disclosure.ts';
import type { ApiAnswer } from '../../../../src/api-client/client.ts';
import { answer, api } from '../../app/api.ts';
import { useCan } from '../../app/session.tsx';
import { DigestText } from '../../components/DigestText.tsx';
import { formatDateTime, formatNumber, nodeStateName } from '../../components/format.ts';
import { useStates } from '../../components/reference-data.ts';
import { takeFocusOnMount } from '../../components/focus-keeper.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { fieldErrorsOf } from '../../components/field-errors.ts';
import { useApi } from '../../components/use-api.ts';
import { LocaleDateInput } from '../../components/DateFields.tsx';
import { saveAs } from '../../components/save-file.ts';

type EvidencePackage = ApiAnswer<'/api/v1/requests/{id}/evidence/packages', 'get'>['packages'][number];
type EvidenceItem = ApiAnswer<'/api/v1/requests/{id}/evidence', 'get'>['items'][number];

const STATUS_COLOR: Record<EvidencePackage['status'], string> = {
  sealed: 'gray.8',
  offered: 'blue.9',
  fetching: 'blue.9',
  verified: 'teal.9',
  failed: 'red.9',
};

function MakePackageForm({
  requestId,
  items,
  onMade,
}: {
  requestId: string;
  items: readonly EvidenceItem[];
  onMade: (packageId: string) => void;
}) {
  const { t } = useTranslation();
  const stored = items.filter((item) => item.status === 'stored');
  const [chosen, setChosen] = useState<readonly string[]>([]);
  const [limited, setLimited] = useState(true);
  const [consent, setConsent] = useState(true);
  const [confidentialUntil, setConfidentialUntil] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [isSaving, setIsSaving] = useState(false);
  if (stored.length === 0) return <Text size="sm">{t('evidenceTransfer.noStoredItems')}</Text>;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setIsSaving(true);
    try {
      const made = await answer(
        api.POST('/api/v1/requests/{id}/evidence/packages', {
          params: { path: { id: requestId } },
          body: {
            itemIds: [...chosen],
            conditions: {
              limitedToRequestPurpose: limited,
              onwardTransferNeedsConsent: consent,
              confidentialUntil: confidentialUntil || null,
              note: note.trim(),
            },
          },
        }),
      );
      // The form starts afresh for the next package: the conditions too, not only the items.
      setChosen([]);
      setLimited(true);
      setConsent(true);
      setConfidentialUntil('');
      setNote('');
      onMade(made.package.id);
    } catch (caught) {
      setError(caught);
    } finally {
      setIsSaving(false);
    }
  };
  const fieldErrors = fieldErrorsOf(error);
  return (
    <Stack component="form" gap="xs" onSubmit={submit} data-testid="evidence-package-form">
      <Title order={3} size="h5">
        {t('evidenceTransfer.makeTitle')}
      </Title>
      <Checkbox.Group
        label={t('evidenceTransfer.chooseItems')}
        error={fieldErrors.get('/itemIds')}
        value={[...chosen]}
        onChange={(value) => setChosen(value)}
      >
        <Stack gap={4} mt={4}>
          {stored.map((item) => (
            <Checkbox key={item.id} value={item.id} label={item.fileName} />
          ))}
        </Stack>
      </Checkbox.Group>
      {/* The conditions apart from the items: they travel with the data, and the requesting side
          reads them with each item. */}
      <Fieldset legend={t('evidenceTransfer.conditions')} p="xs" data-testid="package-conditions">
        <Stack gap="xs">
          <Text size="xs" c="gray.7">
            {t('evidenceTransfer.conditionsHelp')}
          </Text>
          <Checkbox
            label={t('evidenceTransfer.limitedToPurpose')}
            checked={limited}
            onChange={(e) => setLimited(e.currentTarget.checked)}
          />
          <Checkbox
            label={t('evidenceTransfer.onwardNeedsConsent')}
            checked={consent}
            onChange={(e) => setConsent(e.currentTarget.checked)}
          />
          <LocaleDateInput
            id="package-confidential-until"
            error={fieldErrors.get('/conditions/confidentialUntil')}
            label={t('evidenceTransfer.confidentialUntil')}
            value={confidentialUntil}
            onChange={setConfidentialUntil}
            maw={240}
          />
          <Textarea
            id="package-note"
            error={fieldErrors.get('/conditions/note')}
            label={t('evidenceTransfer.note')}
            value={note}
            onChange={(e) => setNote(e.currentTarget.value)}
            autosize
            minRows={1}
          />
        </Stack>
      </Fieldset>
      <Group>
        <Button
          type="submit"
          loading={isSaving}
          disabled={chosen.length === 0}
          aria-describedby={chosen.length === 0 ? 'package-choose-first' : undefined}
        >
          {t('evidenceTransfer.make')}
        </Button>
        {chosen.length === 0 ? (
          <Text size="xs" c="gray.7" id="package-choose-first" data-testid="package-choose-first">
            {t('evidenceTransfer.chooseFirst')}
          </Text>
        ) : null}
      </Group>
      <ProblemAlert
        error={error}
        title={t('evidenceTransfer.makeFailed')}
        fields={{
          '/itemIds': { label: t('evidenceTransfer.chooseItems') },
          '/conditions/confidentialUntil': {
            label: t('evidenceTransfer.confidentialUntil'),
            id: 'package-confidential-until',
          },
          '/conditions/note': { label: t('evidenceTransfer.note'), id: 'package-note' },
        }}
      />
    </Stack>
  );
}

/**
 * The court-ready export of a package (docs/evidence.md): the reason (recorded in each item's
 * custody), the items decrypted or encrypted with age to a recipient; the node answers a tar.
 */
function ExportForm({ packageId }: { packageId: string }) {
  const { t, i18n } = useTranslation();
  const [isOpen, setIsOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [form, setForm] = useState<'decrypted' | 'age'>('age');
  const [recipient, setRecipient] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [isExporting, setIsExporting] = useState(false);
  const [done, setDone] = useState<string | undefined>(undefined);
  if (!isOpen) {
    return (
      <Group>
        <Button size="xs" variant="default" onClick={() => setIsOpen(true)} data-testid="export-open">
          {t('evidenceExport.open')}
        </Button>
        {done ? (
          <Text size="sm" role="status">
            {t('evidenceExport.done', { file: done })}
          </Text>
        ) : null}
      </Group>
    );
  }
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setIsExporting(true);
    try {
      const blob = await answer(
        api.POST('/api/v1/evidence/exports', {
          params: { query: { lang: i18n.language } },
          body: {
            id: packageId,
            reason: reason.trim(),
            form,
            ...(form === 'age' ? { ageRecipient: recipient.trim() } : {}),
          },
          parseAs: 'blob',
        }),
      );
      const fileName = `evidence-export-${packageId}.tar`;
      saveAs(blob as unknown as Blob, fileName);
      setDone(fileName);
      setReason('');
      setIsOpen(false);
    } catch (caught) {
      setError(caught);
    } finally {
      setIsExporting(false);
    }
  };
  return (
    <Stack component="form" gap="xs" onSubmit={submit} data-testid="evidence-export-form">
      <Title order={3} size="h5">
        {t('evidenceExport.title')}
      </Title>
      <Text size="sm">{t('evidenceExport.intro')}</Text>
      <Textarea
        label={t('evidenceExport.reason')}
        description={t('evidenceExport.reasonHint')}
        value={reason}
        onChange={(e) => setReason(e.currentTarget.value)}
        required
        autosize
        minRows={2}
      />
      <Radio.Group
        label={t('evidenceExport.form')}
        value={form}
        onChange={(value) => setForm(value === 'decrypted' ? 'decrypted' : 'age')}
      >
        <Stack gap={4} mt={4}>
          <Radio value="age" label={t('evidenceExport.formAge')} />
          <Radio value="decrypted" label={t('evidenceExport.formDecrypted')} />
        </Stack>
      </Radio.Group>
      {form === 'age' ? (
        <TextInput
          label={t('evidenceExport.recipient')}
          description={t('evidenceExport.recipientHint')}
          value={recipient}
          onChange={(e) => setRecipient(e.currentTarget.value)}
          required
          dir="ltr"
          placeholder="age1…"
        />
      ) : null}
      <Text size="sm">{t('evidenceExport.verifyHint')}</Text>
      <Group>
        <Button type="submit" loading={isExporting} disabled={reason.trim() === ''}>
          {t('evidenceExport.submit')}
        </Button>
        <Button variant="subtle" onClick={() => setIsOpen(false)}>
          {t('evidenceExport.cancel')}
        </Button>
      </Group>
      <ProblemAlert error={error} title={t('evidenceExport.failed')} />
    </Stack>
  );
}

function PackageCard({
  requestId,
  item,
  canSend,
  canExport,
  onChanged,
  isJustMade,
}: {
  requestId: string;
  item: EvidencePackage;
  canSend: boolean;
  canExport: boolean;
  onChanged: () => void;
  /** Made by the user a moment ago: the card takes the focus when it appears. */
  isJustMade: boolean;
}) {
  const { t } = useTranslation();
  const states = useStates();
  const [error, setError] = useState<unknown>(undefined);
  const [isSending, setIsSending] = useState(false);
  const send = async () => {
    setError(undefined);
    setIsSending(true);
    try {
      await answer(
        api.POST('/api/v1/requests/{id}/evidence/packages/{packageId}/send', {
          params: { path: { id: requestId, packageId: item.id } },
        }),
      );
      onChanged();
    } catch (caught) {
      setError(caught);
    } finally {
      setIsSending(false);
    }
  };
  const { manifest } = item;
  const isAwaitingApproval = item.status === 'sealed' && item.approval === 'pending';
  return (
    <Paper
      withBorder
      p="sm"
      data-testid="evidence-package"
      data-package-id={item.id}
      ref={isJustMade ? takeFocusOnMount : undefined}
      data-status={item.status}
    >
      <Stack gap={6}>
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Group gap="xs" wrap="wrap">
            <Text fw={600}>
              {t(
                item.direction === 'outgoing' ? 'evidenceTransfer.sentTo' : 'evidenceTransfer.receivedFrom',
                { state: nodeStateName(states.data, item.peerNodeId) },
              )}
            </Text>
            {/* The short id a notice of exculpatory disclosure names the package by. */}
            <Text size="sm" c="gray.7" className="machine-text" data-testid="package-short-id">
              {item.id.slice(0, 8)}
            </Text>
            {/* One status: a sealed package waiting for the second person is not "ready to send". */}
            {isAwaitingApproval ? (
              <Badge variant="outline" color="gray.8" data-testid="package-awaiting-approval">
                {t('evidenceTransfer.awaitingApproval')}
              </Badge>
            ) : (
              <Badge variant="outline" color={STATUS_COLOR[item.status]} data-testid="package-status">
                {t(`evidenceTransfer.status.${item.status}`)}
              </Badge>
            )}
          </Group>
          {canSend && item.status === 'sealed' && item.approval !== 'pending' ? (
            <Button size="xs" onClick={send} loading={isSending}>
              {t('evidenceTransfer.send')}
            </Button>
          ) : null}
        </Group>
        <Text size="sm">
          {t('evidenceTransfer.summary', {
            items: formatNumber(manifest?.items.length ?? 0),
            size: formatNumber(item.totalBytes),
            chunks: formatNumber(item.chunkCount),
            at: formatDateTime(item.updatedAt),
          })}
        </Text>
        {item.failureReason ? (
          <Text size="sm" c="red.9" role="alert">
            {t('evidenceTransfer.failedBecause', { reason: item.failureReason })}
          </Text>
        ) : null}
        {manifest ? (
          <>
            <Table.ScrollContainer minWidth={480}>
              <Table withTableBorder striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{t('evidenceTransfer.item')}</Table.Th>
                    <Table.Th>{t('evidenceTransfer.size')}</Table.Th>
                    <Table.Th>SHA-256</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {manifest.items.map((entry) => (
                    <Table.Tr key={entry.id}>
                      <Table.Td dir="auto">{entry.name}</Table.Td>
                      <Table.Td>{formatNumber(entry.sizeBytes)}</Table.Td>
                      <Table.Td>
                        <DigestText digest={entry.sha256} />
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <Stack gap={2} data-testid="package-conditions">
              <Text size="sm" fw={600}>
                {t('evidenceTransfer.conditions')}
              </Text>
              {manifest.conditions.limitedToRequestPurpose ? (
                <Text size="sm">{t('evidenceTransfer.limitedToPurpose')}</Text>
              ) : null}
              {manifest.conditions.onwardTransferNeedsConsent ? (
                <Text size="sm">{t('evidenceTransfer.onwardNeedsConsent')}</Text>
              ) : null}
              {manifest.conditions.confidentialUntil ? (
                <Text size="sm">
                  {t('evidenceTransfer.confidentialUntilDate', {
                    date: manifest.conditions.confidentialUntil,
                  })}
                </Text>
              ) : null}
              {manifest.conditions.note ? (
                <Text size="sm" dir="auto">
                  {manifest.conditions.note}
                </Text>
              ) : null}
            </Stack>
          </>
        ) : null}
        {canExport && manifest && (item.direction === 'outgoing' || item.status === 'verified') ? (
          <ExportForm packageId={item.id} />
        ) : null}
        <ProblemAlert error={error} title={t('evidenceTransfer.sendFailed')} />
      </Stack>
    </Paper>
  );
}

export function EvidencePackagesPanel({
  requestId,
  requestType,
  direction,
  canExport,
  caseStatus,
  version,
  onSubmitted,
}: {
  requestId: string;
  requestType: string;
  direction: 'incoming' | 'outgoing';
  /** The case's status: once evidence is verified, an executing side still to report is told so. */
  caseStatus: string | null | undefined;
  /** Whether the user reads the items (and so may export them): evidence:read, or the request's author. */
  canExport: boolean;
  /** Changes when something about the request changed (a package approved elsewhere on the page, an upload stored). */
  version: string;
  /** A package was submitted for approval: the page's approval panel reads it. */
  onSubmitted: () => void;
}) {
  const { t } = useTranslation();
  const canUpload = useCan('evidence:upload');
  // The package the user just made: its card takes the focus when the list shows it.
  const [madeId, setMadeId] = useState<string | undefined>(undefined);
  const isExecuting = direction === 'incoming';
  const packages = useApi(
    () => answer(api.GET('/api/v1/requests/{id}/evidence/packages', { params: { path: { id: requestId } } })),
    [requestId, version],
  );
  const items = useApi(
    () =>
      isExecuting && canUpload
        ? answer(api.GET('/api/v1/requests/{id}/evidence', { params: { path: { id: requestId } } }))
        : Promise.resolve({ items: [] as EvidenceItem[] }),
    [requestId, isExecuting, canUpload, version],
  );
  const keepsDataOnly = KEEPS_DATA_ONLY_TYPES.includes(requestType);
  // The requesting State verified what was sent, and the case, in execution, has yet to say it was
  // carried out (the step that reports it is offered from there, to the roles that execute).
  const isExecutionToReport =
    isExecuting &&
    caseStatus === 'in-execution' &&
    (packages.data?.packages ?? []).some((item) => item.status === 'verified');
  return (
    <Paper
      component="section"
      aria-labelledby="evidence-packages-title"
      withBorder
      p="md"
      mb="md"
      data-testid="evidence-packages-panel"
    >
      <Title order={2} size="h3" id="evidence-packages-title" mb="xs">
        {t('evidenceTransfer.title')}
      </Title>
      <Text size="sm" mb="sm">
        {t(isExecuting ? 'evidenceTransfer.introExecuting' : 'evidenceTransfer.introRequesting')}
      </Text>
      <Stack gap="sm">
        {isExecuting && keepsDataOnly ? (
          // Preservation keeps data; disclosing it answers the request that follows (the node refuses
          // a package here: src/core/evidence/disclosure.ts).
          <Alert color="gray" variant="light" p="xs" data-testid="preservation-no-packages">
            <Text size="sm">{t('evidenceTransfer.preservationNoPackages')}</Text>
          </Alert>
        ) : null}
        {isExecuting && canUpload && !keepsDataOnly && items.data ? (
          <MakePackageForm
            requestId={requestId}
            items={items.data.items}
            onMade={(packageId) => {
              setMadeId(packageId);
              packages.reload();
            }}
          />
        ) : null}
        {isExecutionToReport ? (
          <Alert color="blue" variant="light" p="xs" data-testid="execution-to-report">
            <Text size="sm">
              {t('evidenceTransfer.executionToReport', {
                full: t('caseAction.execute-fully'),
                partial: t('caseAction.execute-partly'),
              })}
            </Text>
          </Alert>
        ) : null}
        <ProblemAlert error={packages.error} />
        {packages.data && packages.data.packages.length === 0 ? (
          <Text size="sm">{t('evidenceTransfer.none')}</Text>
        ) : null}
        {packages.data?.packages.map((item) => (
          <PackageCard
            key={item.id}
            requestId={requestId}
            item={item}
            canSend={isExecuting && canUpload}
            canExport={canExport}
            onChanged={() => {
              packages.reload();
              onSubmitted();
            }}
            isJustMade={item.id === madeId}
          />
        ))}
      </Stack>
    </Paper>
  );
}
