import net from 'node:net';

function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      const { port: bound } = server.address() as net.AddressInfo;
      server.close(() => resolve(bound));
    });
  });
}

/** A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return listenOnce(0);
}

/**
 * Fails with a readable message when something already listens on the port: the JVM would
 * otherwise die with a bind error deep in its log, or, worse, a readiness probe could be
 * answered by a different broker.
 */
export async function assertPortFree(port: number, what: string): Promise<void> {
  try {
    await listenOnce(port);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`${what} port 127.0.0.1:${port} is not available (${code ?? String(error)}); choose another one`);
  }
}
