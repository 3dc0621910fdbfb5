/**
 * Throttling of sign-ins that a password sprayer cannot turn against real users
 * (docs/operations.md, "Sign-in throttling"):
 * - no account is ever locked: the right password from a clean address always works;
 * - failures are counted per client address (an IPv6 address by its /64): after a few free ones,
 *   each further attempt from that address must wait twice as long as the one before, and an
 *   attempt that comes early is refused before any password is checked;
 * - a node-wide budget of password checks per second: attempts from addresses with failures on
 *   record are refused while it is spent; an address with none is always served.
 * The state is in memory, per running node, and reads the node's clock (tests move it).
 */
import { isIPv6 } from 'node:net';
import { AppError } from '../core/errors.ts';

/** Failures an address may make before it has to wait. */
export const FREE_FAILURES_PER_ADDRESS = 3;
/** The first wait after the free failures; each further failure doubles it. */
const FIRST_DELAY_MS = 1000;
/** Longest wait asked of one address. */
const MAXIMUM_DELAY_MS = 15 * 60_000;
/** An address's failures are forgotten this long after its last one. */
const FORGET_AFTER_MS = 60 * 60_000;
/** Addresses remembered at most (the least recently failed are forgotten first). */
const MAXIMUM_ADDRESSES = 100_000;

type AddressRecord = { failures: number; lastFailureAt: number };

export type SignInThrottle = Readonly<{
  /**
   * Throws too-many-requests (with the seconds to wait) when this address must wait or the budget
   * of password checks is spent for addresses with failures; otherwise takes one check.
   */
  admit: (address: string) => void;
  /** Records a failed attempt from the address. */
  recordFailure: (address: string) => void;
}>;

/** The key an address is counted under: an IPv6 address by its /64 (one host usually holds all of it). */
export function addressKey(address: string): string {
  const plain = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  if (!isIPv6(plain)) return plain;
  const [head = '', tail = ''] = plain.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === '' ? [] : tail.split(':');
  const groups = plain.includes('::')
    ? [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups]
    : headGroups;
  return `${groups
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}

/** How long an address with that many failures waits after its last one, in ms (0: none). */
export function delayAfterFailures(failures: number): number {
  if (failures < FREE_FAILURES_PER_ADDRESS) return 0;
  const doublings = Math.min(failures - FREE_FAILURES_PER_ADDRESS, 30);
  return Math.min(FIRST_DELAY_MS * 2 ** doublings, MAXIMUM_DELAY_MS);
}

function tooManyRequests(waitMs: number, detail: string): AppError {
  const retryAfterSeconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new AppError('too-many-requests', `${detail}; try again in ${retryAfterSeconds} s`, [], {
    retryAfterSeconds,
  });
}

export function createSignInThrottle(options: {
  now: () => Date;
  /** Password checks per second, node-wide, for attempts from addresses with failures on record. */
  checksPerSecond: number;
}): SignInThrottle {
  const addresses = new Map<string, AddressRecord>();
  const capacity = Math.max(1, options.checksPerSecond);
  let budget = capacity;
  let budgetAt = options.now().getTime();

  function recordOf(key: string, now: number): AddressRecord | undefined {
    const record = addresses.get(key);
    if (record && now - record.lastFailureAt >= FORGET_AFTER_MS) {
      addresses.delete(key);
      return undefined;
    }
    return record;
  }

  function refill(now: number): void {
    budget = Math.min(capacity, budget + (Math.max(0, now - budgetAt) / 1000) * options.checksPerSecond);
    budgetAt = now;
  }

  return {
    admit(address) {
      const now = options.now().getTime();
      const record = recordOf(addressKey(address), now);
      refill(now);
      if (record) {
        const waitMs = record.lastFailureAt + delayAfterFailures(record.failures) - now;
        if (waitMs > 0) throw tooManyRequests(waitMs, 'too many failed sign-ins from your address');
        if (budget < 1) {
          throw tooManyRequests(
            ((1 - budget) / options.checksPerSecond) * 1000,
            'too many sign-ins on this node at the moment',
          );
        }
      }
      // A clean address is served even when the budget is spent: it goes into debt (one second's worth at most).
      budget = Math.max(budget - 1, -capacity);
    },
    recordFailure(address) {
      const now = options.now().getTime();
      const key = addressKey(address);
      const record = recordOf(key, now);
      addresses.delete(key);
      addresses.set(key, { failures: (record?.failures ?? 0) + 1, lastFailureAt: now });
      if (addresses.size > MAXIMUM_ADDRESSES) {
        const oldest = addresses.keys().next().value;
        if (oldest !== undefined) addresses.delete(oldest);
      }
    },
  };
}
