/**
 * A throwaway PostgreSQL cluster on a loopback port, for tests and benchmarks. Uses Debian's
 * server binaries (apt-get install postgresql); as root, runs them as the postgres user.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A port that was free a moment ago (the one free-port helper of the repository: PostgreSQL takes
 * a port number, not port 0). Another process may take it before the server binds it: the start
 * below then tries another one.
 */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export type Cluster = {
  url: string;
  /** Stops the server and deletes the cluster. */
  stop: () => void;
  /** Stops the server (fast shutdown: sessions are ended), keeping its data; `startServer` starts it again. */
  stopServer: () => void;
  startServer: () => void;
};

export const POSTGRES_BIN = process.env.COMITY_TEST_POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';

/** `settings`: more server settings (`-c name=value`), e.g. pg_stat_statements for the statement census. */
export async function startPostgresCluster(settings: readonly string[] = []): Promise<Cluster | undefined> {
  if (!existsSync(path.join(POSTGRES_BIN, 'initdb'))) return undefined;
  const directory = mkdtempSync(path.join(os.tmpdir(), 'comity-pg-'));
  const isRoot = process.getuid?.() === 0;
  const asPostgres = (command: string[]): string[] =>
    isRoot ? ['su', 'postgres', '-s', '/bin/sh', '-c', command.map((c) => `'${c}'`).join(' ')] : command;
  if (isRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(directory, uid, gid);
    chmodSync(directory, 0o700);
  }
  const [initCommand, ...initArgs] = asPostgres([
    path.join(POSTGRES_BIN, 'initdb'), '-D', path.join(directory, 'data'), '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8',
  ]);
  execFileSync(initCommand!, initArgs, { stdio: 'ignore' });
  const startArgsFor = (port: number) =>
    asPostgres([
      path.join(POSTGRES_BIN, 'pg_ctl'), '-D', path.join(directory, 'data'), '-l', path.join(directory, 'log'), '-w', '-o',
      `-p ${port} -k ${directory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300${settings.map((setting) => ` -c ${setting}`).join('')}`,
      'start',
    ]);
  let port = 0;
  for (let attempt = 1; port === 0; attempt += 1) {
    const candidate = await freePort();
    const [startCommand, ...startArgs] = startArgsFor(candidate);
    // A port taken since freePort() looked: pg_ctl fails (the server could not bind it); try another.
    if (spawnSync(startCommand!, startArgs, { stdio: 'ignore' }).status === 0) port = candidate;
    else if (attempt === 3) throw new Error(`PostgreSQL did not start (log: ${path.join(directory, 'log')})`);
  }
  const startServer = () => {
    const [startCommand, ...startArgs] = startArgsFor(port);
    execFileSync(startCommand!, startArgs, { stdio: 'ignore' });
  };
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    startServer,
    stopServer: () => {
      const [stopCommand, ...stopArgs] = asPostgres([path.join(POSTGRES_BIN, 'pg_ctl'), '-D', path.join(directory, 'data'), '-m', 'fast', '-w', 'stop']);
      execFileSync(stopCommand!, stopArgs, { stdio: 'ignore' });
    },
    stop: () => {
      const [stopCommand, ...stopArgs] = asPostgres([path.join(POSTGRES_BIN, 'pg_ctl'), '-D', path.join(directory, 'data'), '-m', 'immediate', 'stop']);
      spawnSync(stopCommand!, stopArgs, { stdio: 'ignore' });
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

