import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { DatabaseHandle } from '../../src/storage/database.ts';
import { POSTGRES_TARGET } from '../helpers/database.ts';

describe('statements prepared once per PostgreSQL connection', { skip: POSTGRES_TARGET.skip }, () => {
  let handle: DatabaseHandle;
  before(async () => {
    handle = await POSTGRES_TARGET.open();
  });
  after(async () => handle?.close());

  it('a statement run again and again on a connection is prepared there, and answers as before', async () => {
    await handle.db.connection().execute(async (connection) => {
      const statement = sql<{
        n: number;
      }>`select count(*)::int as n from outbox_messages where status = 'pending' and peer_node_id = ${'de-247'}`;
      const answers: number[] = [];
      for (let call = 0; call < 8; call++) {
        const { rows } = await statement.execute(connection);
        answers.push(rows[0]?.n ?? -1);
      }
      assert.deepEqual(answers, [0, 0, 0, 0, 0, 0, 0, 0]);
      const { rows } = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(
        connection,
      );
      assert.ok(
        rows.some((row) => row.statement.includes("where status = 'pending' and peer_node_id = $1")),
        `prepared: ${JSON.stringify(rows)}`,
      );
    });
  });
});
