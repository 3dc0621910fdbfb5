import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createStatementNamer } from '../../src/storage/statement-names.ts';

const SELECT = 'select "id" from "requests" where "id" = $1';
const UPDATE = 'update "outbox_messages" set "claimed_until" = $1 where "id" = $2';

describe('which statements a PostgreSQL connection prepares', () => {
  it('names a data statement from its third call on, with the same name every time', () => {
    const nameOf = createStatementNamer({ minUses: 3, maxNames: 10, maxCounted: 10, maxLength: 1000 });
    assert.equal(nameOf(SELECT), undefined);
    assert.equal(nameOf(SELECT), undefined);
    const name = nameOf(SELECT);
    assert.match(name ?? '', /^comity_\d+$/);
    assert.equal(nameOf(SELECT), name);
    assert.equal(nameOf(`${SELECT}`), name, 'an equal text built anew gets the same name');
  });

  it('gives different statements different names', () => {
    const nameOf = createStatementNamer({ minUses: 1, maxNames: 10, maxCounted: 10, maxLength: 1000 });
    const first = nameOf(SELECT);
    const second = nameOf(UPDATE);
    assert.ok(first && second);
    assert.notEqual(first, second);
  });

  it('never names transaction control, locks or schema changes', () => {
    const nameOf = createStatementNamer({ minUses: 1, maxNames: 10, maxCounted: 10, maxLength: 1000 });
    for (const text of [
      'begin',
      'commit',
      'rollback',
      'set local statement_timeout = 5000',
      'create index x on t (a)',
      'analyze outbox_messages',
    ]) {
      assert.equal(nameOf(text), undefined, text);
    }
    assert.ok(
      nameOf('  WITH x as (select 1) select * from x'),
      'upper case and leading spaces are data statements too',
    );
  });

  it('names no more than maxNames statements: later ones stay unnamed', () => {
    const nameOf = createStatementNamer({ minUses: 1, maxNames: 2, maxCounted: 10, maxLength: 1000 });
    assert.ok(nameOf('select 1'));
    assert.ok(nameOf('select 2'));
    assert.equal(nameOf('select 3'), undefined);
    assert.ok(nameOf('select 1'), 'a statement named before keeps its name');
  });

  it('counts at most maxCounted statements waiting for a name, then counts afresh', () => {
    const nameOf = createStatementNamer({ minUses: 2, maxNames: 10, maxCounted: 1, maxLength: 1000 });
    nameOf('select 1');
    nameOf('select 2');
    assert.equal(nameOf('select 1'), undefined, 'the counts started afresh when select 2 came');
    assert.ok(nameOf('select 1'), 'counted again, it is named at its second call since');
  });

  it('never names a text longer than maxLength', () => {
    const nameOf = createStatementNamer({ minUses: 1, maxNames: 10, maxCounted: 10, maxLength: 20 });
    assert.equal(nameOf(`select ${'1, '.repeat(20)}1`), undefined);
    assert.ok(nameOf('select 1'));
  });
});
