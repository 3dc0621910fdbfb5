/**
 * Whether an item's chain of custody holds, as a badge: intact with its events, or where it breaks.
 * `isShort`: in a column headed "Chain of custody", without repeating the words.
 */
import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export type CustodyChain = Readonly<{
  isIntact: boolean;
  eventCount: number;
  firstBadEvent?: Readonly<{ sequence: number }> | undefined;
}>;

export function CustodyChainBadge({ chain, isShort = false }: { chain: CustodyChain; isShort?: boolean }) {
  const { t } = useTranslation();
  const words = isShort ? 'evidenceRegister' : 'evidence.items';
  return chain.isIntact ? (
    <Badge color="teal.9" variant="outline" miw="max-content" data-testid="chain-status">
      {t(`${words}.chainIntact`, { events: chain.eventCount })}
    </Badge>
  ) : (
    <Badge color="red.9" variant="outline" miw="max-content" data-testid="chain-status">
      {t(`${words}.chainBroken`, { sequence: chain.firstBadEvent?.sequence ?? '?' })}
    </Badge>
  );
}
