/**
 * Evidence of a request received here (the executing side; docs/evidence.md): upload a file with
 * its description and acquisition (tus, resumable, with progress), the items with their SHA-256
 * and the state of their chain of custody, each item's custody timeline, and downloads. Files are
 * never shown in the page: a download is always an attachment, and a sensitive item (child sexual
 * abuse material) is downloaded only by those allowed, after they give a reason.
 */
import {
  Badge,
  Button,
  Checkbox,
  FileInput,
  Group,
  Modal,
  Paper,
  Progress,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Upload } from 'tus-js-client';
import type { ApiAnswer } from '../../../../src/api-client/client.ts';
import { answer, api, apiUrl, csrfToken } from '../../app/api.ts';
import { useCan } from '../../app/session.tsx';
import { LocaleDateInput, LocaleDateTimeInput, unreadableDateText } from '../../components/DateFields.tsx';
import { isIsoValue, withUtcOffset } from '../../components/date-text.ts';
import { addDays, calendarDateOf } from '../../../../src/core/treaty/calendar-date.ts';
import { CustodyChainBadge } from '../../components/CustodyChainBadge.tsx';
import { DigestText } from '../../components/DigestText.tsx';
import { FactList } from '../../components/FactList.tsx';
import {
  formatDate,
  formatInstant,
  formatList,
  formatNumber,
  nodeStateName,
} from '../../components/format.ts';
import { useStates } from '../../components/reference-data.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { useApi } from '../../components/use-api.ts';

type EvidenceItem = ApiAnswer<'/api/v1/requests/{id}/evidence', 'get'>['items'][number];
type ItemDetail = ApiAnswer<'/api/v1/requests/{id}/evidence/{itemId}', 'get'>;

const ACQUISITION_FIELDS = ['what', 'fromWhom', 'when', 'how', 'byWhom', 'legalBasis'] as const;

/** When it was acquired, in this language's date and time when it is a moment, else as recorded. */
function acquisitionValue(field: (typeof ACQUISITION_FIELDS)[number], value: string): string {
  return field === 'when' && /^\d{4}-\d{2}-\d{2}T/.test(value) ? formatInstant(value) : value;
}

function contentUrl(requestId: string, itemId: string, reason?: string): string {
  return apiUrl(
    `/api/v1/requests/${encodeURIComponent(requestId)}/evidence/${encodeURIComponent(itemId)}/content`,
    { reason },
  );
}

/** Starts a download (an attachment: the browser saves it, the page never shows it). */
function download(url: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = '';
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
}

/** The browser's IANA time zone, which the moment of acquisition is typed in. */
function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

