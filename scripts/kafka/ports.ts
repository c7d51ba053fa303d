import net from 'node:net';

function listen(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => resolve(server));
  });
}

function close(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * `count` distinct TCP ports on 127.0.0.1 that were free a moment ago (the OS picks them; all
 * are held open together so none is handed out twice).
 */
export async function freePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < count; i++) servers.push(await listen(0));
    return servers.map((s) => (s.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map(close));
  }
}

/**
 * Fails with a readable message when something already listens on the port: the JVM would
 * otherwise die with a bind error deep in its log, or, worse, a readiness probe could be
 * answered by a different broker.
 */
export async function assertPortFree(port: number, what: string, variable?: string): Promise<void> {
  try {
    await close(await listen(port));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const fix = variable ? `set ${variable} to a free port` : 'choose another one';
    throw new Error(`${what} port 127.0.0.1:${port} is not available (${code ?? String(error)}); ${fix}`);
  }
}
