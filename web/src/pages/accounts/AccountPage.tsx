/**
 * The signed-in user's own account (/account): change the password, sign in with TOTP (enrol with
 * a QR code of the otpauth URI, or its secret, and a first code; recovery codes shown once; turn
 * off with password and code), and one's own API tokens (create with an expiry, the secret shown once; revoke).
 * With a pending step (a one-time password, TOTP a role requires) it is the only screen shown.
 */
import {
  Alert,
  Anchor,
  Button,
  Code,
  Group,
  List,
  NumberInput,
  Paper,
  PasswordInput,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { answer, api } from '../../app/api.ts';
import { type PendingStep, useSession } from '../../app/session.tsx';
import { formatDateTime } from '../../components/format.ts';
import { PageTitle } from '../../components/PageTitle.tsx';
import { takeFocusOnMount } from '../../components/focus-keeper.ts';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { QrCode } from '../../components/QrCode.tsx';
import { CopyValueButton } from '../../components/CopyValueButton.tsx';
import { fieldErrorsOf } from '../../components/field-errors.ts';
import { useApi } from '../../components/use-api.ts';
import { WideTable } from '../../components/WideTable.tsx';

export function AccountPage({ pendingStep }: { pendingStep?: PendingStep | null }) {
  const { t } = useTranslation();
  const title =
    pendingStep === 'change-password'
      ? t('accounts.account.mustChangeTitle')
      : pendingStep === 'enrol-mfa'
        ? t('accounts.account.mustEnrolTitle')
        : t('accounts.account.title');
  return (
    <Stack maw={760} gap="lg">
      <PageTitle text={title}>{title}</PageTitle>
      {pendingStep === 'change-password' ? (
        <Alert color="yellow" variant="light" role="status">
          {t('accounts.account.mustChange')}
        </Alert>
      ) : null}
      {pendingStep === 'enrol-mfa' ? (
        <Alert color="yellow" variant="light" role="status">
          {t('accounts.account.mustEnrol')}
        </Alert>
      ) : null}
      {pendingStep !== 'enrol-mfa' ? <PasswordSection /> : null}
      {pendingStep !== 'change-password' ? <TotpSection /> : null}
      {pendingStep ? null : <TokensSection />}
    </Stack>
  );
}

function PasswordSection() {
  const { t } = useTranslation();
  const { refresh } = useSession();
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [repeated, setRepeated] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [isDone, setIsDone] = useState(false);
  const [isBusy, setIsBusy] = useState(false);
  const isMismatch = repeated !== '' && repeated !== newPassword;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (isMismatch) return;
    setIsBusy(true);
    setError(undefined);
    setIsDone(false);
    try {
      await answer(api.POST('/api/v1/account/password', { body: { currentPassword, newPassword } }));
      setCurrentPassword('');
      setNewPassword('');
      setRepeated('');
      setIsDone(true);
      await refresh();
    } catch (failure) {
      setError(failure);
    } finally {
      setIsBusy(false);
    }
  };

  const fieldErrors = fieldErrorsOf(error);
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="password-heading">
      <Title order={2} size="h4" id="password-heading" mb="xs">
        {t('accounts.password.title')}
      </Title>
      <Text size="sm" c="gray.7" mb="sm">
        {t('accounts.password.intro')}
      </Text>
      <form onSubmit={submit} noValidate>
        <Stack gap="sm" maw={420}>
          <PasswordInput
            id="password-current"
            error={fieldErrors.get('/currentPassword')}
            label={t('accounts.password.current')}
            autoComplete="current-password"
            required
            value={currentPassword}
            onChange={(event) => setCurrentPassword(event.currentTarget.value)}
          />
          <PasswordInput
            id="password-new"
            error={fieldErrors.get('/newPassword')}
            label={t('accounts.password.new')}
            description={t('accounts.password.newHelp')}
            autoComplete="new-password"
            required
            value={newPassword}
            onChange={(event) => setNewPassword(event.currentTarget.value)}
          />
          <PasswordInput
            label={t('accounts.password.repeat')}
            autoComplete="new-password"
            required
            value={repeated}
            error={isMismatch ? t('accounts.password.mismatch') : undefined}
            onChange={(event) => setRepeated(event.currentTarget.value)}
          />
          <ProblemAlert
            error={error}
            fields={{
              '/currentPassword': { label: t('accounts.password.current'), id: 'password-current' },
              '/newPassword': { label: t('accounts.password.new'), id: 'password-new' },
            }}
          />
          {isDone ? (
            <Alert color="blue" variant="light" role="status">
              {t('accounts.password.changed')}
            </Alert>
          ) : null}
          <Group>
            <Button type="submit" loading={isBusy}>
              {t('accounts.password.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function TotpSection() {
  const { t } = useTranslation();
  const { refresh } = useSession();
  const status = useApi(() => answer(api.GET('/api/v1/account/totp')), []);
  const [enrolment, setEnrolment] = useState<{ secret: string; uri: string } | undefined>(undefined);
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | undefined>(undefined);
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [isBusy, setIsBusy] = useState(false);

  const run = async (action: () => Promise<void>) => {
    setIsBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (failure) {
      setError(failure);
    } finally {
      setIsBusy(false);
    }
  };

  const start = () =>
    run(async () => {
      setEnrolment(await answer(api.POST('/api/v1/account/totp')));
      setRecoveryCodes(undefined);
    });
  const confirm = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const confirmed = await answer(
        api.POST('/api/v1/account/totp/confirm', { body: { code: code.trim() } }),
      );
      setRecoveryCodes(confirmed.recoveryCodes);
      setEnrolment(undefined);
      setCode('');
      status.reload();
    });
  };
  const disable = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await answer(api.POST('/api/v1/account/totp/disable', { body: { password, code: code.trim() } }));
      setPassword('');
      setCode('');
      status.reload();
    });
  };

  const current = status.data;
  const confirmErrors = fieldErrorsOf(error);
  const disableErrors = fieldErrorsOf(error);
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="totp-heading">
      <Title order={2} size="h4" id="totp-heading" mb="xs">
        {t('accounts.totp.title')}
      </Title>
      <ProblemAlert error={status.error} />
      {current ? (
        <Text size="sm" mb="sm" data-testid="totp-status">
          {current.isEnrolled
            ? t('accounts.totp.enrolled', { left: current.recoveryCodesLeft })
            : t('accounts.totp.notEnrolled')}
          {current.isRequired ? ` ${t('accounts.totp.required')}` : ''}
        </Text>
      ) : null}
      {recoveryCodes ? (
        <Alert
          ref={takeFocusOnMount}
          color="blue"
          variant="light"
          role="status"
          title={t('accounts.totp.recoveryTitle')}
          mb="sm"
          data-testid="recovery-notice"
        >
          <Text size="sm" mb="xs">
            {t('accounts.totp.recoveryIntro')}
          </Text>
          <Group gap="xs" mb={4}>
            <Text size="sm" fw={500}>
              {t('accounts.totp.copyCodes')}
            </Text>
            <CopyValueButton value={recoveryCodes.join('\n')} label={t('accounts.totp.copyCodes')} />
          </Group>
          <List size="sm" data-testid="recovery-codes" style={{ fontFamily: 'monospace' }}>
            {recoveryCodes.map((recovery) => (
              <List.Item key={recovery} dir="ltr">
                {recovery}
              </List.Item>
            ))}
          </List>
          <Button
            mt="sm"
            onClick={() => {
              setRecoveryCodes(undefined);
              void refresh();
            }}
          >
            {t('accounts.totp.recoveryDone')}
          </Button>
        </Alert>
      ) : null}
      {current && !current.isEnrolled && !enrolment && !recoveryCodes ? (
        <Button onClick={() => void start()} loading={isBusy}>
          {t('accounts.totp.start')}
        </Button>
      ) : null}
      {enrolment ? (
        <form onSubmit={confirm} noValidate>
          <Stack gap="sm">
            <Text size="sm">{t('accounts.totp.scanIntro')}</Text>
            <QrCode text={enrolment.uri} label={t('accounts.totp.qrLabel')} />
            <Text size="sm" fw={500}>
              {t('accounts.totp.secret')}
            </Text>
            <Group gap="xs" wrap="nowrap" dir="ltr">
              {/* In groups of four, as authenticator apps accept it typed. */}
              <Code block data-testid="totp-secret" data-secret={enrolment.secret} ref={takeFocusOnMount}>
                {enrolment.secret.match(/.{1,4}/g)?.join(' ')}
              </Code>
              <CopyValueButton value={enrolment.secret} label={t('accounts.totp.copySecret')} />
            </Group>
            <Text size="sm" fw={500}>
              {t('accounts.totp.uri')}
            </Text>
            {/* On a phone, following the link opens the authenticator app installed there. */}
            <Anchor
              href={enrolment.uri}
              dir="ltr"
              size="sm"
              ff="monospace"
              style={{ wordBreak: 'break-all' }}
              data-testid="totp-uri"
            >
              {enrolment.uri}
            </Anchor>
            <TextInput
              id="totp-first-code"
              error={confirmErrors.get('/code')}
              label={t('accounts.totp.firstCode')}
              autoComplete="one-time-code"
              inputMode="numeric"
              required
              maw={220}
              value={code}
              onChange={(event) => setCode(event.currentTarget.value)}
            />
            <ProblemAlert
              error={error}
              fields={{ '/code': { label: t('accounts.totp.firstCode'), id: 'totp-first-code' } }}
            />
            <Group>
              <Button type="submit" loading={isBusy}>
                {t('accounts.totp.confirm')}
              </Button>
              <Button
                variant="default"
                onClick={() => {
                  setEnrolment(undefined);
                  setCode('');
                  setError(undefined);
                }}
              >
                {t('common.cancel')}
              </Button>
            </Group>
          </Stack>
        </form>
      ) : null}
      {current?.isEnrolled && !current.isRequired && !recoveryCodes ? (
        <form onSubmit={disable} noValidate>
          <Stack gap="sm" maw={420}>
            <Text size="sm">{t('accounts.totp.disableIntro')}</Text>
            <PasswordInput
              id="totp-disable-password"
              error={disableErrors.get('/password')}
              label={t('accounts.password.current')}
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => setPassword(event.currentTarget.value)}
            />
            <TextInput
              id="totp-disable-code"
              error={disableErrors.get('/code')}
              label={t('accounts.signIn.code')}
              autoComplete="one-time-code"
              required
              value={code}
              onChange={(event) => setCode(event.currentTarget.value)}
            />
            <ProblemAlert
              error={error}
              fields={{
                '/password': { label: t('accounts.password.current'), id: 'totp-disable-password' },
                '/code': { label: t('accounts.signIn.code'), id: 'totp-disable-code' },
              }}
            />
            <Group>
              <Button type="submit" color="red" variant="light" loading={isBusy}>
                {t('accounts.totp.disable')}
              </Button>
            </Group>
          </Stack>
        </form>
      ) : null}
    </Paper>
  );
}