function UploadForm({
  requestId,
  preservedUntil,
  onUploaded,
}: {
  requestId: string;
  preservedUntil: string | undefined;
  onUploaded: () => void;
}) {
  const { t, i18n } = useTranslation();
  const [file, setFile] = useState<File | null>(null);
  const [description, setDescription] = useState('');
  const [isSensitive, setIsSensitive] = useState(false);
  // What the user typed; until they type, the item is kept as long as the data is preserved (a
  // date still to come), which the field proposes.
  const [typedRetention, setTypedRetention] = useState<string | undefined>(undefined);
  const proposedRetention =
    preservedUntil && preservedUntil > calendarDateOf(new Date()) ? preservedUntil : undefined;
  const retentionUntil = typedRetention ?? proposedRetention ?? '';
  const [retentionError, setRetentionError] = useState<string | undefined>(undefined);
  const [acquisition, setAcquisition] = useState<Record<string, string>>({});
  const [progress, setProgress] = useState<number | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [whenError, setWhenError] = useState<string | undefined>(undefined);
  /** The parts of the record left empty, while the custodian is asked whether to upload without them. */
  const [missingParts, setMissingParts] = useState<string[] | undefined>(undefined);

  const submit = (event: FormEvent | undefined, isIncompleteAccepted = false) => {
    event?.preventDefault();
    if (!file) return;
    setError(undefined);
    // The moment of acquisition goes with this browser's UTC offset; what the field cannot read is
    // named on it and nothing is sent.
    const when = acquisition.when ?? '';
    const moment = when === '' ? undefined : withUtcOffset(when);
    const whenProblem =
      when !== '' && moment === undefined
        ? unreadableDateText(t, i18n.language, true)
        : moment !== undefined && Date.parse(moment) > Date.now()
          ? t('evidence.items.acquisition.whenFuture')
          : undefined;
    if (whenProblem) {
      setWhenError(whenProblem);
      document.getElementById('acquisition-when')?.focus();
      return;
    }
    setWhenError(undefined);
    // The date the item is kept until: a date the field can read, after today.
    const retentionProblem =
      retentionUntil === ''
        ? undefined
        : !isIsoValue(retentionUntil, false)
          ? unreadableDateText(t, i18n.language, false)
          : retentionUntil <= calendarDateOf(new Date())
            ? t('evidence.items.retentionAfterToday')
            : undefined;
    if (retentionProblem) {
      setRetentionError(retentionProblem);
      document.getElementById('evidence-retention')?.focus();
      return;
    }
    setRetentionError(undefined);
    // The record of acquisition is sealed with the item: what is left out now stays out. Asked
    // once, with the missing parts named; the custodian may still upload without them.
    const missing = [
      ...ACQUISITION_FIELDS.filter((field) => !(field === 'when' ? moment : acquisition[field]?.trim())).map(
        (field) => t(`evidence.items.acquisition.${field}`),
      ),
      ...(retentionUntil ? [] : [t('evidence.items.retentionUntil')]),
    ];
    if (missing.length > 0 && !isIncompleteAccepted) {
      setMissingParts(missing);
      return;
    }
    setMissingParts(undefined);
    setProgress(0);
    const metadata: Record<string, string> = {
      filename: file.name,
      filetype: file.type || 'application/octet-stream',
    };
    if (description.trim()) metadata.description = description.trim();
    if (isSensitive) metadata.sensitive = 'true';
    if (retentionUntil) metadata.retentionUntil = retentionUntil;
    for (const field of ACQUISITION_FIELDS) {
      const value = field === 'when' ? moment : acquisition[field]?.trim();
      if (value) metadata[field] = value;
    }
    const token = csrfToken();
    const upload = new Upload(file, {
      endpoint: `/api/v1/requests/${encodeURIComponent(requestId)}/evidence/uploads`,
      metadata,
      headers: token ? { 'x-csrf-token': token } : {},
      retryDelays: [0, 1000, 3000, 5000],
      removeFingerprintOnSuccess: true,
      onProgress: (sent, total) => setProgress(total > 0 ? Math.floor((sent / total) * 100) : 100),
      onSuccess: () => {
        setProgress(undefined);
        setFile(null);
        setDescription('');
        setIsSensitive(false);
        setTypedRetention(undefined);
        setAcquisition({});
        onUploaded();
      },
      onError: (failure) => {
        setProgress(undefined);
        setError(failure);
      },
    });
    void upload.findPreviousUploads().then((previous) => {
      if (previous[0]) upload.resumeFromPreviousUpload(previous[0]);
      upload.start();
    });
  };

  const isUploading = progress !== undefined;
  return (
    <Stack component="form" onSubmit={submit} gap="xs" data-testid="evidence-upload">
      <ConfirmModal
        isOpen={missingParts !== undefined}
        title={t('evidence.items.incompleteTitle')}
        message={t('evidence.items.incompleteMessage', {
          parts: formatList(missingParts ?? []),
        })}
        confirmLabel={t('evidence.items.uploadAnyway')}
        dismissLabel={t('evidence.items.completeRecord')}
        confirmColor="blue.8"
        onConfirm={() => submit(undefined, true)}
        onCancel={() => setMissingParts(undefined)}
      />
      <FileInput
        label={t('evidence.items.file')}
        placeholder={t('evidence.items.chooseFile')}
        value={file}
        onChange={setFile}
        required
        clearable
        disabled={isUploading}
      />
      <Textarea
        label={t('evidence.items.description')}
        value={description}
        onChange={(e) => setDescription(e.currentTarget.value)}
        autosize
        minRows={1}
        disabled={isUploading}
      />
      <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm" verticalSpacing="xs">
        {ACQUISITION_FIELDS.map((field) =>
          field === 'when' ? (
            <LocaleDateTimeInput
              key={field}
              id="acquisition-when"
              label={t('evidence.items.acquisition.when')}
              description={t('evidence.items.acquisition.whenHelp', { zone: browserTimeZone() })}
              value={acquisition.when ?? ''}
              onChange={(value) => {
                setWhenError(undefined);
                setAcquisition((current) => ({ ...current, when: value }));
              }}
              error={whenError}
              disabled={isUploading}
              data-testid="acquisition-when-input"
            />
          ) : (
            <TextInput
              key={field}
              label={t(`evidence.items.acquisition.${field}`)}
              value={acquisition[field] ?? ''}
              onChange={(e) => {
                const value = e.currentTarget.value;
                setAcquisition((current) => ({ ...current, [field]: value }));
              }}
              disabled={isUploading}
            />
          ),
        )}
      </SimpleGrid>
      <LocaleDateInput
        id="evidence-retention"
        label={t('evidence.items.retentionUntil')}
        description={
          typedRetention === undefined && proposedRetention
            ? t('evidence.items.retentionProposed', { date: formatDate(proposedRetention) })
            : t('evidence.items.retentionHelp')
        }
        value={retentionUntil}
        onChange={(value) => {
          setRetentionError(undefined);
          setTypedRetention(value);
        }}
        min={addDays(calendarDateOf(new Date()), 1)}
        error={retentionError}
        disabled={isUploading}
        maw={320}
        data-testid="evidence-retention-input"
      />
      <Checkbox
        label={t('evidence.items.sensitive')}
        description={t('evidence.items.sensitiveHelp')}
        checked={isSensitive}
        onChange={(e) => setIsSensitive(e.currentTarget.checked)}
        disabled={isUploading}
      />
      {isUploading ? (
        <Progress
          value={progress}
          aria-label={t('evidence.items.progress', { percent: progress })}
          data-testid="evidence-progress"
        />
      ) : null}
      <Group>
        <Button type="submit" loading={isUploading} disabled={!file}>
          {t('evidence.items.upload')}
        </Button>
      </Group>
      <ProblemAlert error={error} title={t('evidence.items.uploadFailed')} />
    </Stack>
  );
}

