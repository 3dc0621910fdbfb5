import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { counted } from '../../src/core/counted.ts';

describe('counted', () => {
  it('puts the noun in the number of the count', () => {
    assert.equal(counted(1, 'finding'), '1 finding');
    assert.equal(counted(0, 'finding'), '0 findings');
    assert.equal(counted(3, 'blocking finding'), '3 blocking findings');
    assert.equal(counted(2, 'entry', 'entries'), '2 entries');
  });
});
