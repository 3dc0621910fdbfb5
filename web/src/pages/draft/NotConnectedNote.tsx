/**
 * Beside "Send" on a node without a federation identity (`comity init` has not run, so the
 * health answer has no node id), or with one but no directory of nodes yet (its secretariat has
 * not answered): says why nothing can leave and what its administrator must do, before anyone
 * tries to send. Drafting and printing work meanwhile.
 */
import { Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { answer, publicApi } from '../../app/api.ts';
import { useApi } from '../../components/use-api.ts';

export function NotConnectedNote() {
  const { t } = useTranslation();
  const health = useApi(() => answer(publicApi.GET('/api/v1/health')), []);
  if (!health.data) return null;
  if (!health.data.node.nodeId) {
    return (
      <Text size="xs" c="gray.7" maw={320} ta="end" role="note" data-testid="send-not-connected">
        {t('send.notConnected')}
      </Text>
    );
  }
  // Connected, but the secretariat has not answered yet: no node of any State is known to send to.
  if (health.data.dependencies.directory !== 'not-fetched') return null;
  return (
    <Text size="xs" c="gray.7" maw={320} ta="end" role="note" data-testid="send-no-directory">
      {t('send.noDirectory')}
    </Text>
  );
}