function CustodyTimeline({ requestId, itemId }: { requestId: string; itemId: string }) {
  const { t } = useTranslation();
  const states = useStates();
  const detail = useApi<ItemDetail>(
    () =>
      answer(
        api.GET('/api/v1/requests/{id}/evidence/{itemId}', { params: { path: { id: requestId, itemId } } }),
      ),
    [requestId, itemId],
  );
  if (detail.error) return <ProblemAlert error={detail.error} />;
  if (!detail.data) return <Text size="sm">{t('common.loading')}</Text>;
  const { item, timeline } = detail.data;
  const bad = item.custody.chain.firstBadEvent;
  const { acquisition } = item;
  // An item that came in a package: this node's chain starts at its arrival; before, the sender's.
  const first = timeline[0];
  const cameFrom =
    first?.kind === 'received' ? (first.details as { from?: unknown } | null)?.from : undefined;
  return (
    <Stack gap="xs" data-testid="custody-timeline">
      {typeof cameFrom === 'string' ? (
        <Text size="sm" data-testid="custody-starts-here">
          {t('evidence.items.chainStartsHere', { state: nodeStateName(states.data, cameFrom) })}
        </Text>
      ) : null}
      <FactList
        facts={ACQUISITION_FIELDS.map(
          (field) =>
            Boolean(acquisition[field]?.trim()) && {
              label: t(`evidence.items.acquisition.${field}`),
              // What the uploader wrote, isolated in its own direction (an English name in Arabic).
              value: <bdi>{acquisitionValue(field, acquisition[field] ?? '')}</bdi>,
              testId: `acquisition-${field}`,
            },
        )}
      />
      {bad ? (
        <Text size="sm" c="red.9" role="alert">
          {t('evidence.items.chainBrokenAt', { sequence: bad.sequence, reason: bad.reason })}
        </Text>
      ) : null}
      <Table.ScrollContainer minWidth={480}>
        <Table striped withTableBorder>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>#</Table.Th>
              <Table.Th>{t('evidence.items.event')}</Table.Th>
              <Table.Th>{t('evidence.items.actor')}</Table.Th>
              <Table.Th>{t('evidence.items.at')}</Table.Th>
              <Table.Th>{t('evidence.items.hash')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {timeline.map((event) => (
              <Table.Tr
                key={event.id}
                data-kind={event.kind}
                c={bad && event.sequence >= bad.sequence ? 'red.9' : undefined}
              >
                <Table.Td>{formatNumber(event.sequence)}</Table.Td>
                <Table.Td>
                  {t(`evidence.items.kind.${event.kind}`, { defaultValue: event.kind })}
                  {typeof (event.details as { reason?: unknown })?.reason === 'string' ? (
                    <Text size="xs">{(event.details as { reason: string }).reason}</Text>
                  ) : null}
                  <PackageNote details={event.details} />
                  <UseNote details={event.details} />
                </Table.Td>
                <Table.Td>
                  {/* The person's name; the login the chain recorded beneath it. A node's own step
                      ("node fr-poc" in the chain) is named with its State. */}
                  {nodeOfActor(event.actor) ? (
                    t('evidence.items.nodeActor', {
                      node: nodeOfActor(event.actor),
                      state: nodeStateName(states.data, nodeOfActor(event.actor) ?? ''),
                    })
                  ) : event.actor.displayName && event.actor.displayName !== event.actor.name ? (
                    <>
                      <bdi>{event.actor.displayName}</bdi>
                      <Text size="xs" c="gray.7" className="machine-text">
                        {event.actor.name}
                      </Text>
                    </>
                  ) : (
                    <bdi>{event.actor.name}</bdi>
                  )}
                </Table.Td>
                <Table.Td>{formatInstant(event.at)}</Table.Td>
                <Table.Td>
                  <DigestText digest={event.hash} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

function SensitiveDownload({ requestId, item }: { requestId: string; item: EvidenceItem }) {
  const { t } = useTranslation();
  const [isAsking, setIsAsking] = useState(false);
  const [reason, setReason] = useState('');
  return (
    <>
      <Button size="xs" variant="default" onClick={() => setIsAsking(true)}>
        {t('evidence.items.download')}
      </Button>
      <Modal opened={isAsking} onClose={() => setIsAsking(false)} title={t('evidence.items.reasonTitle')}>
        <Stack
          component="form"
          gap="sm"
          onSubmit={(event: FormEvent) => {
            event.preventDefault();
            download(contentUrl(requestId, item.id, reason.trim()));
            setIsAsking(false);
            setReason('');
          }}
        >
          <Text size="sm">{t('evidence.items.reasonHelp')}</Text>
          <Textarea
            label={t('evidence.items.reason')}
            value={reason}
            onChange={(e) => setReason(e.currentTarget.value)}
            required
            data-autofocus
          />
          <Group justify="flex-end">
            <Button type="submit" disabled={reason.trim() === ''}>
              {t('evidence.items.download')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

function ItemRow({ requestId, item }: { requestId: string; item: EvidenceItem }) {
  const { t } = useTranslation();
  const canReadSensitive = useCan('evidence:read-sensitive');
  const [isOpen, setIsOpen] = useState(false);
  const isStored = item.status === 'stored';
  return (
    <Paper withBorder p="sm" data-testid="evidence-item" data-item-id={item.id}>
      <Stack gap={6}>
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Group gap="xs" wrap="wrap">
            <Text fw={600} dir="auto">
              {item.fileName}
            </Text>
            <Badge variant="outline" color="gray.8">
              {t(`evidence.items.status.${item.status}`)}
            </Badge>
            {item.isSensitive ? (
              <Badge variant="filled" color="red.9">
                {t('evidence.items.sensitiveBadge')}
              </Badge>
            ) : null}
            {item.isDueForDeletion ? (
              <Badge variant="outline" color="orange.9">
                {t('evidence.items.dueForDeletion')}
              </Badge>
            ) : null}
            <CustodyChainBadge chain={item.custody.chain} />
          </Group>
          <Group gap="xs">
            <Button
              size="xs"
              variant="default"
              onClick={() => setIsOpen((open) => !open)}
              aria-expanded={isOpen}
            >
              {isOpen ? t('evidence.items.hideCustody') : t('evidence.items.showCustody')}
            </Button>
            {isStored && item.isSensitive && canReadSensitive ? (
              <SensitiveDownload requestId={requestId} item={item} />
            ) : null}
            {isStored && !item.isSensitive ? (
              <Button size="xs" variant="default" onClick={() => download(contentUrl(requestId, item.id))}>
                {t('evidence.items.download')}
              </Button>
            ) : null}
          </Group>
        </Group>
        <Text size="sm">
          {t('evidence.items.size', { size: formatNumber(item.sizeBytes) })}
          {item.description ? ` · ${item.description}` : ''}
        </Text>
        {item.sha256 ? (
          <Group gap={4} wrap="nowrap">
            <Text size="sm">SHA-256</Text>
            <DigestText digest={item.sha256} />
          </Group>
        ) : null}
        {item.isSensitive && !canReadSensitive ? (
          <Text size="xs">{t('evidence.items.sensitiveRestricted')}</Text>
        ) : null}
        {isOpen ? <CustodyTimeline requestId={requestId} itemId={item.id} /> : null}
      </Stack>
    </Paper>
  );
}

export function EvidencePanel({
  requestId,
  direction = 'incoming',
  preservedUntil,
  onStored,
}: {
  requestId: string;
  /** A request sent from here shows the items received in packages: nothing is uploaded to it. */
  direction?: 'incoming' | 'outgoing';
  /** The last day of the preservation recorded on the case, which an upload is kept until unless changed. */
  preservedUntil?: string | undefined;
  /** Called once an upload is stored (what a package may now include has changed). */
  onStored?: () => void;
}) {
  const { t } = useTranslation();
  const canUpload = useCan('evidence:upload') && direction === 'incoming';
  const items = useApi(
    () => answer(api.GET('/api/v1/requests/{id}/evidence', { params: { path: { id: requestId } } })),
    [requestId],
  );
  return (
    <Paper
      component="section"
      aria-labelledby="evidence-title"
      withBorder
      p="md"
      mb="md"
      data-testid="evidence-panel"
    >
      <Title order={2} size="h3" id="evidence-title" mb="xs" tabIndex={-1} style={{ outline: 'none' }}>
        {t('evidence.items.title')}
      </Title>
      <Text size="sm" mb="sm">
        {t('evidence.items.intro')}
      </Text>
      <Stack gap="sm">
        {canUpload ? (
          <UploadForm
            requestId={requestId}
            preservedUntil={preservedUntil}
            onUploaded={() => {
              items.reload();
              onStored?.();
            }}
          />
        ) : null}
        <ProblemAlert error={items.error} />
        {items.data && items.data.items.length === 0 ? (
          <Text size="sm">{t('evidence.items.none')}</Text>
        ) : null}
        {items.data?.items.map((item) => (
          <ItemRow key={item.id} requestId={requestId} item={item} />
        ))}
      </Stack>
    </Paper>
  );
}

/** The node an event of the chain names as its actor ("node fr-poc", no person), else undefined. */
function nodeOfActor(actor: { id?: string | null; name: string }): string | undefined {
  return actor.id ? undefined : /^node (\S+)$/.exec(actor.name)?.[1];
}

/** What use a `used` or consent event was about (a disclosure to whom...), and an exculpatory disclosure's notice. */
function UseNote({ details }: { details: unknown }) {
  const { t } = useTranslation();
  const { use, exculpatoryNotice } = (details ?? {}) as Record<string, unknown>;
  const kind = (use as { kind?: unknown } | undefined)?.kind;
  if (typeof kind !== 'string') return null;
  const target = (use as { target?: unknown }).target;
  const notifiedAt = (exculpatoryNotice as { notifiedAt?: unknown } | undefined)?.notifiedAt;
  return (
    <Text size="xs" data-testid="custody-use">
      {t(`evidenceConsent.use.${kind}`, { defaultValue: kind })}
      {typeof target === 'string' && target ? (
        <>
          {' — '}
          <bdi>{target}</bdi>
        </>
      ) : null}
      {typeof notifiedAt === 'string' ? (
        <>
          <br />
          {t('evidenceConsent.usedExculpatory', { at: formatInstant(notifiedAt) })}
        </>
      ) : null}
    </Text>
  );
}

/**
 * Which package an event of the custody chain belongs to, and the node at its other end: the
 * addressee where the package left (`to`), the sender where it arrived (`from`), the node that
 * checked it where its verdict came back (`by`). Nothing when the event names no node.
 */
function PackageNote({ details }: { details: unknown }) {
  const { t } = useTranslation();
  const states = useStates();
  const { packageId, to, from, by } = (details ?? {}) as Record<string, unknown>;
  if (typeof packageId !== 'string') return null;
  const [key, node] =
    typeof to === 'string'
      ? ['evidence.items.inPackage', to]
      : typeof from === 'string'
        ? ['evidence.items.inPackageFrom', from]
        : typeof by === 'string'
          ? ['evidence.items.packageCheckedBy', by]
          : [undefined, undefined];
  if (key === undefined) return null;
  return (
    <Text size="xs" data-testid="custody-package">
      {t(key, { state: nodeStateName(states.data, node) })}
    </Text>
  );
}
