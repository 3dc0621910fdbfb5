/**
 * Warns before the session ends and lets the user extend it with one button (WCAG 2.2.1): shown
 * `warningSeconds` (COMITY_SESSION_WARNING_SECONDS) before the expiry the node reports with every
 * answer. The warning is a dialog that takes the focus on its "stay signed in" button; it says
 * the time the session ends rather than counting down, so a screen reader announces it once.
 * At the expiry itself the next call meets the ended session and the UI goes to sign-in.
 */
import { Button, Group, Modal, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { answer, api } from './api.ts';
import { formattingLocale } from '../i18n/i18n.ts';
import { TIME_OF_DAY } from '../components/format.ts';
import { navigate } from './router.tsx';
import { useSession } from './session.tsx';

/** setTimeout's longest delay (about 24.8 days); a later moment is checked again then. */
const LONGEST_TIMEOUT_MS = 2_147_000_000;

export function SessionWarning() {
  const { t } = useTranslation();
  const { session, expiry, extend, signOut } = useSession();
  const [isWarning, setIsWarning] = useState(false);
  const [isBusy, setIsBusy] = useState(false);
  const [failure, setFailure] = useState(false);
  const isSignedIn = session.status === 'signed-in';

  useEffect(() => {
    if (!isSignedIn || !expiry) {
      setIsWarning(false);
      return;
    }
    const warnAt = expiry.expiresAt - expiry.warningSeconds * 1000;
    const now = Date.now();
    setIsWarning(now >= warnAt);
    const timers: ReturnType<typeof setTimeout>[] = [];
    if (now < warnAt) {
      timers.push(setTimeout(() => setIsWarning(true), Math.min(warnAt - now, LONGEST_TIMEOUT_MS)));
    }
    // Once past the expiry, a call with the session meets the 401 that signs the UI out.
    timers.push(
      setTimeout(
        () => {
          void answer(api.GET('/api/v1/session')).catch(() => undefined);
        },
        Math.min(Math.max(expiry.expiresAt - now + 1000, 0), LONGEST_TIMEOUT_MS),
      ),
    );
    return () => {
      for (const timer of timers) clearTimeout(timer);
    };
  }, [isSignedIn, expiry]);

  if (!isSignedIn || !expiry) return null;
  const endsAt = new Intl.DateTimeFormat(formattingLocale(), TIME_OF_DAY).format(expiry.expiresAt);

  const stay = async () => {
    setIsBusy(true);
    setFailure(false);
    try {
      await extend();
      setIsWarning(false);
    } catch {
      setFailure(true);
    } finally {
      setIsBusy(false);
    }
  };

  return (
    <Modal
      opened={isWarning}
      onClose={() => void stay()}
      title={t('a11y.sessionWarning.title')}
      centered
      closeButtonProps={{ 'aria-label': t('common.close') }}
      data-testid="session-warning"
      data-expires-at={new Date(expiry.expiresAt).toISOString()}
    >
      <Text mb="md" id="session-warning-text">
        {t('a11y.sessionWarning.body', { time: endsAt })}
      </Text>
      {failure ? (
        <Text c="red.9" mb="md" role="alert">
          {t('a11y.sessionWarning.failed')}
        </Text>
      ) : null}
      <Group justify="flex-end">
        <Button
          variant="default"
          onClick={() => {
            setIsWarning(false);
            void signOut().then(() => navigate('/sign-in'));
          }}
        >
          {t('a11y.sessionWarning.signOut')}
        </Button>
        <Button onClick={() => void stay()} loading={isBusy} data-autofocus>
          {t('a11y.sessionWarning.extend')}
        </Button>
      </Group>
    </Modal>
  );
}
