import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addressKey, delayAfterFailures } from '../../src/services/sign-in-throttle.ts';

describe('sign-in throttle', () => {
  it('counts an IPv6 address by its /64 and an IPv4-mapped address as IPv4', () => {
    assert.equal(addressKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
    assert.equal(addressKey('2001:db8:1:2:bbbb:cccc:dddd:eeee'), '2001:db8:1:2::/64');
    assert.equal(addressKey('::1'), '0:0:0:0::/64');
    assert.equal(addressKey('::ffff:192.0.2.7'), '192.0.2.7');
    assert.equal(addressKey('192.0.2.7'), '192.0.2.7');
  });

  it('lets three failures go free, then doubles the wait up to 15 minutes', () => {
    assert.deepEqual([0, 1, 2].map(delayAfterFailures), [0, 0, 0]);
    assert.deepEqual([3, 4, 5, 6].map(delayAfterFailures), [1000, 2000, 4000, 8000]);
    assert.equal(delayAfterFailures(40), 15 * 60_000);
    assert.equal(delayAfterFailures(10_000), 15 * 60_000);
  });
});
