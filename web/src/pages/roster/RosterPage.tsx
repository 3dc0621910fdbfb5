/**
 * The duty roster (Art. 41, a point of contact available 24/7), for everyone with incoming work
 * (roster:read): the node's time zone and local time, who is on duty now and who comes next, the
 * shifts in local time, and the handover notes. Supervisors and administrators (roster:manage) add
 * and remove shifts; the times typed are wall-clock times in the node's time zone.
 */
import { Button, Group, Paper, Stack, Table, Text, Textarea, TextInput, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiAnswer } from '../../../../src/api-client/client.ts';
import { answer, api } from '../../app/api.ts';
import { useCan } from '../../app/session.tsx';
import { FactList } from '../../components/FactList.tsx';
import { formatDateTime, formatWallClockTime } from '../../components/format.ts';
import { PageTitle } from '../../components/PageTitle.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { fieldErrorsOf } from '../../components/field-errors.ts';
import { describeTimeZone } from '../../components/time-zones.ts';
import { useApi } from '../../components/use-api.ts';
import { LocaleDateTimeInput } from '../../components/DateFields.tsx';

type Roster = ApiAnswer<'/api/v1/roster', 'get'>;
type Person = Roster['onDuty'][number];

function names(people: readonly Person[]): string {
  return people.map((person) => person.displayName).join(', ');
}

function ShiftForm({ onAdded }: { onAdded: () => void }) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [isSaving, setIsSaving] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setIsSaving(true);
    setError(undefined);
    try {
      await answer(api.POST('/api/v1/roster/shifts', { body: { username: username.trim(), start, end } }));
      setUsername('');
      onAdded();
    } catch (caught) {
      setError(caught);
    } finally {
      setIsSaving(false);
    }
  };
  const fieldErrors = fieldErrorsOf(error);
  return (
    <Paper withBorder p="md" component="form" onSubmit={submit} noValidate>
      <Title order={2} size="h4" mb="xs">
        {t('roster.addTitle')}
      </Title>
      <Group align="flex-end" wrap="wrap">
        <TextInput
          id="shift-username"
          label={t('roster.username')}
          error={fieldErrors.get('/username')}
          value={username}
          onChange={(e) => setUsername(e.currentTarget.value)}
          required
        />
        <LocaleDateTimeInput
          id="shift-start"
          label={t('roster.start')}
          error={fieldErrors.get('/start')}
          value={start}
          onChange={setStart}
          required
        />
        <LocaleDateTimeInput
          id="shift-end"
          label={t('roster.end')}
          error={fieldErrors.get('/end')}
          value={end}
          onChange={setEnd}
          required
        />
        <Button type="submit" loading={isSaving}>
          {t('roster.add')}
        </Button>
      </Group>
      <ProblemAlert
        error={error}
        fields={{
          '/username': { label: t('roster.username'), id: 'shift-username' },
          '/start': { label: t('roster.start'), id: 'shift-start' },
          '/end': { label: t('roster.end'), id: 'shift-end' },
        }}
      />
    </Paper>
  );
}

function HandoverNotes() {
  const { t } = useTranslation();
  // An auditor reads the notes; those who take or run shifts write them.
  const canWrite = useCan('roster:handover');
  const notes = useApi(() => answer(api.GET('/api/v1/roster/handover-notes')), []);
  const [body, setBody] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      await answer(api.POST('/api/v1/roster/handover-notes', { body: { body } }));
      setBody('');
      notes.reload();
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <Stack gap="xs">
      <Title order={2} size="h4">
        {t('roster.notesTitle')}
      </Title>
      {canWrite ? (
        <form onSubmit={submit} noValidate>
          <Textarea
            id="handover-note-body"
            label={t('roster.noteBody')}
            error={fieldErrorsOf(error).get('/body')}
            value={body}
            onChange={(e) => setBody(e.currentTarget.value)}
            autosize
            minRows={2}
            required
          />
          <Button type="submit" mt="xs">
            {t('roster.writeNote')}
          </Button>
          <ProblemAlert
            error={error}
            fields={{ '/body': { label: t('roster.noteBody'), id: 'handover-note-body' } }}
          />
        </form>
      ) : null}
      <ProblemAlert error={notes.error} />
      {notes.data?.items.length === 0 ? <Text c="gray.7">{t('roster.noNotes')}</Text> : null}
      {notes.data?.items.map((note) => (
        <Paper key={note.id} withBorder p="sm">
          <Text size="sm" c="gray.7">
            {note.forUser
              ? t('roster.noteBy', {
                  author: note.author.displayName,
                  for: note.forUser.displayName,
                  time: formatDateTime(note.writtenAt),
                })
              : t('roster.noteByUnaddressed', {
                  author: note.author.displayName,
                  time: formatDateTime(note.writtenAt),
                })}
          </Text>
          <Text style={{ whiteSpace: 'pre-wrap' }}>{note.body}</Text>
        </Paper>
      ))}
    </Stack>
  );
}

export function RosterPage() {
  const { t, i18n } = useTranslation();
  const canManage = useCan('roster:manage');
  const roster = useApi(() => answer(api.GET('/api/v1/roster')), []);
  const [error, setError] = useState<unknown>(undefined);
  const remove = async (id: string) => {
    setError(undefined);
    try {
      await answer(api.DELETE('/api/v1/roster/shifts/{id}', { params: { path: { id } } }));
      roster.reload();
    } catch (caught) {
      setError(caught);
    }
  };
  const data = roster.data;
  return (
    <Stack>
      <PageTitle text={t('roster.title')}>{t('roster.title')}</PageTitle>
      <ProblemAlert error={roster.error ?? error} />
      {data ? (
        <>
          <FactList
            facts={[
              { label: t('roster.timeZone'), value: describeTimeZone(data.timeZone, i18n.language) },
              { label: t('roster.localNow'), value: formatWallClockTime(data.nowLocal) },
              { label: t('roster.onDuty'), value: names(data.onDuty) || t('roster.nobody') },
              { label: t('roster.next'), value: data.next?.displayName ?? t('roster.nobody') },
            ]}
          />
          <Title order={2} size="h4">
            {t('roster.shifts')}
          </Title>
          {data.shifts.length === 0 ? (
            <Text c="gray.7">{t('roster.noShifts')}</Text>
          ) : (
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('roster.person')}</Table.Th>
                  <Table.Th>{t('roster.start')}</Table.Th>
                  <Table.Th>{t('roster.end')}</Table.Th>
                  {canManage ? <Table.Th>{t('roster.actions')}</Table.Th> : null}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.shifts.map((shift) => (
                  <Table.Tr key={shift.id}>
                    <Table.Td>{shift.user.displayName}</Table.Td>
                    <Table.Td>
                      <time dateTime={shift.startsAt}>{formatWallClockTime(shift.startsLocal)}</time>
                    </Table.Td>
                    <Table.Td>
                      <time dateTime={shift.endsAt}>{formatWallClockTime(shift.endsLocal)}</time>
                    </Table.Td>
                    {canManage ? (
                      <Table.Td>
                        <Button
                          size="xs"
                          variant="subtle"
                          color="red"
                          onClick={() => void remove(shift.id)}
                          aria-label={t('roster.removeShift', { name: shift.user.displayName })}
                        >
                          {t('roster.remove')}
                        </Button>
                      </Table.Td>
                    ) : null}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          {canManage ? <ShiftForm onAdded={roster.reload} /> : null}
        </>
      ) : null}
      <HandoverNotes />
    </Stack>
  );
}
