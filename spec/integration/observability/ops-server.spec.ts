import http from 'node:http';
import { createMetrics } from '../../../lib/observability/metrics';
import { startOpsServer, type OpsServer } from '../../../lib/observability/ops-server';

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

describe('ops server', () => {
  const metrics = createMetrics();
  let ops: OpsServer;
  beforeAll(async () => {
    ops = await startOpsServer(0, '127.0.0.1', metrics);
  });
  afterAll(() => ops.close());

  it('serves Prometheus metrics labelled by resource and status only', async () => {
    metrics.response('incidents', 200);
    metrics.response('incidents', 429);
    metrics.retry('incidents');
    metrics.published('incidents', { records: 100, tombstones: 2, deadLettered: 1, bytes: 4096 });
    metrics.synced('incidents', new Date('2026-01-01T00:10:00Z'), '2026-01-01T00:00:00Z');
    const { status, body } = await get(ops.port, '/metrics');
    expect(status).toBe(200);
    expect(body).toContain('rest2kafka_http_responses_total{resource="incidents",status="429"} 1');
    expect(body).toContain('rest2kafka_http_retries_total{resource="incidents"} 1');
    expect(body).toContain('rest2kafka_records_published_total{resource="incidents"} 100');
    expect(body).toContain('rest2kafka_tombstones_published_total{resource="incidents"} 2');
    expect(body).toContain('rest2kafka_records_dead_lettered_total{resource="incidents"} 1');
    expect(body).toContain('rest2kafka_bytes_published_total{resource="incidents"} 4096');
    expect(body).toContain('rest2kafka_cursor_lag_seconds{resource="incidents"} 600');
    expect(body).toMatch(/rest2kafka_last_successful_sync_timestamp_seconds\{resource="incidents"\} 1767226200/);
  });

  it('answers /healthz always and /readyz only once ready', async () => {
    expect((await get(ops.port, '/healthz')).status).toBe(200);
    const before = await get(ops.port, '/readyz');
    expect(before.status).toBe(503);
    ops.setReady(true);
    expect((await get(ops.port, '/readyz')).status).toBe(200);
    ops.setReady(false, 'last run failed: KAFKA_UNREACHABLE');
    const after = await get(ops.port, '/readyz');
    expect(after).toEqual({ status: 503, body: 'not ready: last run failed: KAFKA_UNREACHABLE\n' });
    expect((await get(ops.port, '/nope')).status).toBe(404);
  });
});
