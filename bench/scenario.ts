/**
 * What a scenario is and what it reports, and the checks every scenario makes before it
 * reports a number.
 */
import type { BenchContext } from './context';
import type { Measured } from './processes';

/**
 * Which ceilings a scenario is measured against: those of its latency, or none (`shapes`:
 * API shapes compared with one another and with dlt, whose record mix no ceiling shares).
 */
export type Group = '0ms' | '50ms' | 'rate-limit' | 'shapes' | 'any';

export interface ScenarioResult {
  scenario: string;
  group: Group;
  role: 'pipeline' | 'ceiling' | 'reference';
  records: number;
  seconds: number;
  recordsPerSecond: number;
  /** Key + value bytes per second (HTTP body bytes for fetch-only). */
  mbPerSecond: number | null;
  peakRssMb: number | null;
  /** CPU seconds of the measured process (user + system). */
  cpuSeconds: number | null;
  /** CPU seconds the simulator process used meanwhile. */
  simCpuSeconds: number | null;
  load1Before: number;
  load1After: number;
  notes: string[];
  /** Scenario-specific figures (rate limit, summary). */
  extra: Record<string, unknown>;
  /** Which pass over the scenarios measured it (1 …; `--repeat`). */
  round?: number;
}

export interface Scenario {
  id: string;
  group: Group;
  role: ScenarioResult['role'];
  /** Incidents at --scale 1: the record count, but for shapes that add services or children. */
  records: number;
  description: string;
  /** Whether it needs the broker (and so the warm-up run). */
  kafka: boolean;
  run(ctx: BenchContext, records: number): Promise<ScenarioResult>;
}

/**
 * A scenario that cannot run on this machine (a tool it compares with is missing): reported
 * as skipped, with the reason, and not a failure of the bench.
 */
export class SkippedError extends Error {
  override name = 'SkippedError';
}

export const TIMEOUT_MS = 30 * 60_000;

export function result(
  scenario: string,
  group: Group,
  role: ScenarioResult['role'],
  records: number,
  m: Measured,
  bytes: number | null,
  simCpuSeconds: number | null,
  load1Before: number,
  load1After: number,
  notes: string[],
  extra: Record<string, unknown>,
): ScenarioResult {
  return {
    scenario,
    group,
    role,
    records,
    seconds: m.seconds,
    recordsPerSecond: records / m.seconds,
    mbPerSecond: bytes === null ? null : bytes / 1e6 / m.seconds,
    peakRssMb: m.peakRssMb,
    cpuSeconds: m.cpuSeconds,
    simCpuSeconds,
    load1Before,
    load1After,
    notes,
    extra,
  };
}

export function ensureExit(m: Measured, id: string): void {
  if (m.exitCode !== 0) {
    const tail = m.stderr.trim().split('\n').slice(-5).join('\n');
    throw new Error(`${id}: exited with ${m.exitCode ?? m.signal} after ${m.seconds.toFixed(1)} s:\n${tail}`);
  }
}

export function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(`verification failed: ${message}`);
}

export function delta(after: number | null, before: number | null): number | null {
  return after === null || before === null ? null : after - before;
}

export function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}
