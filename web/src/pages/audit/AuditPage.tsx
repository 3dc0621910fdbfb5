/**
 * The audit log, for oversight (audit:read, the auditor role): entries newest first with filters
 * (action, actor, outcome), paged; the current tree head and the latest signed one, and whether
 * the current tree is consistent with that signed head (a consistency proof checked here, in the
 * browser, with Web Crypto: RFC 6962 hashing, written for this screen).
 */
import {
  Anchor,
  Badge,
  Button,
  Code,
  Group,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { verifyConsistency } from '../../../../src/core/audit/merkle.ts';
import { answer, api } from '../../app/api.ts';
import { RouterLink } from '../../app/router.tsx';
import {
  formatDateTime,
  formatExactInstant,
  formatNumber,
  labelled,
  nodeStateName,
} from '../../components/format.ts';
import { useStates } from '../../components/reference-data.ts';
import { saveAs } from '../../components/save-file.ts';
import { PageTitle } from '../../components/PageTitle.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { useApi } from '../../components/use-api.ts';
import { TitledSection } from '../../components/TitledSection.tsx';
import { WideTable } from '../../components/WideTable.tsx';
import { AUDIT_ACTION_KEYS, auditActionWords, auditOutcomeWords } from './action-names.ts';

const PAGE = 50;

function fromHex(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

type Filters = { kind: string; action: string; actor: string; outcome: string };

/** An action in plain words, with the action as the log records it beneath. */
function ActionCell({
  action,
  outcome,
  detail,
}: Readonly<{
  action: string;
  outcome: 'success' | 'failure';
  detail: Readonly<Record<string, unknown>> | null;
}>) {
  const { t } = useTranslation();
  const words = auditActionWords(action, outcome);
  // What was decided: "Took a step in a case: Refused", "...: Returned", "Sign-in refused: ...".
  const decided = auditOutcomeWords(detail);
  const decidedText = decided ? t(decided.key, { defaultValue: decided.defaultValue }) : undefined;
  return (
    <Stack gap={0}>
      {words ? (
        <Text size="sm" data-testid="audit-action-words">
          {decidedText ? labelled(t(words.key, words.values), decidedText) : t(words.key, words.values)}
        </Text>
      ) : null}
      <Text size="xs" c="gray.7" className="machine-text" style={{ wordBreak: 'break-word' }}>
        {action}
      </Text>
    </Stack>
  );
}

/**
 * Downloads an entry's inclusion proof, in the tree of the latest signed head when that head
 * covers the entry (its root is signed), else in the log as it is now: a file that
 * `comity audit verify --proof` checks offline, with no access to the node.
 */
function ProofButton({ seq, treeSize }: Readonly<{ seq: number; treeSize: number | undefined }>) {
  const { t } = useTranslation();
  const [isBusy, setIsBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const download = async () => {
    setIsBusy(true);
    setError(undefined);
    try {
      const query = treeSize === undefined ? { index: seq } : { index: seq, treeSize };
      const proof = await answer(api.GET('/api/v1/audit/proofs/inclusion', { params: { query } }));
      const file = JSON.stringify({ kind: 'inclusion', ...proof }, null, 2);
      saveAs(new Blob([file], { type: 'application/json' }), `audit-proof-${seq}.json`);
    } catch (caught) {
      setError(caught);
    } finally {
      setIsBusy(false);
    }
  };
  return (
    <>
      <Button
        size="compact-xs"
        variant="subtle"
        onClick={() => void download()}
        loading={isBusy}
        aria-label={t('audit.proofLabel', { seq })}
        data-testid="audit-proof"
      >
        {t('audit.proof')}
      </Button>
      {error ? <ProblemAlert error={error} /> : null}
    </>
  );
}

export function AuditPage() {
  const { t } = useTranslation();
  const states = useStates();
  const [draft, setDraft] = useState<Filters>({ kind: '', action: '', actor: '', outcome: '' });
  const [filters, setFilters] = useState<Filters>(draft);
  const [before, setBefore] = useState<number | undefined>(undefined);

  const head = useApi(async () => {
    const current = await answer(api.GET('/api/v1/audit/tree-head'));
    const signed = current.signed;
    if (!signed) return { current, consistent: undefined };
    const proof = await answer(
      api.GET('/api/v1/audit/proofs/consistency', {
        params: { query: { oldSize: signed.treeSize, newSize: current.treeSize } },
      }),
    );
    const consistent =
      proof.oldRootHash === signed.rootHash &&
      verifyConsistency(
        signed.treeSize,
        current.treeSize,
        fromHex(signed.rootHash),
        fromHex(current.rootHash),
        proof.proof.map(fromHex),
      );
    return { current, consistent };
  }, []);

  const witnessed = useApi(async () => answer(api.GET('/api/v1/audit/witnessed-heads')), []);
  const witnessedItems = witnessed.data?.items ?? [];

  const entries = useApi(
    async () =>
      answer(
        api.GET('/api/v1/audit/entries', {
          params: {
            query: {
              limit: PAGE,
              ...(filters.kind === 'read' || filters.kind === 'change' ? { kind: filters.kind } : {}),
              ...(filters.action ? { action: filters.action } : {}),
              ...(filters.actor ? { actor: filters.actor } : {}),
              ...(filters.outcome === 'success' || filters.outcome === 'failure'
                ? { outcome: filters.outcome }
                : {}),
              ...(before === undefined ? {} : { before }),
            },
          },
        }),
      ),
    [filters, before],
  );
  const items = entries.data?.items ?? [];
  const title = t('audit.title');
  // Each action once, by its plain words (two routes may share words: the first is kept).
  const seenWords = new Set<string>();
  const actionOptions = [
    { value: '', label: t('audit.actionAny') },
    ...Object.entries(AUDIT_ACTION_KEYS)
      .filter(([, key]) => !seenWords.has(key) && seenWords.add(key))
      .map(([action, key]) => ({ value: action, label: t(`auditAction.${key}`) }))
      .sort((a, b) => a.label.localeCompare(b.label)),
    { value: 'cli:', label: t('audit.operatorCommands') },
  ];
  const current = head.data?.current;
  // Proofs of the entries a signed head covers are proofs against a signed root.
  const signedSize = current?.signed?.treeSize;

  return (
    <>
      <PageTitle text={title}>{title}</PageTitle>
      <Text size="sm" c="gray.7" mb="sm">
        {t('audit.intro')}
      </Text>
      <TitledSection id="audit-head-title" title={t('audit.headTitle')} mb="md">
        <ProblemAlert error={head.error} />
        {current ? (
          <Stack gap={4} data-testid="audit-tree-head">
            <Text size="sm">{t('audit.size', { formatted: formatNumber(current.treeSize) })}</Text>
            <Text size="sm">
              {t('audit.root')}{' '}
              <Code dir="ltr" style={{ wordBreak: 'break-all' }}>
                {current.rootHash}
              </Code>
            </Text>
            {current.signed ? (
              <Text size="sm">
                {t('audit.signed', {
                  size: formatNumber(current.signed.treeSize),
                  at: formatDateTime(current.signed.signedAt),
                })}{' '}
                <Code dir="ltr" style={{ wordBreak: 'break-all' }}>
                  {current.signed.rootHash}
                </Code>
                <Text component="span" display="block" size="xs" c="gray.7" data-testid="audit-signed-note">
                  {t('audit.signedNote')}
                </Text>
              </Text>
            ) : (
              <Text size="sm">{t('audit.unsigned')}</Text>
            )}
            {head.data?.consistent === undefined ? null : head.data.consistent ? (
              // A sentence, not a badge: a badge would cut it with an ellipsis on a phone.
              <Text size="sm" fw={700} c="teal.9" data-testid="audit-verification">
                {t('audit.consistent')}
              </Text>
            ) : (
              <Text size="sm" fw={700} c="red.9" data-testid="audit-verification">
                {t('audit.inconsistent')}
              </Text>
            )}
          </Stack>
        ) : null}
      </TitledSection>
      <TitledSection id="audit-witness-title" title={t('audit.witnessTitle')} mb="md">
        <Text size="sm" c="gray.7" mb="xs">
          {t('audit.witnessIntro')}
        </Text>
        <ProblemAlert error={witnessed.error} />
        {!witnessed.isLoading && !witnessed.error && witnessedItems.length === 0 ? (
          <Text size="sm" c="gray.7">
            {t('audit.witnessEmpty')}
          </Text>
        ) : null}
        {witnessedItems.length > 0 ? (
          <WideTable minWidth={700} label={t('audit.witnessTitle')}>
            <Table fz="sm" aria-labelledby="audit-witness-title" data-testid="audit-witnessed">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('audit.witnessNode')}</Table.Th>
                  <Table.Th scope="col">{t('audit.witnessSize')}</Table.Th>
                  <Table.Th scope="col">{t('audit.witnessRoot')}</Table.Th>
                  <Table.Th scope="col">{t('audit.witnessReceived')}</Table.Th>
                  <Table.Th scope="col">{t('audit.witnessStatus')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {witnessedItems.map((item) => (
                  <Table.Tr key={`${item.nodeId}:${item.treeSize}:${item.rootHash}:${item.receivedAt}`}>
                    <Table.Td>{item.nodeId}</Table.Td>
                    <Table.Td>{formatNumber(item.treeSize)}</Table.Td>
                    <Table.Td>
                      <Code>{item.rootHash.slice(0, 16)}…</Code>
                    </Table.Td>
                    <Table.Td>{formatDateTime(item.receivedAt)}</Table.Td>
                    <Table.Td>
                      <Badge color={item.flag ? 'red.9' : 'teal.9'} variant="outline">
                        {t(`audit.witnessFlag.${item.flag ?? 'ok'}`)}
                      </Badge>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </WideTable>
        ) : null}
      </TitledSection>
      <Paper component="section" withBorder p="sm" aria-label={t('audit.entriesTitle')}>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            setBefore(undefined);
            setFilters(draft);
          }}
        >
          <Group align="flex-end" mb="sm">
            <Select
              label={t('audit.filterKind')}
              value={draft.kind}
              onChange={(value) => setDraft({ ...draft, kind: value ?? '' })}
              data={[
                { value: '', label: t('audit.kindAny') },
                { value: 'change', label: t('audit.kind.change') },
                { value: 'read', label: t('audit.kind.read') },
              ]}
            />
            <Select
              label={t('audit.filterAction')}
              value={draft.action}
              onChange={(value) => setDraft({ ...draft, action: value ?? '' })}
              data={actionOptions}
              searchable
              nothingFoundMessage={t('common.nothingFound')}
              allowDeselect={false}
              w={{ base: '100%', sm: 360 }}
              comboboxProps={{ width: 'target' }}
            />
            <TextInput
              label={t('audit.filterActor')}
              value={draft.actor}
              onChange={(event) => setDraft({ ...draft, actor: event.currentTarget.value })}
            />
            <Select
              label={t('audit.filterOutcome')}
              value={draft.outcome}
              onChange={(value) => setDraft({ ...draft, outcome: value ?? '' })}
              data={[
                { value: '', label: t('audit.outcomeAny') },
                { value: 'success', label: t('audit.outcome.success') },
                { value: 'failure', label: t('audit.outcome.failure') },
              ]}
            />
            <Button type="submit">{t('audit.apply')}</Button>
          </Group>
        </form>
        <ProblemAlert error={entries.error} />
        {!entries.isLoading && !entries.error && items.length === 0 ? (
          <Text size="sm" c="gray.7">
            {t('audit.empty')}
          </Text>
        ) : null}
        {items.length > 0 ? (
          <WideTable minWidth={800} label={t('audit.entriesTitle')}>
            <Table striped fz="sm" aria-label={t('audit.entriesTitle')} data-testid="audit-entries">
              <Table.Thead>
                <Table.Tr>
                  {/* Short in every language; unbroken, so that Chinese does not stack it a character a line over the narrow numbers. */}
                  <Table.Th scope="col" style={{ whiteSpace: 'nowrap' }}>
                    {t('audit.seq')}
                  </Table.Th>
                  <Table.Th scope="col">{t('audit.at')}</Table.Th>
                  <Table.Th scope="col">{t('audit.actor')}</Table.Th>
                  <Table.Th scope="col">{t('audit.action')}</Table.Th>
                  <Table.Th scope="col">{t('audit.resource')}</Table.Th>
                  <Table.Th scope="col">{t('audit.outcomeHeader')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((item) => {
                  const entry = item.entry;
                  const recorded = entry
                    ? (entry.actor.username ?? entry.actor.nodeId ?? t(`audit.actorKind.${entry.actor.kind}`))
                    : '—';
                  // A person by the name the node shows, another node by the State it serves; then
                  // what the entry holds (a username, a node id), small, beneath.
                  const nodeId = entry?.actor.username ? undefined : entry?.actor.nodeId;
                  const nodeName = nodeId ? nodeStateName(states.data, nodeId) : undefined;
                  const shownAs = item.actorName ?? (nodeName !== nodeId ? nodeName : undefined);
                  return (
                    <Table.Tr key={item.seq}>
                      <Table.Td>{item.seq}</Table.Td>
                      <Table.Td>
                        {entry ? (
                          <time dateTime={entry.at} style={{ whiteSpace: 'nowrap' }}>
                            {formatExactInstant(entry.at)}
                          </time>
                        ) : (
                          '—'
                        )}
                      </Table.Td>
                      <Table.Td>
                        {shownAs ? (
                          <Stack gap={0}>
                            <Text size="sm">{shownAs}</Text>
                            <Text size="xs" c="gray.7" className="machine-text">
                              {recorded}
                            </Text>
                          </Stack>
                        ) : (
                          recorded
                        )}
                      </Table.Td>
                      <Table.Td>
                        {entry ? (
                          <ActionCell
                            action={entry.action}
                            outcome={entry.outcome}
                            detail={entry.detail ?? null}
                          />
                        ) : (
                          <Code>{t('audit.unreadable')}</Code>
                        )}
                      </Table.Td>
                      <Table.Td>
                        {item.caseReference && entry?.resource ? (
                          <Stack gap={0}>
                            <Anchor
                              component={RouterLink}
                              href={`/requests/${entry.resource.split('/')[0]}`}
                              className="case-reference"
                            >
                              {item.caseReference}
                            </Anchor>
                            <Text size="xs" c="gray.7" className="machine-text">
                              {entry.resource}
                            </Text>
                          </Stack>
                        ) : entry?.resource ? (
                          // An identifier, written small as under a case reference: the table fits.
                          <Text size="xs" className="machine-text" data-breakable>
                            {entry.resource}
                          </Text>
                        ) : (
                          '—'
                        )}
                      </Table.Td>
                      <Table.Td>
                        {entry ? (
                          <Badge
                            color={entry.outcome === 'success' ? 'teal.9' : 'red.9'}
                            variant="outline"
                            // Whole, never "SUCCE…": the column is as wide as its badges.
                            style={{ minWidth: 'max-content' }}
                          >
                            {t(`audit.outcome.${entry.outcome}`)}
                            {typeof entry.detail?.status === 'number' ? ` ${entry.detail.status}` : ''}
                          </Badge>
                        ) : null}
                        <ProofButton
                          seq={item.seq}
                          treeSize={
                            signedSize !== undefined && item.seq < signedSize ? signedSize : undefined
                          }
                        />
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </WideTable>
        ) : null}
        <Group justify="space-between" mt="sm">
          <Button variant="default" disabled={before === undefined} onClick={() => setBefore(undefined)}>
            {t('audit.newest')}
          </Button>
          <Button
            variant="default"
            disabled={items.length < PAGE}
            onClick={() => setBefore(items[items.length - 1]?.seq)}
          >
            {t('audit.older')}
          </Button>
        </Group>
      </Paper>
    </>
  );
}
