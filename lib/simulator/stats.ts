/**
 * Request counters for `/v1/*` and `/oauth/token`, so tests can assert that a fault happened
 * (or a token was fetched again) without timing it.
 */
import type { FaultKind } from './faults';

export interface SimulatorStats {
  /** Requests answered on `/v1/*` and `/oauth/token`, any outcome. */
  requests: number;
  /** Requests that passed authentication, the rate limit and validation (the k of "request #k"). */
  dataRequests: number;
  /** Outcomes by path: an HTTP status, or `reset` for a destroyed connection. */
  byPath: Record<string, Record<string, number>>;
  /** How many times each data fault fired; `latency` counts delayed data requests. */
  faults: Partial<Record<FaultKind | 'latency', number>>;
}

export class StatsRecorder {
  private stats: SimulatorStats = StatsRecorder.empty();

  private static empty(): SimulatorStats {
    return { requests: 0, dataRequests: 0, byPath: {}, faults: {} };
  }

  outcome(path: string, outcome: number | 'reset'): void {
    this.stats.requests++;
    const counts = (this.stats.byPath[path] ??= {});
    counts[outcome] = (counts[outcome] ?? 0) + 1;
  }

  dataRequest(): number {
    return ++this.stats.dataRequests;
  }

  fault(kind: FaultKind | 'latency'): void {
    this.stats.faults[kind] = (this.stats.faults[kind] ?? 0) + 1;
  }

  /** A deep copy, safe to hand out. */
  snapshot(): SimulatorStats {
    return structuredClone(this.stats);
  }

  reset(): void {
    this.stats = StatsRecorder.empty();
  }
}
