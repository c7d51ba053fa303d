/**
 * The state document of one resource and the rule by which it advances. Pure: the store
 * reads and writes these documents, the pipeline decides when (always in the same
 * transaction as the records they cover).
 *
 * Two parts:
 * - `incremental`: the cursor of the last *completed* run (dlt commits incremental state
 *   only when the whole extract succeeds);
 * - `run`: progress of the run in flight — where to resume, the running cursor, and what a
 *   full refresh needs at the end. A killed run resumes from here instead of the start.
 */
import type { JsonValue } from '../config/types';
import type { PageRequest } from '../http/request';

export const STATE_VERSION = 1;

export interface RunProgress {
  id: string;
  started_at: string;
  full_refresh: boolean;
  /** Fingerprint of the resource's request config: a changed config does not resume an old run. */
  config_fingerprint: string;
  /** The request that fetches the next page; `null` when every page is published. */
  resume: PageRequest | null;
  /** The last published page's request and record fingerprint: a resume re-reads it to detect shifted offsets. */
  last_page?: { request: PageRequest; fingerprint: string } | null;
  next_index: number;
  pages: number;
  records: number;
  /** Cursor start of this run (fixed for the whole run, as in dlt). */
  start_value: JsonValue;
  /** Running incremental state after the last committed page. */
  incremental: JsonValue;
  /** Full refresh: end offset per partition of the data topic when the snapshot started. */
  snapshot_offsets: Record<string, string> | null;
  /**
   * End offset per partition of the data topic when the run began (resumable resources): what
   * the run committed lies after it, which a restart reads back so as not to publish it again.
   * Absent in states written before it existed; such a restart republishes.
   */
  start_offsets?: Record<string, string> | null;
  /** Full refresh: keys dead-lettered by this run (present in the API, so never tombstoned). */
  dead_lettered_keys: string[];
  /** Records this run sent to the dead-letter topic (`status` shows them). Absent in older states. */
  dead_lettered?: number;
  /** Pages the API said the resource has (offset or page_number with a total), for `status`'s "page N of M". */
  expected_pages?: number;
}

export interface ResourceState {
  version: number;
  pipeline: string;
  resource: string;
  updated_at: string;
  incremental: JsonValue;
  last_completed_run: { id: string; finished_at: string; full_refresh: boolean; pages: number; records: number; dead_lettered?: number } | null;
  run: RunProgress | null;
}

export function emptyState(pipeline: string, resource: string): ResourceState {
  return { version: STATE_VERSION, pipeline, resource, updated_at: new Date(0).toISOString(), incremental: null, last_completed_run: null, run: null };
}

/** True when `state.run` is an unfinished run that this invocation should continue. */
export function canResume(state: ResourceState, fullRefresh: boolean, fingerprint: string): boolean {
  const run = state.run;
  return run !== null && run.full_refresh === fullRefresh && run.config_fingerprint === fingerprint;
}

export interface BeginRun {
  id: string;
  now: Date;
  fullRefresh: boolean;
  fingerprint: string;
  startValue: JsonValue;
  incremental: JsonValue;
  snapshotOffsets: Record<string, string> | null;
  startOffsets: Record<string, string> | null;
}

export function beginRun(state: ResourceState, begin: BeginRun): ResourceState {
  return {
    ...state,
    updated_at: begin.now.toISOString(),
    run: {
      id: begin.id,
      started_at: begin.now.toISOString(),
      full_refresh: begin.fullRefresh,
      config_fingerprint: begin.fingerprint,
      resume: null,
      next_index: 0,
      pages: 0,
      records: 0,
      start_value: begin.startValue,
      incremental: begin.incremental,
      snapshot_offsets: begin.snapshotOffsets,
      start_offsets: begin.startOffsets,
      dead_lettered_keys: [],
    },
  };
}

export interface PageCheckpoint {
  now: Date;
  /** Request of the page after the published one; `null` after the last page. */
  resume: PageRequest | null;
  /** The published page itself, to verify on resume. */
  page?: { request: PageRequest; fingerprint: string };
  nextIndex: number;
  records: number;
  incremental: JsonValue;
  deadLetteredKeys: readonly string[];
  /** Records of this page sent to the dead-letter topic (with or without a key). */
  deadLettered?: number;
  /** Pages the API says the resource has, when it says. */
  expectedPages?: number;
}

/** The state after one more page is published. Only ever called with pages that commit with it. */
export function advance(state: ResourceState, page: PageCheckpoint): ResourceState {
  const run = state.run;
  if (!run) throw new Error('advance() called without a run in progress');
  return {
    ...state,
    updated_at: page.now.toISOString(),
    run: {
      ...run,
      resume: page.resume,
      last_page: page.page ?? null,
      next_index: page.nextIndex,
      pages: run.pages + 1,
      records: run.records + page.records,
      incremental: page.incremental,
      dead_lettered_keys: page.deadLetteredKeys.length && run.snapshot_offsets
        ? [...run.dead_lettered_keys, ...page.deadLetteredKeys]
        : run.dead_lettered_keys,
      dead_lettered: (run.dead_lettered ?? 0) + (page.deadLettered ?? 0),
      expected_pages: page.expectedPages ?? run.expected_pages,
    },
  };
}

/** The run finished: its cursor becomes the committed one and the progress is cleared. */
export function complete(state: ResourceState, now: Date): ResourceState {
  const run = state.run;
  if (!run) throw new Error('complete() called without a run in progress');
  return {
    ...state,
    updated_at: now.toISOString(),
    incremental: run.incremental,
    last_completed_run: { id: run.id, finished_at: now.toISOString(), full_refresh: run.full_refresh, pages: run.pages, records: run.records, dead_lettered: run.dead_lettered ?? 0 },
    run: null,
  };
}
