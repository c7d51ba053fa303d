/**
 * Prometheus metrics for `run` (served by `lib/observability/ops-server.ts`). Labels are
 * resource names and status codes only — never URLs, keys or anything that could hold a secret.
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export interface BatchCounts {
  records: number;
  tombstones: number;
  deadLettered: number;
  bytes: number;
}

export interface Metrics {
  readonly registry: Registry;
  response(resource: string, status: number): void;
  retry(resource: string): void;
  published(resource: string, counts: BatchCounts): void;
  /** A resource's run completed; `cursor` is its committed incremental value, if any. */
  synced(resource: string, at: Date, cursor: unknown): void;
  /** Share (0–1) of a resource's records that its last completed run dead-lettered. */
  invalidShare(resource: string, share: number): void;
  /** A run of `run --interval` failed with this error code; the service goes on. */
  runFailed(code: string): void;
  /** Which of the fleet's units this instance runs now (none: a standby). */
  ownership(units: readonly { name: string; owned: boolean }[]): void;
}

/** @example const metrics = createMetrics(); metrics.response('incidents', 200) */
export function createMetrics(): Metrics {
  const registry = new Registry();
  // prom-client's names already start with process_ or nodejs_: rest2kafka_process_cpu_…, not rest2kafka_process_process_cpu_….
  collectDefaultMetrics({ register: registry, prefix: 'rest2kafka_' });
  const labels = ['resource'] as const;
  const requests = new Counter({ name: 'rest2kafka_http_responses_total', help: 'API responses by status (every attempt)', labelNames: ['resource', 'status'], registers: [registry] });
  const retries = new Counter({ name: 'rest2kafka_http_retries_total', help: 'API requests retried', labelNames: labels, registers: [registry] });
  const records = new Counter({ name: 'rest2kafka_records_published_total', help: 'Records committed to Kafka', labelNames: labels, registers: [registry] });
  const tombstones = new Counter({ name: 'rest2kafka_tombstones_published_total', help: 'Tombstones committed to Kafka', labelNames: labels, registers: [registry] });
  const deadLettered = new Counter({ name: 'rest2kafka_records_dead_lettered_total', help: 'Records sent to the dead-letter topic', labelNames: labels, registers: [registry] });
  const bytes = new Counter({ name: 'rest2kafka_bytes_published_total', help: 'Bytes of record values committed to Kafka', labelNames: labels, registers: [registry] });
  const lastSync = new Gauge({ name: 'rest2kafka_last_successful_sync_timestamp_seconds', help: 'When each resource last completed a run', labelNames: labels, registers: [registry] });
  const failedRuns = new Counter({ name: 'rest2kafka_runs_failed_total', help: 'Runs of run --interval that failed, by error code', labelNames: ['code'], registers: [registry] });
  const invalid = new Gauge({ name: 'rest2kafka_records_invalid_ratio', help: "Share of records the resource's last completed run dead-lettered (1: every record)", labelNames: labels, registers: [registry] });
  const cursorLag = new Gauge({ name: 'rest2kafka_cursor_lag_seconds', help: 'Completion time minus the committed incremental cursor (datetime cursors only)', labelNames: labels, registers: [registry] });
  const unitOwned = new Gauge({ name: 'rest2kafka_fleet_unit_owned', help: 'Whether this instance runs the unit (1) or another instance does (0); a unit is a root resource with its children, or the whole pipeline in standby mode', labelNames: ['unit'], registers: [registry] });
  const standby = new Gauge({ name: 'rest2kafka_fleet_standby', help: '1 while this instance runs no unit and waits to take over', registers: [registry] });
  return {
    registry,
    response: (resource, status) => requests.inc({ resource, status: String(status) }),
    retry: (resource) => retries.inc({ resource }),
    published: (resource, c) => {
      records.inc({ resource }, c.records);
      tombstones.inc({ resource }, c.tombstones);
      deadLettered.inc({ resource }, c.deadLettered);
      bytes.inc({ resource }, c.bytes);
    },
    synced: (resource, at, cursor) => {
      lastSync.set({ resource }, at.getTime() / 1000);
      const cursorTime = typeof cursor === 'string' ? Date.parse(cursor) : NaN;
      if (Number.isFinite(cursorTime)) cursorLag.set({ resource }, (at.getTime() - cursorTime) / 1000);
    },
    invalidShare: (resource, share) => invalid.set({ resource }, share),
    runFailed: (code) => failedRuns.inc({ code }),
    ownership: (units) => {
      for (const unit of units) unitOwned.set({ unit: unit.name }, unit.owned ? 1 : 0);
      standby.set(units.some((u) => u.owned) ? 0 : 1);
    },
  };
}
