/**
 * The database timeouts read from the environment, and which errors count as "the database is
 * unavailable" (503) rather than a failure of the node itself.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ConfigError,
  DATABASE_TIMEOUT_DEFAULTS,
  databaseTimeoutsOf,
  loadCacheDirectory,
  loadConfig,
} from '../../src/config.ts';
import { AppError } from '../../src/core/errors.ts';
import {
  databaseUnavailable,
  isConnectFault,
  isConnectionFault,
  reconnectDelayMs,
} from '../../src/storage/connection-faults.ts';

const URL = 'postgres://comity@127.0.0.1:5432/comity';

describe('database timeouts', () => {
  it('apply the defaults to a PostgreSQL node and read each setting', () => {
    assert.deepEqual(
      databaseTimeoutsOf(loadConfig({ DATABASE_URL: URL }).database),
      DATABASE_TIMEOUT_DEFAULTS,
    );
    const config = loadConfig({
      DATABASE_URL: URL,
      COMITY_DATABASE_CONNECT_TIMEOUT_MS: '1000',
      COMITY_DATABASE_STATEMENT_TIMEOUT_MS: '2000',
      COMITY_DATABASE_QUERY_TIMEOUT_MS: '3000',
      COMITY_DATABASE_RETRY_MAX_MS: '4000',
    });
    assert.deepEqual(databaseTimeoutsOf(config.database), {
      connectTimeoutMs: 1000,
      statementTimeoutMs: 2000,
      queryTimeoutMs: 3000,
      retryMaxMs: 4000,
    });
  });

  it('refuse a query timeout shorter than the statement timeout, and values out of range', () => {
    assert.throws(
      () =>
        loadConfig({
          DATABASE_URL: URL,
          COMITY_DATABASE_STATEMENT_TIMEOUT_MS: '5000',
          COMITY_DATABASE_QUERY_TIMEOUT_MS: '1000',
        }),
      (error: unknown) =>
        error instanceof ConfigError && /COMITY_DATABASE_QUERY_TIMEOUT_MS/.test(error.problems.join()),
    );
    assert.throws(() => loadConfig({ COMITY_DATABASE_CONNECT_TIMEOUT_MS: '5' }), ConfigError);
  });
});

describe('connection faults', () => {
  const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

  it('recognise an unreachable, stopping or hung server, through causes and aggregates', () => {
    for (const error of [
      withCode('ECONNREFUSED'),
      withCode('57P01', 'terminating connection due to administrator command'),
      withCode('57014', 'canceling statement due to statement timeout'),
      withCode('08006'),
      new Error('Connection terminated unexpectedly'),
      new Error('Query read timeout'),
      new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')]),
      new Error('database migration failed: boom', { cause: withCode('ECONNRESET') }),
      new AppError('database-unavailable', 'down'),
    ]) {
      assert.equal(isConnectionFault(error), true, String(error));
    }
  });

  it('leave other database errors and failures of the node alone', () => {
    for (const error of [
      withCode('23505', 'duplicate key value violates unique constraint'),
      withCode('42P01', 'relation does not exist'),
      new TypeError('undefined is not a function'),
      new AppError('invalid-input', 'bad'),
      'a string',
      undefined,
    ]) {
      assert.equal(isConnectionFault(error), false, String(error));
    }
  });

  it('count a refused login or a missing database as a setting to fix, any other failure to connect as unavailable', () => {
    assert.equal(isConnectFault(withCode('28P01', 'password authentication failed')), false);
    assert.equal(isConnectFault(withCode('3D000', 'database "x" does not exist')), false);
    assert.equal(
      isConnectFault(withCode('55000', 'database "x" is not currently accepting connections')),
      true,
    );
    assert.equal(isConnectFault(new Error('timeout exceeded when trying to connect')), true);
  });

  it('become database-unavailable with the fault as cause', () => {
    const fault = withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432');
    const error = databaseUnavailable(fault);
    assert.equal(error.code, 'database-unavailable');
    assert.equal(error.cause, fault);
    assert.equal(databaseUnavailable(error), error);
  });

  it('wait 250 ms, then twice as long each time, up to the cap', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 100].map((attempt) => reconnectDelayMs(attempt, 3000)),
      [250, 500, 1000, 2000, 3000, 3000, 3000],
    );
  });
});

describe('delivery settings', () => {
  it('keep 64 messages in flight on PostgreSQL and 16 on PGlite, unless COMITY_DELIVERY_CONCURRENCY says otherwise', () => {
    const concurrencyOf = (environment: Record<string, string>) =>
      loadConfig({ HOME: '/home/officer', ...environment }).federation.deliveryConcurrency;
    assert.equal(concurrencyOf({ DATABASE_URL: 'postgres://comity@localhost/comity' }), 64);
    assert.equal(concurrencyOf({}), 16);
    assert.equal(concurrencyOf({ COMITY_DELIVERY_CONCURRENCY: '8' }), 8);
    assert.equal(
      concurrencyOf({ DATABASE_URL: 'postgres://comity@localhost/comity', COMITY_DELIVERY_CONCURRENCY: '8' }),
      8,
    );
    assert.throws(() => loadConfig({ COMITY_DELIVERY_CONCURRENCY: '0' }), ConfigError);
    assert.throws(() => loadConfig({ COMITY_DELIVERY_CONCURRENCY: '257' }), ConfigError);
  });
});

describe('embedded database settings', () => {
  it('give PGlite 16 MiB of shared buffers unless COMITY_PGLITE_SHARED_BUFFERS_MB says otherwise', () => {
    const standard = loadConfig({ HOME: '/home/officer' }).database;
    assert.equal(standard.kind === 'pglite' && standard.sharedBuffersMb, 16);
    const larger = loadConfig({ COMITY_PGLITE_SHARED_BUFFERS_MB: '128' }).database;
    assert.equal(larger.kind === 'pglite' && larger.sharedBuffersMb, 128);
    assert.throws(() => loadConfig({ COMITY_PGLITE_SHARED_BUFFERS_MB: '0' }), ConfigError);
    assert.throws(() => loadConfig({ COMITY_PGLITE_SHARED_BUFFERS_MB: 'lots' }), ConfigError);
  });

  it('look for tables due for VACUUM or ANALYZE every 60 s unless COMITY_PGLITE_MAINTENANCE_INTERVAL_SECONDS says otherwise (0: never)', () => {
    const intervalOf = (environment: Record<string, string>) => {
      const database = loadConfig(environment).database;
      return database.kind === 'pglite' ? database.maintenanceIntervalMs : 'not pglite';
    };
    assert.equal(intervalOf({}), 60_000);
    assert.equal(intervalOf({ COMITY_PGLITE_MAINTENANCE_INTERVAL_SECONDS: '300' }), 300_000);
    assert.equal(intervalOf({ COMITY_PGLITE_MAINTENANCE_INTERVAL_SECONDS: '0' }), 0);
    assert.throws(() => loadConfig({ COMITY_PGLITE_MAINTENANCE_INTERVAL_SECONDS: '-1' }), ConfigError);
    assert.throws(() => loadConfig({ COMITY_PGLITE_MAINTENANCE_INTERVAL_SECONDS: 'often' }), ConfigError);
  });

  it('keep the template in COMITY_CACHE_DIR, else $XDG_CACHE_HOME/comity, and none when told so', () => {
    const templateDirectoryOf = (environment: Record<string, string>) => {
      const database = loadConfig(environment).database;
      return database.kind === 'pglite' ? database.templateDirectory : 'not pglite';
    };
    assert.equal(templateDirectoryOf({ COMITY_CACHE_DIR: '/var/cache/comity' }), '/var/cache/comity');
    assert.equal(templateDirectoryOf({ XDG_CACHE_HOME: '/tmp/xdg' }), '/tmp/xdg/comity');
    assert.equal(templateDirectoryOf({ COMITY_CACHE_DIR: 'none' }), undefined);
    assert.equal(loadCacheDirectory({ COMITY_CACHE_DIR: 'none' }), undefined);
    assert.equal(loadCacheDirectory({ XDG_CACHE_HOME: '/tmp/xdg' }), '/tmp/xdg/comity');
  });
});
