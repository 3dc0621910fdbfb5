/**
 * Before sending: the requested State's local time (its profile's time zone) and whether its node
 * said someone is on duty there (duty.status), with the moment that status began.
 */
import { Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { answer, api } from '../../app/api.ts';
import { formatInstant, formatWallClockTime } from '../../components/format.ts';
import { useApi } from '../../components/use-api.ts';

export function DutyThere({ state, stateLabel }: { state: string; stateLabel: string }) {
  const { t } = useTranslation();
  const status = useApi(
    () => answer(api.GET('/api/v1/roster/states/{code}', { params: { path: { code: state } } })),
    [state],
  );
  const data = status.data;
  if (!data) return null;
  const announced = data.nodes.find((node) => node.onDuty !== null);
  const duty =
    announced === undefined
      ? t('roster.thereUnknown')
      : t(announced.onDuty ? 'roster.thereOnDuty' : 'roster.thereNobody', {
          // An instant in the reader's zone, named: beside another State's clock it must not read as theirs.
          time: formatInstant(announced.asOf),
        });
  return (
    <Text size="xs" c="gray.7" maw={320} ta="end" data-testid="duty-there">
      {data.localTime
        ? t('roster.thereLocalTime', { state: stateLabel, time: formatWallClockTime(data.localTime) })
        : null}{' '}
      {duty}
    </Text>
  );
}
