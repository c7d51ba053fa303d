/** What the delivery stages share: the run's options, its Kafka handles and per-resource trackers. */
import type { Admin, Kafka } from 'kafkajs';
import type { LoadedConfig } from '../config/load';
import type { ResolvedResource } from '../config/types';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import type { ResourceSink } from '../sink/prepare';
import type { Publisher } from '../sink/publish';
import type { ResourceState } from '../state/checkpoint';
import type { StateLog } from '../state/store';
import type { LatestValues } from './unchanged';

export interface RunOptions {
  loaded: LoadedConfig;
  /** `--resource`: only these (their parents are fetched to drive them). Empty = all selected. */
  only: readonly string[];
  fullRefresh: boolean;
  dryRun: boolean;
  logger: Logger;
  signal: AbortSignal;
  /** Called after each committed batch (progress display). */
  onProgress?: (summaries: readonly ResourceSummary[]) => void;
  metrics?: Metrics;
  /** The producer's transactional id when not the pipeline's (a fleet unit's own). */
  transactionalId?: string;
  /** Resources whose "no schema file" notice was logged; shared by the runs of one process. */
  noticed?: Set<string>;
  /** The pipeline's state topic as the runs of one process have read it so far (`--interval`). */
  stateLog?: StateLog;
}

export interface ResourceSummary {
  resource: string;
  topic: string;
  pages: number;
  records: number;
  tombstones: number;
  deadLettered: number;
  /** Why the run's first dead-lettered record was invalid (for the all-invalid warning). */
  firstInvalid?: string;
  /** Records published without undeclared fields (schema_contract discard_value). */
  trimmed: number;
  /** Pages the API said the resource has (offset/page_number with a total), for progress. */
  expectedPages?: number;
  resumed: boolean;
  fullRefresh: boolean;
  startedAt: number;
  durationMs: number;
}

export interface RunResult {
  runId: string;
  summaries: ResourceSummary[];
  /** True when a signal stopped the run after its last committed batch. */
  interrupted: boolean;
}

export interface KafkaIO {
  kafka: Kafka;
  admin: Admin;
  publisher: Publisher;
  stateTopic: string;
  states: Map<string, ResourceState>;
  snapshot(topic: string): Promise<Record<string, string>>;
  /** Turns a kafkajs failure of `work` into a KafkaError that says what was being done (ours pass through). */
  guard<T>(doing: string, work: Promise<T>): Promise<T>;
  /** Topics this run created: they hold none of the data an earlier state describes. */
  created: ReadonlySet<string>;
}

/** What one run's stages share; `io` is null for a dry run (no Kafka at all). */
export interface RunContext {
  options: RunOptions;
  runId: string;
  wanted: ResolvedResource[];
  sinks: Map<string, ResourceSink>;
  io: KafkaIO | null;
  log: Logger;
}

/** One wanted resource during a run. */
export interface Tracker {
  resource: ResolvedResource;
  sink: ResourceSink;
  summary: ResourceSummary;
  /** State after the last *prepared* page; committed with that page's batch. */
  state: ResourceState;
  persist: boolean;
  snapshotTombstones: boolean;
  done: boolean;
  /** The inferred schema was logged (resources without a .avsc). */
  inferred: boolean;
  /** Set when a resumed run starts over: what the interrupted run committed, not published again. */
  committedBefore: LatestValues | null;
}
