/**
 * Resume planning: per resource, how this run starts — resume an interrupted run from its
 * stored request, or begin a new one (incremental filter from the committed cursor, or from the
 * initial value for a full refresh; snapshot offsets for the tombstone diff).
 */
import { createHash } from 'node:crypto';
import { selectedResources } from '../config/selected';
import type { JsonValue, ResolvedResource } from '../config/types';
import { createIncrementalFilter } from '../incremental/filter';
import { incrementalParamOf } from '../incremental/forms';
import type { IncrementalState } from '../incremental/types';
import type { ResourcePlan } from '../pipeline';
import { beginRun, canResume, type ResourceState } from '../state/checkpoint';
import { stateOf } from '../state/store';
import type { RunContext, Tracker } from './types';
import { latestValuesSince } from './unchanged';

/** @example const { trackers, plans } = await planResources(run) */
export async function planResources({ options, runId, wanted, sinks, io, log }: RunContext): Promise<{ trackers: Map<string, Tracker>; plans: Map<string, ResourcePlan> }> {
  const states = io?.states ?? new Map<string, ResourceState>();
  const { pipeline } = options.loaded;
  const client = pipeline.source.client;
  const now = new Date();
  const trackers = new Map<string, Tracker>();
  const plans = new Map<string, ResourcePlan>();
  const hasChildren = new Set(options.loaded.resources.flatMap((r) => (r.parent ? [r.parent] : [])));

  for (const resource of options.loaded.resources) {
    const isWanted = wanted.includes(resource);
    const fullRefresh = options.fullRefresh || resource.writeDisposition === 'replace';
    const stored = stateOf(states, pipeline.pipeline_name, resource.name);
    // A data topic created by this run was deleted (or renamed) since the state was written:
    // resuming, or starting from the committed cursor, would skip the data that went with it.
    const topicLost = isWanted && io !== null && io.created.has(sinks.get(resource.name)!.topic) && (stored.run !== null || stored.incremental !== null);
    if (topicLost) log.warn('the data topic did not exist but the state has progress for it (topic deleted?): starting this resource from the beginning', { resource: resource.name, topic: sinks.get(resource.name)!.topic });
    const previous = topicLost ? { ...stored, incremental: null, run: null } : stored;
    const fingerprint = configFingerprint(client.base_url, resource);
    // Dependent resources and the parents that drive them are extracted again in full.
    const resumes = resource.parent === null && !hasChildren.has(resource.name);
    const resumable = isWanted && io !== null && resumes && canResume(previous, fullRefresh, fingerprint);
    const incremental = incrementalParamOf(resource);
    const committed = fullRefresh ? null : (previous.incremental as unknown as IncrementalState | null);
    const filter = incremental ? createIncrementalFilter(incremental.config, committed, resource.primaryKey, { resource: resource.name, dependent: resource.parent !== null }) : null;
    const run = resumable ? previous.run! : null;
    plans.set(resource.name, {
      incremental: filter,
      resume: run?.resume ? { request: run.resume, index: run.next_index, check: run.last_page ?? undefined } : undefined,
      onRestart: async (reason) => {
        const tracker = trackers.get(resource.name)!;
        const from = run?.start_offsets;
        log.warn(`not resuming the interrupted run: ${reason}; extracting this resource from its start${from ? ', publishing only records it did not commit unchanged' : ''}`, { resource: resource.name });
        if (!from || !io) return;
        const topic = tracker.sink.topic;
        tracker.committedBefore = await io.guard(`reading what the interrupted run committed to ${topic}`, latestValuesSince(io.kafka, topic, from, options.signal));
      },
      recordJson: isWanted && sinks.get(resource.name)!.encoder.usesRecordJson,
    });
    if (!isWanted) continue;
    const sink = sinks.get(resource.name)!;
    const snapshotTombstones = fullRefresh && resource.writeDisposition !== 'append' && io !== null;
    const startOffsets = !run && io !== null && (snapshotTombstones || resumes) ? await io.snapshot(sink.topic) : null;
    const state = run
      ? previous
      : beginRun(previous.run ? { ...previous, run: null } : previous, {
          id: runId,
          now,
          fullRefresh,
          fingerprint,
          startValue: (filter?.startValue ?? null) as JsonValue,
          incremental: (filter && !filter.stateless ? filter.state() : null) as unknown as JsonValue,
          snapshotOffsets: snapshotTombstones ? startOffsets : null,
          startOffsets: resumes ? startOffsets : null,
        });
    if (run) log.info('resuming interrupted run', { resource: resource.name, from_page: run.next_index, interrupted_run: run.id });
    trackers.set(resource.name, {
      resource,
      sink,
      state,
      persist: io !== null,
      snapshotTombstones,
      done: false,
      inferred: false,
      committedBefore: null,
      summary: { resource: resource.name, topic: sink.topic, pages: 0, records: 0, tombstones: 0, deadLettered: 0, trimmed: 0, resumed: run !== null, fullRefresh, startedAt: Date.now(), durationMs: 0 },
    });
  }
  return { trackers, plans };
}

/** A resumed run whose pages were all published: only its completion is left. */
export function completionOnly(t: Tracker): boolean {
  return t.summary.resumed && t.state.run !== null && t.state.run.resume === null;
}

/** The resources a run publishes: `--resource` names (checked), else the selected ones; never `skip`. */
export function wantedResources(resources: readonly ResolvedResource[], only: readonly string[]): ResolvedResource[] {
  return selectedResources(resources, only).filter((r) => r.writeDisposition !== 'skip');
}

/** Changes to what a resource requests make an interrupted run's resume point meaningless. */
function configFingerprint(baseUrl: string, resource: ResolvedResource): string {
  return createHash('sha256').update(JSON.stringify({ baseUrl, endpoint: resource.endpoint, steps: resource.processingSteps.length })).digest('hex').slice(0, 16);
}
