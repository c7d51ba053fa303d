import { createMetrics } from '../../../lib/observability/metrics';

describe('metrics', () => {
  it('regression: process metrics are rest2kafka_process_…, not rest2kafka_process_process_…', async () => {
    const text = await createMetrics().registry.metrics();
    expect(text).toContain('rest2kafka_process_cpu_user_seconds_total');
    expect(text).toContain('rest2kafka_nodejs_heap_size_used_bytes');
    expect(text).not.toContain('process_process');
  });

  it('counts failed runs by error code', async () => {
    const metrics = createMetrics();
    metrics.runFailed('HTTP_NETWORK');
    metrics.runFailed('HTTP_NETWORK');
    metrics.runFailed('KAFKA');
    const text = await metrics.registry.metrics();
    expect(text).toContain('rest2kafka_runs_failed_total{code="HTTP_NETWORK"} 2');
    expect(text).toContain('rest2kafka_runs_failed_total{code="KAFKA"} 1');
  });
});
