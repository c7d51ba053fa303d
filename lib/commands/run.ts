import { of } from 'rxjs';
import { loadConfig, type LoadedConfig } from '../config/load';
import type { PipelineConfig } from '../config/types';
import { runPipeline, type ResourceSummary } from '../delivery';
import { wantedResources } from '../delivery/plan';
import { instanceName, joinFleet, type Membership } from '../fleet/membership';
import { serveUnits } from '../fleet/service';
import { workUnits, type WorkUnit } from '../fleet/units';
import type { Logger } from '../observability/logger';
import { formatError } from '../observability/format-error';
import { ConfigError, ExitCode, FencedError, Rest2KafkaError } from '../errors';
import { createMetrics, type Metrics } from '../observability/metrics';
import { startOpsServer, type OpsServer } from '../observability/ops-server';
import { createKafka, kafkaFailure } from '../sink/kafka';
import { formatSummary, progressDisplay } from '../observability/progress';
import { StateLog } from '../state/store';
import { intFlag, parseFlags, requireFlag } from './args';
import { commandLogger, OUTPUT_HELP, OUTPUT_OPTIONS, stderrIsTty } from './output';
import type { Command } from './types';

export const runCommand: Command = {
  name: 'run',
  summary: 'extract every resource and publish it to Kafka (with state, dead letters, tombstones)',
  help: `Usage: rest2kafka run --config FILE [--resource NAME]... [--full-refresh] [--dry-run] [--interval DURATION]

Extracts the resources of a pipeline file and publishes each record to its resource's
topic, keyed by its primary key. Each page and the state that covers it commit in one Kafka
transaction; a run that is killed resumes from its last committed page.

Options:
  -c, --config FILE     pipeline file (.yaml, .json, .ts, .mjs, .js) or bare dlt source config
  -r, --resource NAME   only this resource (repeatable); parents are fetched to drive children
      --full-refresh    ignore incremental state, re-extract everything, then tombstone keys
                        the API no longer has (merge/replace resources)
      --dry-run         extract, validate and encode, publish nothing (no Kafka needed)
      --interval D      keep running: start a run every D (e.g. 30s, 5m, 1h) until SIGTERM;
                        a failed run is logged and retried at the next tick, except
                        configuration errors, which stop the service. Instances of one
                        pipeline form a group (coordination.mode): by default one runs, the
                        others stand by and take over when it stops or dies; with
                        distributed, root resources (with their children) are spread over
                        the instances; with none, a second instance fences the first (exit 7)
      --metrics-port N  serve /metrics (Prometheus), /healthz and /readyz on this port
      --metrics-host H  address to bind (default 127.0.0.1; 0.0.0.0 in a container)
${OUTPUT_HELP}; no progress line and no summary table
  -h, --help            show this help

Environment: KAFKA_BROKERS overrides kafka.brokers; secrets come from the environment or
.dlt/secrets.toml (see the README).

Prints a per-resource summary (pages, records, tombstones, dead-lettered, duration, records/s).
Exit codes: 0 ok, 2 config, 3 source API, 4 credentials, 5 Kafka, 6 invalid records
(on_invalid: fail), 7 fenced, 8 Schema Registry, 130 interrupted (with --interval a signal ends the service: 0).`,
  async run(argv, io) {
    const { values } = parseFlags('run', argv, {
      config: { type: 'string', short: 'c' },
      resource: { type: 'string', short: 'r', multiple: true },
      'full-refresh': { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      ...OUTPUT_OPTIONS,
      interval: { type: 'string' },
      'metrics-port': { type: 'string' },
      'metrics-host': { type: 'string' },
    });
    // A TCP port: past 65535 node's listen throws a RangeError, which would read as a bug.
    const metricsPort = values['metrics-port'] === undefined ? null : intFlag('run', 'metrics-port', values['metrics-port'], 65535)!;
    const intervalMs = values.interval === undefined ? null : parseDuration(values.interval);
    const progress = values.quiet ? null : progressDisplay(io.stderr, stderrIsTty(io));
    // Logs go through the progress display, which keeps the progress line below them.
    const logger = commandLogger('run', values, io, progress?.stream);
    const loaded = await loadConfig(requireFlag('run', 'config', values.config), { env: io.env });
    for (const warning of loaded.warnings) logger.warn(warning);
    const metrics = metricsPort === null ? undefined : createMetrics();
    const ops = metrics ? await startOpsServer(metricsPort!, values['metrics-host'] ?? '127.0.0.1', metrics) : null;
    if (ops) logger.info('serving /metrics, /healthz and /readyz', { port: ops.port });

    const noticed = new Set<string>();
    const stateLog = new StateLog(loaded.pipeline.delivery.state_topic, loaded.pipeline.pipeline_name);
    const dryRun = values['dry-run'] ?? false;
    // Units run side by side in a fleet: the progress line shows all of their resources.
    const progressOf = new Map<string, readonly ResourceSummary[]>();
    const once = async (signal: AbortSignal, unit?: WorkUnit) => {
      const result = await runPipeline({
        loaded,
        only: unit?.resources ?? values.resource ?? [],
        fullRefresh: values['full-refresh'] ?? false,
        dryRun,
        logger: unit && unit.name !== loaded.pipeline.pipeline_name ? logger.child({ unit: unit.name }) : logger,
        signal,
        transactionalId: unit?.transactionalId,
        onProgress: progress ? (summaries) => progress.update([...progressOf.set(unit?.name ?? '', summaries).values()].flat()) : undefined,
        metrics,
        noticed,
        stateLog,
      }).finally(() => {
        progressOf.delete(unit?.name ?? '');
        if (progressOf.size === 0) progress?.clear();
      });
      if (progress) io.stderr.write(formatSummary(result.summaries as ResourceSummary[], dryRun));
      return result;
    };
    try {
      if (intervalMs === null) {
        const result = await once(io.signal);
        ops?.setReady(true);
        return result.interrupted ? ExitCode.INTERRUPTED : ExitCode.OK;
      }
      await serve({ loaded, only: values.resource ?? [], dryRun, intervalMs, logger, ops, metrics, signal: io.signal, runUnit: (unit, signal) => once(signal, unit) });
      // SIGTERM between or during runs: the current batch committed, nothing half-published.
      return ExitCode.OK;
    } finally {
      await ops?.close();
    }
  },
};

interface ServeOptions {
  loaded: LoadedConfig;
  only: readonly string[];
  dryRun: boolean;
  intervalMs: number;
  logger: Logger;
  ops: OpsServer | null;
  metrics: Metrics | undefined;
  signal: AbortSignal;
  runUnit(unit: WorkUnit, signal: AbortSignal): Promise<unknown>;
}

/**
 * `--interval`: the service. With `coordination.mode` standby or distributed the instance joins
 * the pipeline's group and runs only the units the group assigns it; with `none` (or a dry run,
 * which needs no Kafka) it runs every unit itself.
 */
async function serve(options: ServeOptions): Promise<void> {
  const { loaded, logger: log, ops, metrics } = options;
  const { pipeline } = loaded;
  const units = workUnits(pipeline, loaded.resources, wantedResources(loaded.resources, options.only));
  const grouped = pipeline.coordination.mode !== 'none' && !options.dryRun;
  log.info('running as a service', { interval_ms: options.intervalMs, coordination: grouped ? pipeline.coordination.mode : 'none', units: units.map((u) => u.name) });
  const fleet = grouped ? await joinGroup(pipeline, units.length, log) : null;
  const failing = new Map<string, string>();
  let owned: readonly WorkUnit[] = [];
  const readiness = () => {
    if (failing.size > 0) ops?.setReady(false, `last run failed: ${[...failing.values()].join(', ')}`);
    else if (owned.length === 0) ops?.setReady(true, 'standby');
    else ops?.setReady(true, grouped ? `active (${owned.map((u) => u.name).join(', ')})` : 'ready');
  };
  try {
    await serveUnits({
      units,
      owned: fleet?.owned ?? of(new Set(units.map((u) => u.partition))),
      intervalMs: options.intervalMs,
      signal: options.signal,
      log,
      runUnit: async (unit, signal) => {
        await options.runUnit(unit, signal);
        failing.delete(unit.name);
        readiness();
      },
      // Bad config does not heal by waiting; a bug must not loop. Without a group, fencing means a
      // second instance runs: stop. In a group, the next owner fences the last one by design.
      isFatal: (error) => error instanceof ConfigError || !(error instanceof Rest2KafkaError) || (!grouped && error instanceof FencedError),
      onRunFailed: (unit, error) => {
        const code = (error as Rest2KafkaError).code;
        failing.set(unit.name, code);
        readiness();
        metrics?.runFailed(code);
        if (error instanceof FencedError) log.warn('another instance published with this unit\'s transactional id (it took the unit over, or ran it by hand): this run stopped; the group decides who runs it next', { unit: unit.name });
        else log.error('run failed; retrying at the next interval', { unit: unit.name, error: formatError(error) });
      },
      onOwnership: (now) => {
        const gained = now.filter((u) => !owned.includes(u)).map((u) => u.name);
        if (grouped && now.length === 0) log.info('standby: another instance runs this pipeline; taking over when it leaves or stops heartbeating', { group: pipeline.coordination.group_id });
        else if (grouped && gained.length > 0) log.info('this instance now runs', { units: gained, group: pipeline.coordination.group_id });
        for (const u of owned) if (!now.includes(u)) failing.delete(u.name);
        owned = now;
        metrics?.ownership(units.map((u) => ({ name: u.name, owned: now.includes(u) })));
        readiness();
      },
    });
  } finally {
    await fleet?.leave();
  }
}

/** Joins the pipeline's group as this instance (its client id names host and pid for `status`). */
async function joinGroup(pipeline: PipelineConfig, units: number, log: Logger): Promise<{ owned: Membership['owned']; leave(): Promise<void> }> {
  const kafka = createKafka({ ...pipeline.kafka, client_id: `${pipeline.kafka.client_id}:${instanceName()}` }, log);
  const admin = kafka.admin();
  const joining = `joining the coordination group ${pipeline.coordination.group_id} (topic ${pipeline.coordination.topic})`;
  try {
    await admin.connect();
    const membership = await joinFleet(kafka, admin, pipeline, units, log);
    return {
      owned: membership.owned,
      leave: async () => {
        await membership.leave();
        await admin.disconnect().catch(() => undefined);
      },
    };
  } catch (error) {
    await admin.disconnect().catch(() => undefined);
    throw kafkaFailure(error, joining, pipeline.kafka);
  }
}

/** `30s`, `5m`, `1h`, or plain milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const ms = match ? Number(match[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 'ms') as 'ms'] : NaN;
  if (!(ms >= 1000)) throw new ConfigError(`run: --interval must be a duration of at least 1s such as 30s, 5m or 1h, got "${text}"`, { code: 'USAGE' });
  return ms;
}
