/**
 * A TCP proxy on loopback that can freeze: while frozen it keeps every connection open and
 * accepts new ones, but forwards nothing in either direction (a hung server or a network that
 * drops packets); `resume()` forwards what waited and carries on. Tests put it between a node and
 * its PostgreSQL server.
 *
 *   const proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
 *   proxy.freeze(); ... proxy.resume();
 *   await proxy.close();
 */
import { connect, createServer, type Socket } from 'node:net';

export type TcpProxy = Readonly<{
  /** The loopback port the proxy listens on. */
  port: number;
  freeze: () => void;
  resume: () => void;
  /** Connections currently open through the proxy. */
  connectionCount: () => number;
  close: () => Promise<void>;
}>;

type Pair = { client: Socket; server: Socket };

export async function startTcpProxy(target: Readonly<{ host: string; port: number }>): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let isFrozen = false;

  const setFlowing = (pair: Pair, isFlowing: boolean) => {
    for (const socket of [pair.client, pair.server]) {
      if (isFlowing) socket.resume();
      else socket.pause();
    }
  };

  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    const pair: Pair = { client, server: upstream };
    pairs.add(pair);
    // Not pipe(): a paused socket must not be resumed by the pipe when the other side drains.
    client.on('data', (chunk) => upstream.write(chunk));
    upstream.on('data', (chunk) => client.write(chunk));
    const closeBoth = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on('error', closeBoth);
      socket.on('close', closeBoth);
    }
    if (isFrozen) setFlowing(pair, false);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address !== 'object') throw new Error('the proxy has no port');

  return {
    port: address.port,
    freeze: () => {
      isFrozen = true;
      for (const pair of pairs) setFlowing(pair, false);
    },
    resume: () => {
      isFrozen = false;
      for (const pair of pairs) setFlowing(pair, true);
    },
    connectionCount: () => pairs.size,
    close: async () => {
      for (const pair of pairs) {
        pair.client.destroy();
        pair.server.destroy();
      }
      pairs.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
