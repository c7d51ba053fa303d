import { loadConfig } from '../config/load';
import { runPipeline, type ResourceSummary } from '../delivery';
import { formatError } from '../observability/format-error';
import { ConfigError, ExitCode, FencedError, Rest2KafkaError } from '../errors';
import { createMetrics } from '../observability/metrics';
import { startOpsServer } from '../observability/ops-server';
import { formatSummary, progressDisplay } from '../observability/progress';
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
                        configuration errors and fencing, which stop the service
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
    const metricsPort = values['metrics-port'] === undefined ? null : intFlag('run', 'metrics-port', values['metrics-port'])!;
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
    const once = async () => {
      const result = await runPipeline({
        loaded,
        only: values.resource ?? [],
        fullRefresh: values['full-refresh'] ?? false,
        dryRun: values['dry-run'] ?? false,
        logger,
        signal: io.signal,
        onProgress: progress?.update,
        metrics,
        noticed,
      }).finally(() => progress?.clear());
      ops?.setReady(true);
      if (progress) io.stderr.write(formatSummary(result.summaries as ResourceSummary[], values['dry-run'] ?? false));
      return result;
    };
    try {
      if (intervalMs === null) return (await once()).interrupted ? ExitCode.INTERRUPTED : ExitCode.OK;
      logger.info('running as a service', { interval_ms: intervalMs });
      while (!io.signal.aborted) {
        try {
          await once();
        } catch (error) {
          // Bad config and fencing do not heal by waiting; anything else may (API or broker down).
          if (error instanceof ConfigError || error instanceof FencedError || !(error instanceof Rest2KafkaError)) throw error;
          ops?.setReady(false, `last run failed: ${error.code}`);
          metrics?.runFailed(error.code);
          logger.error('run failed; retrying at the next interval', { error: formatError(error) });
        }
        await sleep(intervalMs, io.signal);
      }
      // SIGTERM between or during runs: the current batch committed, nothing half-published.
      return ExitCode.OK;
    } finally {
      await ops?.close();
    }
  },
};

/** `30s`, `5m`, `1h`, or plain milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const ms = match ? Number(match[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 'ms') as 'ms'] : NaN;
  if (!(ms >= 1000)) throw new ConfigError(`run: --interval must be a duration of at least 1s such as 30s, 5m or 1h, got "${text}"`, { code: 'USAGE' });
  return ms;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
