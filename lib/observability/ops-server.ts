/**
 * The operations endpoint of `run --metrics-port`: `/metrics` (Prometheus text), `/healthz`
 * (the process is alive) and `/readyz` (a run has connected to Kafka and is not failing).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Metrics } from './metrics';

export interface OpsServer {
  port: number;
  /** Set by the run loop: ready once Kafka answered, not ready after a failed run. */
  setReady(ready: boolean, reason?: string): void;
  close(): Promise<void>;
}

/** @example const ops = await startOpsServer(9464, '127.0.0.1', metrics) */
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
      res.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' }).end(ready ? 'ready\n' : `not ready: ${reason}\n`);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics, /healthz or /readyz\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
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
