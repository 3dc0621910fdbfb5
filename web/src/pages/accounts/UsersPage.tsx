/**
 * Accounts for administrators (/users): every user with roles and state; create an account (the
 * node generates a one-time password, shown once, that the user changes at the first sign-in);
 * change roles (grants that read case content wait for a second administrator: they show as
 * pending and another administrator approves them here); disable or enable; reset a password to
 * a one-time one; every user's API tokens, with revoke. An administrator never creates another
 * user's token: each user makes their own on their account screen.
 */
import {
  Alert,
  Button,
  Checkbox,
  Code,
  Group,
  Paper,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ROLES, type Role } from '../../../../src/core/roles.ts';
import { isSystemAccount } from '../../../../src/core/system-accounts.ts';
import { ConfirmModal } from '../../components/ConfirmModal.tsx';
import { answer, api } from '../../app/api.ts';
import { useUser } from '../../app/session.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { takeFocusOnMount } from '../../components/focus-keeper.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { fieldErrorsOf } from '../../components/field-errors.ts';
import { useApi } from '../../components/use-api.ts';
import { TokenTable } from './AccountPage.tsx';
import { WideTable } from '../../components/WideTable.tsx';

type Notice = Readonly<
  | { kind: 'password'; username: string; password: string }
  | { kind: 'pending' | 'approved'; username: string }
>;

