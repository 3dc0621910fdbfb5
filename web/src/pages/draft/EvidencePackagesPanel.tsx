/**
 * Evidence packages of a request (docs/federation.md 6.3). Executing side (a request received
 * here): make a package of stored items with the conditions of use the requesting side must keep,
 * then send it; each package shows whether the requesting node verified it. Requesting side (a
 * request sent from here): the packages received, their verification and, when one failed, why;
 * the items themselves are in the evidence panel above, where they are downloaded decrypted.
 */
import {
  Badge,
  Button,
  Checkbox,
  Group,
  Paper,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiAnswer } from '../../../../src/api-client/client.ts';
import { answer, api } from '../../app/api.ts';
import { useCan } from '../../app/session.tsx';
import { DigestText } from '../../components/DigestText.tsx';
import { formatDateTime, formatNumber } from '../../components/format.ts';
import { takeFocusOnMount } from '../../components/focus-keeper.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { useApi } from '../../components/use-api.ts';

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
      setChosen([]);
      setNote('');
      onMade(made.package.id);
    } catch (caught) {
      setError(caught);
    } finally {
      setIsSaving(false);
    }
  };
  return (
    <Stack component="form" gap="xs" onSubmit={submit} data-testid="evidence-package-form">
      <Title order={3} size="h5">
        {t('evidenceTransfer.makeTitle')}
      </Title>
      <Checkbox.Group
        label={t('evidenceTransfer.chooseItems')}
        value={[...chosen]}
        onChange={(value) => setChosen(value)}
      >
        <Stack gap={4} mt={4}>
          {stored.map((item) => (
            <Checkbox key={item.id} value={item.id} label={item.fileName} />
          ))}
        </Stack>
      </Checkbox.Group>
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
      <TextInput
        type="date"
        label={t('evidenceTransfer.confidentialUntil')}
        value={confidentialUntil}
        onChange={(e) => setConfidentialUntil(e.currentTarget.value)}
        maw={240}
      />
      <Textarea
        label={t('evidenceTransfer.note')}
        value={note}
        onChange={(e) => setNote(e.currentTarget.value)}
        autosize
        minRows={1}
      />
      <Group>
        <Button type="submit" loading={isSaving} disabled={chosen.length === 0}>
          {t('evidenceTransfer.make')}
        </Button>
      </Group>
      <ProblemAlert error={error} title={t('evidenceTransfer.makeFailed')} />
    </Stack>
  );
}

function PackageCard({
  requestId,
  item,
  canSend,
  onChanged,
  isJustMade,
}: {
  requestId: string;
  item: EvidencePackage;
  canSend: boolean;
  onChanged: () => void;
  /** Made by the user a moment ago: the card takes the focus when it appears. */
  isJustMade: boolean;
}) {
  const { t } = useTranslation();
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
                {
                  node: item.peerNodeId,
                },
              )}
            </Text>
            <Badge variant="outline" color={STATUS_COLOR[item.status]} data-testid="package-status">
              {t(`evidenceTransfer.status.${item.status}`)}
            </Badge>
          </Group>
          {canSend && item.status === 'sealed' ? (
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
        <ProblemAlert error={error} title={t('evidenceTransfer.sendFailed')} />
      </Stack>
    </Paper>
  );
}

export function EvidencePackagesPanel({
  requestId,
  direction,
}: {
  requestId: string;
  direction: 'incoming' | 'outgoing';
}) {
  const { t } = useTranslation();
  const canUpload = useCan('evidence:upload');
  // The package the user just made: its card takes the focus when the list shows it.
  const [madeId, setMadeId] = useState<string | undefined>(undefined);
  const isExecuting = direction === 'incoming';
  const packages = useApi(
    () => answer(api.GET('/api/v1/requests/{id}/evidence/packages', { params: { path: { id: requestId } } })),
    [requestId],
  );
  const items = useApi(
    () =>
      isExecuting && canUpload
        ? answer(api.GET('/api/v1/requests/{id}/evidence', { params: { path: { id: requestId } } }))
        : Promise.resolve({ items: [] as EvidenceItem[] }),
    [requestId, isExecuting, canUpload],
  );
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
        {isExecuting && canUpload && items.data ? (
          <MakePackageForm
            requestId={requestId}
            items={items.data.items}
            onMade={(packageId) => {
              setMadeId(packageId);
              packages.reload();
            }}
          />
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
            onChanged={packages.reload}
            isJustMade={item.id === madeId}
          />
        ))}
      </Stack>
    </Paper>
  );
}