function TokensSection() {
  const { t } = useTranslation();
  const tokens = useApi(() => answer(api.GET('/api/v1/tokens')), []);
  const [name, setName] = useState('');
  const [days, setDays] = useState<number | string>(90);
  const [created, setCreated] = useState<{ name: string; token: string } | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [isBusy, setIsBusy] = useState(false);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setIsBusy(true);
    setError(undefined);
    try {
      const answered = await answer(
        api.POST('/api/v1/tokens', {
          body: { name: name.trim(), ...(typeof days === 'number' ? { expiresInDays: days } : {}) },
        }),
      );
      setCreated({ name: answered.name, token: answered.token });
      setName('');
      tokens.reload();
    } catch (failure) {
      setError(failure);
    } finally {
      setIsBusy(false);
    }
  };
  const revoke = async (id: string) => {
    setError(undefined);
    try {
      await answer(api.DELETE('/api/v1/tokens/{id}', { params: { path: { id } } }));
      tokens.reload();
    } catch (failure) {
      setError(failure);
    }
  };

  const fieldErrors = fieldErrorsOf(error);
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="tokens-heading">
      <Title order={2} size="h4" id="tokens-heading" mb="xs">
        {t('accounts.tokens.title')}
      </Title>
      <Text size="sm" c="gray.7" mb="sm">
        {t('accounts.tokens.intro')}
      </Text>
      <form onSubmit={create} noValidate>
        <Group align="flex-end" gap="sm">
          <TextInput
            id="token-name"
            error={fieldErrors.get('/name')}
            label={t('accounts.tokens.name')}
            required
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
          />
          <NumberInput
            id="token-days"
            error={fieldErrors.get('/expiresInDays')}
            label={t('accounts.tokens.days')}
            description={t('accounts.tokens.daysHelp')}
            min={1}
            allowDecimal={false}
            allowNegative={false}
            w={200}
            value={days}
            onChange={setDays}
          />
          <Button type="submit" loading={isBusy}>
            {t('accounts.tokens.create')}
          </Button>
        </Group>
      </form>
      {created ? (
        <Alert
          key={created.token}
          ref={takeFocusOnMount}
          color="blue"
          variant="light"
          role="status"
          mt="sm"
          data-testid="token-notice"
          title={t('accounts.tokens.createdTitle', { name: created.name })}
        >
          <Text size="sm" mb="xs">
            {t('accounts.tokens.createdIntro')}
          </Text>
          <Code
            block
            dir="ltr"
            data-testid="token-secret"
            style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}
          >
            {created.token}
          </Code>
        </Alert>
      ) : null}
      <ProblemAlert
        error={error ?? tokens.error}
        fields={{
          '/name': { label: t('accounts.tokens.name'), id: 'token-name' },
          '/expiresInDays': { label: t('accounts.tokens.days'), id: 'token-days' },
        }}
      />
      <TokenTable items={tokens.data?.items ?? []} onRevoke={(id) => void revoke(id)} />
    </Paper>
  );
}

