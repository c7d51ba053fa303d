/**
 * A TCP proxy on 127.0.0.1 for network-fault tests: put it between kafkajs and a broker (the
 * broker advertising the proxy's port) and drop or stall every connection on demand. Unlike
 * killing or pausing the broker, this leaves the broker healthy and breaks only the network.
 */
import net from 'node:net';

export interface TcpProxyOptions {
  /** Where connections are forwarded. */
  target: { host?: string; port: number };
  /** Port to listen on; default 0 (the OS picks one). */
  port?: number;
}

export interface TcpProxy {
  port: number;
  /** `127.0.0.1:<port>`, for a broker list. */
  address: string;
  /** Connections accepted since the start. */
  readonly accepted: number;
  /** Connections open now (held ones included). */
  readonly live: number;
  /** Connections ended by {@link TcpProxy.dropAll}. */
  readonly dropped: number;
  readonly stalled: boolean;
  /** Destroys every live connection (both sides); new ones are still accepted. Returns how many. */
  dropAll(): number;
  /**
   * Stops forwarding in both directions while every socket stays open, as a network that
   * silently swallows packets; new connections are accepted but not forwarded either.
   */
  stall(): void;
  /** Forwards again: held bytes flow and held connections reach the target. */
  resume(): void;
  close(): Promise<void>;
}

interface Link {
  client: net.Socket;
  upstream: net.Socket | null;
  destroy(): void;
}

/**
 * @example
 * const proxy = await startTcpProxy({ target: { port: 9092 } });
 * proxy.stall();   // requests now time out
 * proxy.resume();
 * await proxy.close();
 */
export async function startTcpProxy(options: TcpProxyOptions): Promise<TcpProxy> {
  const links = new Set<Link>();
  let accepted = 0;
  let dropped = 0;
  let stalled = false;

  const connectUpstream = (link: Link) => {
    const upstream = net.connect({ host: options.target.host ?? '127.0.0.1', port: options.target.port });
    link.upstream = upstream;
    // Until the target answers, the client's bytes wait in its socket's buffer.
    upstream.once('connect', () => {
      if (link.upstream !== upstream) return;
      forward(link.client, upstream);
      forward(upstream, link.client);
      if (!stalled) link.client.resume();
    });
    upstream.on('error', () => link.destroy());
    upstream.on('close', () => link.destroy());
  };

  // Forwarding by hand rather than pipe(): pipe() resumes its source on the destination's
  // 'drain', which would undo a stall.
  const forward = (from: net.Socket, to: net.Socket) => {
    from.on('data', (chunk: Buffer) => {
      if (!to.write(chunk)) from.pause();
    });
    to.on('drain', () => {
      if (!stalled) from.resume();
    });
  };

  const server = net.createServer({ pauseOnConnect: true }, (client) => {
    accepted += 1;
    const link: Link = {
      client,
      upstream: null,
      destroy() {
        if (!links.delete(link)) return;
        client.destroy();
        link.upstream?.destroy();
      },
    };
    links.add(link);
    client.on('error', () => link.destroy());
    client.on('close', () => link.destroy());
    if (!stalled) connectUpstream(link);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: options.port ?? 0, exclusive: true }, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    address: `127.0.0.1:${port}`,
    get accepted() {
      return accepted;
    },
    get live() {
      return links.size;
    },
    get dropped() {
      return dropped;
    },
    get stalled() {
      return stalled;
    },
    dropAll() {
      const n = links.size;
      for (const link of [...links]) link.destroy();
      dropped += n;
      return n;
    },
    stall() {
      stalled = true;
      for (const { client, upstream } of links) {
        client.pause();
        upstream?.pause();
      }
    },
    resume() {
      stalled = false;
      for (const link of links) {
        if (link.upstream === null) connectUpstream(link);
        else if (link.upstream.readyState === 'open') {
          link.client.resume();
          link.upstream.resume();
        }
      }
    },
    close() {
      for (const link of [...links]) link.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
