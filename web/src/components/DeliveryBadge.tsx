/**
 * Badges for where a message is (pending, delivered, failed, cancelled) and how a peer node is
 * doing (healthy, failing, unreachable, unknown). The word is always written: colour is never the
 * only signal (WCAG 1.4.1), and the outline colours keep 4.5:1 on white.
 */
import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';

type Tone = 'good' | 'waiting' | 'bad' | 'neutral';

const TONE_COLORS: Readonly<Record<Tone, string>> = {
  good: 'teal.9',
  waiting: 'var(--comity-amber)',
  bad: 'red.9',
  neutral: 'gray.8',
};

const DELIVERY_TONES: Readonly<Record<string, Tone>> = {
  pending: 'waiting',
  delivered: 'good',
  failed: 'bad',
  cancelled: 'neutral',
};

const HEALTH_TONES: Readonly<Record<string, Tone>> = {
  healthy: 'good',
  failing: 'waiting',
  unreachable: 'bad',
  unknown: 'neutral',
};

function ToneBadge({ tone, label, value }: { tone: Tone; label: string; value: string }) {
  return (
    <Badge variant="outline" color={TONE_COLORS[tone]} radius="sm" data-state={value} className="badge-whole">
      {label}
    </Badge>
  );
}

/** The delivery state of a sent request or of one outgoing message. */
export function DeliveryBadge({ state }: { state: string }) {
  const { t } = useTranslation();
  return (
    <ToneBadge
      tone={DELIVERY_TONES[state] ?? 'neutral'}
      label={t(`deliveryState.${state}`, { defaultValue: state })}
      value={state}
    />
  );
}

/** The health of a peer node (GET /api/v1/peers). */
export function HealthBadge({ health }: { health: string }) {
  const { t } = useTranslation();
  return (
    <ToneBadge
      tone={HEALTH_TONES[health] ?? 'neutral'}
      label={t(`peerHealth.${health}`, { defaultValue: health })}
      value={health}
    />
  );
}
