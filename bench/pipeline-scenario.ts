/**
 * `rest2kafka run` as a scenario: one config (a {@link Shape}), one process, and the proof
 * that it delivered exactly the records the simulator holds, resource by resource.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FaultAction, SimulatorStats } from '../lib/simulator';
import { census, deleteTopics, REPO_ROOT } from './kafka';
import { cliArgv, loadAverage, measure } from './processes';
import { check, delta, ensureExit, pct, result, TIMEOUT_MS, type Group, type Scenario, type ScenarioResult } from './scenario';
import { INCIDENTS, pipelineConfig, totalOf, type Shape } from './shapes';

const BARE_429_RETRY_AFTER_S = 1;
/** The bare 429 of `429-bare`: Retry-After only, no ratelimit-* headers. */
const BARE_429: FaultAction = { kind: 'rate-limit', bare: true, retryAfter: BARE_429_RETRY_AFTER_S };

export interface PipelineSettings {
  latencyMs: number;
  /** `client.page_concurrency`; unset: rest2kafka's default (4). */
  concurrency?: number;
  /** What the config pulls; default: the incidents resource alone. */
  shape?: Shape;
  dryRun?: boolean;
  rateLimitPerMinute?: number;
  /** Answer the run's data request #n (counted from its first) with {@link BARE_429}. */
  bare429At?: number;
  /** Profiled with --cpu-prof when the bench runs with --profile. */
  profile?: boolean;
  /** Extra environment for the run. */
  env?: Record<string, string>;
}

export function pipeline(id: string, group: Group, role: ScenarioResult['role'], records: number, settings: PipelineSettings, description: string): Scenario {
  const shape = settings.shape ?? INCIDENTS;
  return {
    id,
    group,
    role,
    records,
    description,
    kafka: !settings.dryRun,
    async run(ctx, n) {
      const expected = shape.expected(n);
      const total = totalOf(expected);
      const server = await ctx.sim({ incidents: n, latencyMs: settings.latencyMs, rateLimitPerMinute: settings.rateLimitPerMinute ?? null });
      const name = `${ctx.tag}-${id}`;
      const configFile = path.join(ctx.tmp, `${id}.json`);
      const client = settings.concurrency === undefined ? {} : { page_concurrency: settings.concurrency };
      await writeFile(configFile, JSON.stringify(pipelineConfig(name, server.url, ctx.brokers, shape, client, path.join(REPO_ROOT, 'schemas')), null, 2));
      const node = ctx.profileDir && settings.profile ? ['--cpu-prof', '--cpu-prof-dir', ctx.profileDir] : [];
      const args = [...node, ...cliArgv(), 'run', '--config', configFile, '--log-format', 'json', ...(settings.dryRun ? ['--dry-run'] : [])];
      const env = { ...process.env, ...settings.env, API_KEY: server.apiKey, KAFKA_BROKERS: ctx.brokers.join(',') };
      const before = await server.stats();
      // The simulator may have served earlier scenarios: its request count goes on from theirs.
      const faults = settings.bare429At === undefined ? null : await server.faults();
      if (faults) await server.setFaults({ ...faults, script: [{ request: before.dataRequests + settings.bare429At!, action: BARE_429 }] });
      const simCpu = server.cpuSeconds();
      const load1Before = loadAverage();
      const measured = await measure(process.execPath, args, { env, cwd: REPO_ROOT, reportFile: path.join(ctx.tmp, `${id}.time`), timeoutMs: TIMEOUT_MS });
      const load1After = loadAverage();
      const simCpuSeconds = delta(server.cpuSeconds(), simCpu);
      if (faults) await server.setFaults(faults);
      const requests = statusDelta(before, await server.stats());
      const notes: string[] = [`c=${settings.concurrency ?? 'default'}`];
      const summaries = parseSummary(measured.stderr);
      // Resources run side by side: the run's own duration is that of the slowest.
      const runSeconds = Math.max(0, ...[...summaries.values()].map((s) => s.seconds));
      if (summaries.size) notes.push(`run-reported ${runSeconds.toFixed(1)} s = ${Math.round(total / runSeconds)}/s`);
      try {
        ensureExit(measured, id);
        for (const [resource, want] of Object.entries(expected)) {
          const summary = summaries.get(resource);
          check(summary !== undefined, `${id}: no summary line for resource ${resource} in the run's output`);
          check(summary!.records === want, `${id}: the run reports ${summary!.records} ${resource} records, expected ${want}`);
          check(summary!.deadLettered === 0, `${id}: ${summary!.deadLettered} ${resource} records dead-lettered`);
        }
        let bytes: number | null = null;
        if (!settings.dryRun) {
          bytes = 0;
          for (const [resource, want] of Object.entries(expected)) {
            const topic = `${name}.${resource}`;
            const counted = await census(ctx.brokers, topic);
            check(counted.records === want && counted.distinctKeys === want, `${id}: ${topic} holds ${counted.records} records with ${counted.distinctKeys} distinct keys (read_committed), expected ${want}`);
            bytes += counted.bytes;
            notes.push(`verified: ${topic} ${counted.records} records, ${counted.distinctKeys} keys`);
          }
          // Dry runs of the incidents shape estimate their MB/s from this.
          if (shape === INCIDENTS) ctx.bytesPerRecord = bytes / total;
        } else {
          notes.push(`verified: summary ${total} records`);
          if (ctx.bytesPerRecord !== null) bytes = Math.round(ctx.bytesPerRecord * total);
        }
        const extra: Record<string, unknown> = { incidents: n, expected, requests, summary: summaries.get('incidents'), runSeconds, bytes };
        if (settings.bare429At !== undefined) {
          check(requests['429'] === 1, `${id}: ${requests['429'] ?? 0} requests answered 429, expected exactly the one scripted`);
          extra.retryAfterSeconds = BARE_429_RETRY_AFTER_S;
          notes.push(`one bare 429 (Retry-After ${BARE_429_RETRY_AFTER_S} s) at data request #${settings.bare429At}`);
        } else if (settings.rateLimitPerMinute) {
          const rate = rateLimitFigures(requests, measured.seconds, settings.rateLimitPerMinute);
          extra.rateLimit = rate;
          notes.push(`${pct(rate.ofAllowance)} of allowed requests, ${pct(rate.share429)} answered 429`);
        } else if ((requests['429'] ?? 0) > 0) {
          notes.push(`${requests['429']} × 429`);
        }
        return result(id, group, role, total, measured, bytes, simCpuSeconds, load1Before, load1After, notes, extra);
      } finally {
        if (!settings.dryRun) await deleteTopics(ctx.admin, name);
      }
    },
  };
}

