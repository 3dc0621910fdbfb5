/**
 * The user's requests (GET /api/v1/requests): type, case reference, requested State, status and
 * last change, each opening the draft form; drafts can be deleted after a confirmation.
 */
import { Anchor, Badge, Button, Group, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { deleteRequest, fetchRequests } from '../../api/requests.api.ts';
import type { RequestSummary } from '../../api/types.ts';
import { RouterLink } from '../../app/router.tsx';
import { useUser } from '../../app/session.tsx';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { formatDateTime, localized, stateName } from '../../components/format.ts';
import { PageTitle } from '../../components/PageTitle.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { useCatalogue, useStates } from '../../components/reference-data.ts';
import { useApi } from '../../components/use-api.ts';

export function RequestsPage() {
  const { t } = useTranslation();
  const user = useUser();
  const requests = useApi(fetchRequests, []);
  const catalogue = useCatalogue();
  const states = useStates();
  const [toDelete, setToDelete] = useState<RequestSummary | undefined>(undefined);
  const [isDeleting, setIsDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<unknown>(undefined);
  const canDraft = user?.permissions.includes('request:draft') ?? false;

  const typeTitle = (type: string) =>
    localized(catalogue.data?.requestTypes.find((entry) => entry.id === type)?.title) ||
    t(`requestType.${type}`);

  const confirmDelete = async () => {
    if (!toDelete) return;
    setIsDeleting(true);
    setDeleteError(undefined);
    try {
      await deleteRequest(toDelete.id);
      requests.setData((requests.data ?? []).filter((item) => item.id !== toDelete.id));
      setToDelete(undefined);
    } catch (error) {
      setDeleteError(error);
      setToDelete(undefined);
    } finally {
      setIsDeleting(false);
    }
  };

  const items = requests.data ?? [];
  return (
    <>
      <Group justify="space-between" align="flex-start">
        <PageTitle text={t('requests.title')}>{t('requests.title')}</PageTitle>
        {canDraft ? (
          <Button component={RouterLink} href="/requests/new">
            {t('nav.newRequest')}
          </Button>
        ) : null}
      </Group>
      <ProblemAlert error={requests.error} />
      <ProblemAlert error={deleteError} />
      {!requests.isLoading && !requests.error && items.length === 0 ? (
        <Text c="gray.7">{t('requests.empty')}</Text>
      ) : null}
      {items.length > 0 ? (
        <Table.ScrollContainer minWidth={720}>
          <Table striped highlightOnHover aria-label={t('requests.title')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('requests.type')}</Table.Th>
                <Table.Th scope="col">{t('requests.caseReference')}</Table.Th>
                <Table.Th scope="col">{t('requests.requestedState')}</Table.Th>
                <Table.Th scope="col">{t('requests.status')}</Table.Th>
                <Table.Th scope="col">{t('requests.updated')}</Table.Th>
                <Table.Th scope="col">
                  <span className="visually-hidden">{t('requests.actions')}</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((item) => {
                const label = item.caseReference || typeTitle(item.type);
                const canDelete = item.status === 'draft' && item.createdBy.id === user?.id;
                return (
                  <Table.Tr key={item.id} data-request-id={item.id}>
                    <Table.Td>
                      <Anchor component={RouterLink} href={`/requests/${item.id}`}>
                        {typeTitle(item.type)}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{item.caseReference ?? '—'}</Table.Td>
                    <Table.Td>
                      {item.requestedState ? stateName(states.data, item.requestedState) : '—'}
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="outline" color="gray.8" radius="sm" tt="none">
                        {t(`requestStatus.${item.status}`, { defaultValue: item.status })}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <time dateTime={item.updatedAt}>{formatDateTime(item.updatedAt)}</time>
                    </Table.Td>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap" justify="flex-end">
                        <Button
                          size="compact-sm"
                          variant="default"
                          component={RouterLink}
                          href={`/requests/${item.id}`}
                          aria-label={t('requests.openLabel', { name: label })}
                        >
                          {t('requests.open')}
                        </Button>
                        {canDelete ? (
                          <Button
                            size="compact-sm"
                            variant="outline"
                            color="red.9"
                            c="red.9"
                            onClick={() => setToDelete(item)}
                            aria-label={t('requests.deleteLabel', { name: label })}
                          >
                            {t('requests.delete')}
                          </Button>
                        ) : null}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : null}
      <ConfirmModal
        isOpen={toDelete !== undefined}
        title={t('requests.deleteTitle')}
        message={t('requests.deleteConfirm', {
          name: toDelete ? toDelete.caseReference || typeTitle(toDelete.type) : '',
        })}
        confirmLabel={t('requests.delete')}
        isBusy={isDeleting}
        onConfirm={() => void confirmDelete()}
        onCancel={() => setToDelete(undefined)}
      />
    </>
  );
}