export type TokenRow = Readonly<{
  id: string;
  name: string;
  username?: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}>;

/** A table of API tokens with a revoke button on live ones (one's own, or every user's for administrators). */
export function TokenTable({
  items,
  onRevoke,
}: {
  items: readonly TokenRow[];
  onRevoke: (id: string) => void;
}) {
  const { t } = useTranslation();
  if (items.length === 0) {
    return (
      <Text size="sm" mt="sm">
        {t('accounts.tokens.none')}
      </Text>
    );
  }
  const hasOwner = items.some((item) => item.username !== undefined);
  return (
    <WideTable minWidth={560} mt="sm" label={t('accounts.tokens.title')}>
      <Table striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('accounts.tokens.name')}</Table.Th>
            {hasOwner ? <Table.Th>{t('accounts.users.username')}</Table.Th> : null}
            <Table.Th>{t('accounts.tokens.createdAt')}</Table.Th>
            <Table.Th>{t('accounts.tokens.expiresAt')}</Table.Th>
            <Table.Th>{t('accounts.tokens.lastUsedAt')}</Table.Th>
            <Table.Th>{t('accounts.tokens.state')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((item) => (
            <Table.Tr key={item.id} data-testid="token-row">
              <Table.Td>{item.name}</Table.Td>
              {hasOwner ? <Table.Td>{item.username}</Table.Td> : null}
              <Table.Td>{formatDateTime(item.createdAt)}</Table.Td>
              <Table.Td>{item.expiresAt ? formatDateTime(item.expiresAt) : ''}</Table.Td>
              <Table.Td>
                {item.lastUsedAt ? formatDateTime(item.lastUsedAt) : t('accounts.tokens.never')}
              </Table.Td>
              <Table.Td>
                {item.revokedAt ? (
                  t('accounts.tokens.revoked')
                ) : (
                  <Button
                    size="xs"
                    color="red"
                    variant="light"
                    onClick={() => onRevoke(item.id)}
                    aria-label={t('accounts.tokens.revokeNamed', { name: item.name })}
                  >
                    {t('accounts.tokens.revoke')}
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </WideTable>
  );
}