export interface RateLimitFigures {
  perMinute: number;
  burst: number;
  answered200: number;
  answered429: number;
  requests: number;
  /** 200s per second over the run. */
  achievedPerSecond: number;
  /** achieved / (perMinute / 60). */
  ofNominal: number;
  /** 200s / (burst + rate × seconds): what the token bucket could have granted in that time. */
  ofAllowance: number;
  share429: number;
}

function rateLimitFigures(requests: Record<string, number>, seconds: number, perMinute: number): RateLimitFigures {
  // The simulator's default bucket (lib/simulator/rate-limit.ts defaultBurst): 10 seconds' worth.
  const burst = Math.max(1, Math.ceil(perMinute / 6));
  const answered200 = requests['200'] ?? 0;
  const answered429 = requests['429'] ?? 0;
  const total = Object.values(requests).reduce((a, b) => a + b, 0);
  return {
    perMinute,
    burst,
    answered200,
    answered429,
    requests: total,
    achievedPerSecond: answered200 / seconds,
    ofNominal: answered200 / seconds / (perMinute / 60),
    ofAllowance: answered200 / (burst + (perMinute / 60) * seconds),
    share429: total ? answered429 / total : 0,
  };
}

/** Per status, the answers on every path between two stats snapshots. */
export function statusDelta(before: SimulatorStats, after: SimulatorStats): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [route, byStatus] of Object.entries(after.byPath)) {
    for (const [status, count] of Object.entries(byStatus)) counts[status] = (counts[status] ?? 0) + count - (before.byPath[route]?.[status] ?? 0);
  }
  return Object.fromEntries(Object.entries(counts).filter(([, count]) => count > 0));
}

export interface Summary {
  pages: number;
  records: number;
  deadLettered: number;
  /** The run's own duration for the resource (no process start-up, connecting or final wait). */
  seconds: number;
}

/** The rows of `rest2kafka run`'s summary table (lib/observability/progress.ts), by resource. */
export function parseSummary(stderr: string): Map<string, Summary> {
  const lines = stderr.split('\n');
  let header = -1;
  lines.forEach((line, i) => {
    if (/^resource\s{2,}topic\s{2,}pages/.test(line)) header = i;
  });
  const rows = new Map<string, Summary>();
  for (const line of header < 0 ? [] : lines.slice(header + 1)) {
    // resource (+ " (resumed)"…), topic, pages, records, tombstones, dead-lettered, trimmed, duration, records/s
    const cells = line.trim().split(/\s{2,}/);
    if (cells.length < 9) break;
    rows.set(cells[0].split(' ')[0], { pages: Number(cells[2]), records: Number(cells[3]), deadLettered: Number(cells[5]), seconds: Number.parseFloat(cells[7]) });
  }
  return rows;
}