export function UsersPage() {
  const { t } = useTranslation();
  const me = useUser();
  const users = useApi(() => answer(api.GET('/api/v1/users')), []);
  const pending = useApi(
    () => answer(api.GET('/api/v1/role-requests', { params: { query: { status: 'pending' } } })),
    [],
  );
  const tokens = useApi(() => answer(api.GET('/api/v1/api-tokens')), []);
  const [notice, setNotice] = useState<Notice | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [editing, setEditing] = useState<string | undefined>(undefined);
  const [toReset, setToReset] = useState<Readonly<{ id: string; username: string }> | undefined>(undefined);
  const [isResetting, setIsResetting] = useState(false);

  const reloadAll = () => {
    users.reload();
    pending.reload();
    tokens.reload();
  };
  const act = async (action: () => Promise<void>) => {
    setError(undefined);
    try {
      await action();
      reloadAll();
    } catch (failure) {
      setError(failure);
    }
  };

  const title = t('accounts.users.title');
  const pendingOf = (userId: string) => (pending.data?.items ?? []).filter((item) => item.userId === userId);
  // The roles a user has and those granted to it that wait for approval: the editor starts from
  // both, so that a change keeps a waiting grant unless its role is unticked (the node then
  // supersedes the grant).
  const rolesAskedFor = (user: { id: string; roles: readonly Role[] }): Role[] => [
    ...new Set([...user.roles, ...pendingOf(user.id).flatMap((request) => request.rolesAdded)]),
  ];
  return (
    <Stack gap="lg">
      <PageTitle text={title}>{title}</PageTitle>
      <CreateUserForm
        onCreated={(created) => {
          setNotice(
            created.oneTimePassword
              ? { kind: 'password', username: created.username, password: created.oneTimePassword }
              : undefined,
          );
          reloadAll();
        }}
      />
      {notice?.kind === 'password' ? (
        <Alert
          key={notice.password}
          ref={takeFocusOnMount}
          color="blue"
          variant="light"
          role="status"
          data-testid="one-time-password-notice"
          title={t('accounts.users.oneTimeTitle', { username: notice.username })}
        >
          <Text size="sm" mb="xs">
            {t('accounts.users.oneTimeIntro')}
          </Text>
          <Code block dir="ltr" data-testid="one-time-password">
            {notice.password}
          </Code>
        </Alert>
      ) : null}
      <ProblemAlert error={error ?? users.error} />
      <Paper withBorder p="md" component="section" aria-labelledby="users-heading">
        <Title order={2} size="h4" id="users-heading" mb="xs">
          {t('accounts.users.listTitle')}
        </Title>
        <WideTable minWidth={720} label={t('accounts.users.listTitle')}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('accounts.users.username')}</Table.Th>
                <Table.Th>{t('accounts.users.displayName')}</Table.Th>
                <Table.Th>{t('accounts.users.roles')}</Table.Th>
                <Table.Th>{t('accounts.users.state')}</Table.Th>
                <Table.Th>{t('accounts.users.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {(users.data?.items ?? []).map((user) => (
                <Table.Tr key={user.id} data-testid="user-row" data-username={user.username}>
                  <Table.Td dir="ltr">{user.username}</Table.Td>
                  <Table.Td>{user.displayName}</Table.Td>
                  <Table.Td>
                    {editing === user.id ? (
                      <RolesEditor
                        username={user.username}
                        roles={rolesAskedFor(user)}
                        email={user.email ?? ''}
                        onCancel={() => setEditing(undefined)}
                        onSave={(roles, email) =>
                          act(async () => {
                            const isSameRoles =
                              [...roles].sort().join() === [...rolesAskedFor(user)].sort().join();
                            const nextEmail = email.trim() === '' ? null : email.trim();
                            const changed = await answer(
                              api.PATCH('/api/v1/users/{id}', {
                                params: { path: { id: user.id } },
                                body: {
                                  ...(isSameRoles ? {} : { roles }),
                                  ...(nextEmail === (user.email ?? null) ? {} : { email: nextEmail }),
                                },
                              }),
                            );
                            setEditing(undefined);
                            setNotice(
                              changed.pendingRoleRequest
                                ? { kind: 'pending', username: user.username }
                                : undefined,
                            );
                          })
                        }
                      />
                    ) : (
                      <Stack gap={4}>
                        <Text size="sm">
                          {user.roles.map((role) => t(`roles.${role}`, { defaultValue: role })).join(', ')}
                        </Text>
                        {pendingOf(user.id).map((request) => (
                          <Group key={request.id} gap="xs" data-testid="pending-grant">
                            <Text size="sm" fw={500}>
                              {t('accounts.users.pending', {
                                roles: request.rolesAdded
                                  .map((role) => t(`roles.${role}`, { defaultValue: role }))
                                  .join(', '),
                                by: request.requestedBy?.username ?? t('accounts.users.operator'),
                              })}
                            </Text>
                            {request.requestedBy?.userId !== me?.id && request.userId !== me?.id ? (
                              <Button
                                size="xs"
                                variant="light"
                                onClick={() =>
                                  act(async () => {
                                    await answer(
                                      api.POST('/api/v1/role-requests/{id}/approve', {
                                        params: { path: { id: request.id } },
                                      }),
                                    );
                                    setNotice({ kind: 'approved', username: user.username });
                                  })
                                }
                              >
                                {t('accounts.users.approve')}
                              </Button>
                            ) : (
                              <Text size="xs" c="gray.7">
                                {t('accounts.users.awaitsOther')}
                              </Text>
                            )}
                          </Group>
                        ))}
                      </Stack>
                    )}
                  </Table.Td>
                  <Table.Td>
                    {user.isDisabled ? t('accounts.users.disabled') : t('accounts.users.enabled')}
                    {user.mustChangePassword ? ` · ${t('accounts.users.oneTime')}` : ''}
                    {user.isTotpEnrolled ? ` · ${t('accounts.users.totp')}` : ''}
                  </Table.Td>
                  <Table.Td>
                    {isSystemAccount(user.username) ? (
                      <Text size="xs" c="gray.7" maw={260}>
                        {t('accounts.users.systemAccount')}
                      </Text>
                    ) : (
                      <Group gap={6}>
                        <Button
                          size="xs"
                          variant="light"
                          onClick={() => setEditing(user.id)}
                          aria-label={t('accounts.users.editRolesOf', { username: user.username })}
                        >
                          {t('accounts.users.editRoles')}
                        </Button>
                        {user.id !== me?.id ? (
                          <>
                            {user.roles.includes('administrator') ? (
                              <Text size="xs" c="gray.7" maw={260}>
                                {t('accounts.users.resetOnHost')}
                              </Text>
                            ) : (
                              <Button
                                size="xs"
                                variant="light"
                                aria-label={t('accounts.users.resetOf', { username: user.username })}
                                onClick={() => setToReset(user)}
                              >
                                {t('accounts.users.reset')}
                              </Button>
                            )}
                            <Button
                              size="xs"
                              variant="light"
                              color={user.isDisabled ? 'blue' : 'red'}
                              aria-label={t(
                                user.isDisabled ? 'accounts.users.enableOf' : 'accounts.users.disableOf',
                                {
                                  username: user.username,
                                },
                              )}
                              onClick={() =>
                                act(async () => {
                                  await answer(
                                    api.PATCH('/api/v1/users/{id}', {
                                      params: { path: { id: user.id } },
                                      body: { isDisabled: !user.isDisabled },
                                    }),
                                  );
                                })
                              }
                            >
                              {user.isDisabled ? t('accounts.users.enable') : t('accounts.users.disable')}
                            </Button>
                          </>
                        ) : null}
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </WideTable>
        {notice?.kind === 'pending' ? (
          <Alert color="yellow" variant="light" role="status" mt="sm" ref={takeFocusOnMount}>
            {t('accounts.users.pendingNotice', { username: notice.username })}
          </Alert>
        ) : null}
        {notice?.kind === 'approved' ? (
          <Alert
            key={notice.username}
            color="teal"
            variant="light"
            role="status"
            mt="sm"
            ref={takeFocusOnMount}
            data-testid="approved-notice"
          >
            {t('a11y.approvedNotice', { username: notice.username })}
          </Alert>
        ) : null}
      </Paper>
      <ConfirmModal
        isOpen={toReset !== undefined}
        title={t('accounts.users.resetTitle', { username: toReset?.username ?? '' })}
        message={t('accounts.users.resetConfirm')}
        confirmLabel={t('accounts.users.reset')}
        isBusy={isResetting}
        onConfirm={() => {
          if (!toReset) return;
          setIsResetting(true);
          void act(async () => {
            const reset = await answer(
              api.POST('/api/v1/users/{id}/password-reset', { params: { path: { id: toReset.id } } }),
            );
            setNotice({ kind: 'password', username: toReset.username, password: reset.oneTimePassword });
          }).finally(() => {
            setIsResetting(false);
            setToReset(undefined);
          });
        }}
        onCancel={() => setToReset(undefined)}
      />
      <Paper withBorder p="md" component="section" aria-labelledby="all-tokens-heading">
        <Title order={2} size="h4" id="all-tokens-heading" mb="xs">
          {t('accounts.users.tokensTitle')}
        </Title>
        <Text size="sm" c="gray.7">
          {t('accounts.users.tokensIntro')}
        </Text>
        <ProblemAlert error={tokens.error} />
        <TokenTable
          items={tokens.data?.items ?? []}
          onRevoke={(id) =>
            void act(async () => {
              await answer(api.DELETE('/api/v1/api-tokens/{id}', { params: { path: { id } } }));
            })
          }
        />
      </Paper>
    </Stack>
  );
}

function RoleCheckboxes({
  value,
  onChange,
  label,
  error,
}: {
  value: Role[];
  onChange: (roles: Role[]) => void;
  label: string;
  error?: string;
}) {
  const { t } = useTranslation();
  return (
    <Checkbox.Group label={label} error={error} value={value} onChange={(roles) => onChange(roles as Role[])}>
      <Group gap="sm" mt={4}>
        {ROLES.map((role) => (
          <Checkbox key={role} value={role} label={t(`roles.${role}`, { defaultValue: role })} />
        ))}
      </Group>
    </Checkbox.Group>
  );
}

/** An account's roles and the address its e-mail alerts go to (what `comity user email` changes). */
function RolesEditor({
  username,
  roles,
  email,
  onSave,
  onCancel,
}: {
  username: string;
  roles: readonly Role[];
  email: string;
  onSave: (roles: Role[], email: string) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [value, setValue] = useState<Role[]>([...roles]);
  const [address, setAddress] = useState(email);
  return (
    <Stack gap="xs">
      <RoleCheckboxes value={value} onChange={setValue} label={t('accounts.users.rolesOf', { username })} />
      <TextInput
        label={t('accounts.users.email')}
        type="email"
        dir="ltr"
        value={address}
        onChange={(event) => setAddress(event.currentTarget.value)}
        maxLength={254}
      />
      <Group gap="xs">
        <Button
          size="xs"
          onClick={() => onSave(value, address)}
          disabled={value.length === 0 && roles.length > 0}
        >
          {t('accounts.users.saveRoles')}
        </Button>
        <Button size="xs" variant="subtle" onClick={onCancel}>
          {t('accounts.users.cancel')}
        </Button>
      </Group>
    </Stack>
  );
}

function CreateUserForm({
  onCreated,
}: {
  onCreated: (created: { username: string; oneTimePassword: string | null }) => void;
}) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [roles, setRoles] = useState<Role[]>([]);
  const [error, setError] = useState<unknown>(undefined);
  const [isBusy, setIsBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setIsBusy(true);
    setError(undefined);
    try {
      const created = await answer(
        api.POST('/api/v1/users', {
          body: {
            username: username.trim(),
            ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
            ...(email.trim() ? { email: email.trim() } : {}),
            roles,
          },
        }),
      );
      onCreated({ username: created.username, oneTimePassword: created.oneTimePassword });
      setUsername('');
      setDisplayName('');
      setEmail('');
      setRoles([]);
    } catch (failure) {
      setError(failure);
    } finally {
      setIsBusy(false);
    }
  };

  const fieldErrors = fieldErrorsOf(error);
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="create-user-heading">
      <Title order={2} size="h4" id="create-user-heading" mb="xs">
        {t('accounts.users.createTitle')}
      </Title>
      <Text size="sm" c="gray.7" mb="sm">
        {t('accounts.users.createIntro')}
      </Text>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <Group grow align="flex-start">
            <TextInput
              id="new-user-username"
              error={fieldErrors.get('/username')}
              label={t('accounts.users.username')}
              description={t('accounts.users.usernameHelp')}
              required
              value={username}
              onChange={(event) => setUsername(event.currentTarget.value)}
            />
            <TextInput
              id="new-user-display-name"
              error={fieldErrors.get('/displayName')}
              label={t('accounts.users.displayName')}
              value={displayName}
              onChange={(event) => setDisplayName(event.currentTarget.value)}
            />
            <TextInput
              id="new-user-email"
              error={fieldErrors.get('/email')}
              label={t('accounts.users.email')}
              type="email"
              value={email}
              onChange={(event) => setEmail(event.currentTarget.value)}
            />
          </Group>
          <RoleCheckboxes
            value={roles}
            onChange={setRoles}
            label={t('accounts.users.roles')}
            error={fieldErrors.get('/roles')}
          />
          <ProblemAlert
            error={error}
            fields={{
              '/username': { label: t('accounts.users.username'), id: 'new-user-username' },
              '/displayName': { label: t('accounts.users.displayName'), id: 'new-user-display-name' },
              '/email': { label: t('accounts.users.email'), id: 'new-user-email' },
              '/roles': { label: t('accounts.users.roles') },
            }}
          />
          <Group>
            <Button type="submit" loading={isBusy} disabled={roles.length === 0}>
              {t('accounts.users.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
