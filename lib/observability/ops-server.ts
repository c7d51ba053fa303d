/**
 * The operations endpoint of `run --metrics-port`: `/metrics` (Prometheus text), `/healthz`
 * (the process is alive) and `/readyz` (a run has connected to Kafka and is not failing, or the
 * instance is a standby; the body says which).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '../errors';
import type { Metrics } from './metrics';

export interface OpsServer {
  port: number;
  /**
   * Set by the run loop: ready once Kafka answered (a standby is ready: it is what takes over),
   * not ready after a failed run. `reason` is the text after `ready: ` / `not ready: `.
   */
  setReady(ready: boolean, reason?: string): void;
  close(): Promise<void>;
}

/** The listen errors that are the caller's choice of port or address, not a bug. */
const USER_LISTEN_ERRORS: Record<string, { why: string; flag: string }> = {
  EADDRINUSE: { why: 'the port is in use', flag: '--metrics-port' },
  EACCES: { why: 'permission denied (ports below 1024 need privileges)', flag: '--metrics-port' },
  EADDRNOTAVAIL: { why: 'this machine has no such address', flag: '--metrics-host' },
  ENOTFOUND: { why: 'no such host', flag: '--metrics-host' },
};

/**
 * Starts the endpoint. A port in use (or an address this machine does not have) is a usage
 * error naming `--metrics-port`/`--metrics-host`, exit 2, not a crash.
 *
 * @example const ops = await startOpsServer(9464, '127.0.0.1', metrics)
 */
export async function startOpsServer(port: number, host: string, metrics: Metrics): Promise<OpsServer> {
  let ready = false;
  let reason = 'starting';
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') {
      metrics.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
        (error: unknown) => res.writeHead(500).end(String(error)),
      );
    } else if (path === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
    } else if (path === '/readyz') {
      res.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' }).end(ready ? `ready${reason === 'ready' ? '' : `: ${reason}`}\n` : `not ready: ${reason}\n`);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics, /healthz or /readyz\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const known = USER_LISTEN_ERRORS[error.code ?? ''];
      reject(known ? new ConfigError(`cannot serve metrics on ${host}:${port}: ${known.why} (${error.code}); choose another ${known.flag}`, { code: 'USAGE' }) : error);
    });
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    setReady(value, why) {
      ready = value;
      reason = why ?? (value ? 'ready' : 'not ready');
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
