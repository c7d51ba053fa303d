import { reportInvalidShare } from '../../../lib/delivery/commit';
import type { ResourceSummary } from '../../../lib/delivery/types';
import type { LogFields, Logger } from '../../../lib/observability/logger';
import { createMetrics } from '../../../lib/observability/metrics';

function recordingLogger(): Logger & { warnings: { message: string; fields?: LogFields }[] } {
  const warnings: { message: string; fields?: LogFields }[] = [];
  const none = (): void => undefined;
  const logger = { debug: none, info: none, error: none, warn: (message: string, fields?: LogFields) => warnings.push({ message, fields }), child: () => logger, warnings };
  return logger;
}

const summary = (counts: Partial<ResourceSummary>): ResourceSummary => ({
  resource: 'incidents', topic: 'incidents', pages: 30, records: 0, tombstones: 0, deadLettered: 0, trimmed: 0,
  resumed: false, fullRefresh: false, startedAt: 0, durationMs: 0, ...counts,
});

describe('reportInvalidShare', () => {
  it('regression: a resource whose every record was dead-lettered ends with a WARN naming it and the first reason, and a ratio of 1', async () => {
    const log = recordingLogger();
    const metrics = createMetrics();
    reportInvalidShare(summary({ deadLettered: 3000, firstInvalid: 'urgency: "urgent" is not one of high, low' }), log, metrics);
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0].message).toContain('every record of resource "incidents" was dead-lettered (3000); first reason: urgency: "urgent" is not one of high, low');
    expect(log.warnings[0].fields).toMatchObject({ resource: 'incidents', dead_lettered: 3000 });
    expect(await metrics.registry.metrics()).toContain('rest2kafka_records_invalid_ratio{resource="incidents"} 1');
  });

  it('says nothing when some records were published, and exposes their share', async () => {
    const log = recordingLogger();
    const metrics = createMetrics();
    reportInvalidShare(summary({ records: 3, deadLettered: 1, firstInvalid: 'x' }), log, metrics);
    expect(log.warnings).toEqual([]);
    expect(await metrics.registry.metrics()).toContain('rest2kafka_records_invalid_ratio{resource="incidents"} 0.25');
  });

  it('an empty resource is not all-invalid', async () => {
    const log = recordingLogger();
    const metrics = createMetrics();
    reportInvalidShare(summary({}), log, metrics);
    expect(log.warnings).toEqual([]);
    expect(await metrics.registry.metrics()).toContain('rest2kafka_records_invalid_ratio{resource="incidents"} 0');
  });
});
