/**
 * Sign-in with username and password (POST /api/v1/session). After an expired session it says so
 * and, once signed in again, returns to the screen the user was on.
 */
import { Alert, Anchor, Button, Paper, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../app/api.ts';
import { navigate, RouterLink, useLocation } from '../../app/router.tsx';
import { landingPathOf } from '../../app/landing.ts';
import { useSession } from '../../app/session.tsx';
import { PageTitle } from '../../components/PageTitle.tsx';
import { ProblemAlert } from '../../components/ProblemAlert.tsx';
import { fieldErrorsOf } from '../../components/field-errors.ts';
import { useNodeMode } from '../../components/reference-data.ts';

/** Only a path of this UI, never another site (an open redirect); none: the person's landing screen. */
function safeNext(search: string): string | undefined {
  const next = new URLSearchParams(search).get('next');
  return next?.startsWith('/') && !next.startsWith('//') && !next.startsWith('/sign-in') ? next : undefined;
}

export function SignInPage() {
  const { t } = useTranslation();
  const { session, signIn } = useSession();
  const location = useLocation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  /** Shown once the node asked for a second factor (mfa-code-required). */
  const [isCodeAsked, setIsCodeAsked] = useState(false);
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [isBusy, setIsBusy] = useState(false);
  const next = safeNext(location.search);

  const nodeMode = useNodeMode();
  useEffect(() => {
    if (session.status === 'signed-in' && !nodeMode.isLoading) {
      navigate(next ?? landingPathOf(session.user.roles, nodeMode.data), { replace: true });
    }
  }, [session, next, nodeMode]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setIsBusy(true);
    setError(undefined);
    try {
      await signIn(username.trim(), password, isCodeAsked ? code.trim() : undefined);
    } catch (failure) {
      if (isApiError(failure) && failure.code === 'mfa-code-required') {
        setIsCodeAsked(true);
      } else {
        setError(failure);
        if (!isCodeAsked) setPassword('');
        setCode('');
      }
    } finally {
      setIsBusy(false);
    }
  };

  const hasExpired = session.status === 'signed-out' && session.hasExpired;
  const fieldErrors = fieldErrorsOf(error);
  // Refused at the code step: the password was right; the code is what to type again.
  const isWrongCode = isCodeAsked && isApiError(error) && error.code === 'invalid-credentials';
  return (
    <Paper maw={400} mx="auto" mt="xl" p="lg" withBorder>
      <PageTitle text={t('signIn.title')}>{t('signIn.title')}</PageTitle>
      <Text size="sm" c="gray.7" mb="md">
        {t('signIn.intro')}
      </Text>
      {hasExpired ? (
        <Alert color="yellow" variant="light" mb="md" role="status" title={t('signIn.expiredTitle')}>
          {t('signIn.expired')}
        </Alert>
      ) : null}
      <form onSubmit={submit} noValidate aria-describedby={error ? 'sign-in-error' : undefined}>
        <Stack gap="sm">
          <TextInput
            label={t('signIn.username')}
            id="sign-in-username"
            error={fieldErrors.get('/username')}
            name="username"
            autoComplete="username"
            required
            value={username}
            onChange={(event) => setUsername(event.currentTarget.value)}
            data-autofocus
          />
          <PasswordInput
            label={t('signIn.password')}
            id="sign-in-password"
            error={fieldErrors.get('/password')}
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.currentTarget.value)}
          />
          {isCodeAsked ? (
            <TextInput
              label={t('accounts.signIn.code')}
              description={t('accounts.signIn.codeHelp')}
              name="code"
              autoComplete="one-time-code"
              required
              value={code}
              onChange={(event) => setCode(event.currentTarget.value)}
              autoFocus
            />
          ) : null}
          <div id="sign-in-error">
            <ProblemAlert
              error={error}
              wording={
                isWrongCode
                  ? { heading: t('signIn.wrongCodeTitle'), explanation: t('signIn.wrongCode') }
                  : undefined
              }
              takeFocus
              fields={{
                '/username': { label: t('signIn.username'), id: 'sign-in-username' },
                '/password': { label: t('signIn.password'), id: 'sign-in-password' },
              }}
            />
          </div>
          <Button type="submit" loading={isBusy}>
            {t('signIn.submit')}
          </Button>
        </Stack>
      </form>
      <Text size="sm" mt="md">
        <Anchor component={RouterLink} href="/treaty">
          {t('signIn.publicTreaty')}
        </Anchor>
      </Text>
    </Paper>
  );
}
