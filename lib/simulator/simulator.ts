/**
 * The simulator's state and operations, without HTTP: datasets, the clock, faults, the rate
 * limit and stats. `server.ts` puts HTTP in front of it; `index.ts` starts both.
 */
import { ConfigError } from '../errors';
import type { MutationResult, MutationTarget, SimulatorInfo, SnapshotHeader } from './control';
import { decideFault, type FaultConfig, type FaultDecision } from './faults';
import { parseFaultConfig } from './fault-config';
import { indexOfId } from './naming';
import { OAuthIssuer } from './oauth';
import type { SimulatorOptions } from './options';
import { renderPage } from './page';
import type { ListQuery } from './query';
import { rngFor } from './random';
import { TokenBucket, type RateDecision } from './rate-limit';
import type { Dataset } from './resource';
import { RESOURCES } from './resources';
import { initialState, isLive, jsonAt, liveCount, withDeletes, withInserts, withUpdates, deletedIds, type ResourceState } from './state';
import { StatsRecorder } from './stats';
import { CLOCK_START, isoSeconds } from './timeline';
import { RESOURCE_NAMES, type ResourceName } from './types';
import { sliceView, viewOf } from './view';

const PICK_SALT = 0x91c4;
const SNAPSHOT_CHUNK = 1000;

/** Code of the error thrown for ids that are not live records; the HTTP layer answers 404. */
export const UNKNOWN_ID = 'SIM_UNKNOWN_ID';

/** Floyd's algorithm: `k` distinct integers from [0, n), in O(k). */
function sampleDistinct(n: number, k: number, rng: () => number): number[] {
  const chosen = new Set<number>();
  for (let j = n - k; j < n; j++) {
    const t = Math.floor(rng() * (j + 1));
    chosen.add(chosen.has(t) ? j : t);
  }
  return [...chosen];
}

export class Simulator {
  readonly stats = new StatsRecorder();
  /** `null` unless the options configure OAuth. */
  readonly oauth: OAuthIssuer | null;
  private tokenRequests = 0;
  private readonly dataset: Dataset;
  private states!: Record<ResourceName, ResourceState>;
  private clock!: number;
  private faultConfig!: FaultConfig;
  private bucket!: TokenBucket | null;

  constructor(
    readonly options: SimulatorOptions,
    private readonly now: () => number = Date.now,
  ) {
    const { seed, incidents, services, pageTies } = options;
    this.dataset = { seed, incidents, services, pageTies };
    this.oauth = options.oauth ? new OAuthIssuer(options.oauth, now) : null;
    this.reset();
  }

  reset(): void {
    this.states = {
      incidents: initialState(RESOURCES.incidents, this.dataset),
      services: initialState(RESOURCES.services, this.dataset),
    };
    this.clock = CLOCK_START;
    this.faultConfig = this.options.faults;
    this.bucket = this.options.rateLimit ? new TokenBucket(this.options.rateLimit, this.now) : null;
    this.oauth?.reset();
    this.tokenRequests = 0;
    this.stats.reset();
  }

  state(resource: ResourceName): ResourceState {
    return this.states[resource];
  }

  /** The page body for `query` (the current state; a mutation between pages shows on the next). */
  page(resource: ResourceName, query: ListQuery): string {
    return renderPage(this.states[resource], query);
  }

  /** Takes a rate-limit token; `null` when no rate limit is configured. */
  takeToken(): RateDecision | null {
    return this.bucket ? this.bucket.take() : null;
  }

  /** Numbers the next data request and decides its fault. */
  nextDataRequest(): { k: number } & FaultDecision {
    const k = this.stats.dataRequest();
    return { k, ...decideFault(this.faultConfig, this.options.seed, k) };
  }

  /** Numbers the next token request and decides its fault (from `oauth.faults`). */
  nextTokenRequest(): { k: number } & FaultDecision {
    const k = ++this.tokenRequests;
    return { k, ...decideFault(this.options.oauth?.faults ?? {}, this.options.seed, k) };
  }

  faults(): FaultConfig {
    return structuredClone(this.faultConfig);
  }

  /** Validates and installs a fault config (throws {@link ConfigError} naming the bad path). */
  setFaults(config: unknown): FaultConfig {
    this.faultConfig = parseFaultConfig(config);
    return this.faults();
  }

  info(): SimulatorInfo {
    return {
      seed: this.options.seed,
      pageTies: this.options.pageTies,
      counts: { incidents: liveCount(this.states.incidents), services: liveCount(this.states.services) },
      clock: isoSeconds(this.clock),
    };
  }

  update(resource: ResourceName, target: MutationTarget, patch?: Readonly<Record<string, unknown>>): MutationResult {
    const state = this.checkedState(resource);
    if (patch !== undefined) this.checkPatch(state, patch);
    const indexes = this.targetIndexes(state, target);
    const at = this.tick();
    this.states[resource] = withUpdates(state, indexes, at, patch);
    return this.result(state, indexes, at);
  }

  delete(resource: ResourceName, target: MutationTarget): MutationResult {
    const state = this.checkedState(resource);
    const indexes = this.targetIndexes(state, target);
    const at = this.tick();
    this.states[resource] = withDeletes(state, indexes);
    return this.result(state, indexes, at);
  }

  insert(resource: ResourceName, count: number): MutationResult {
    const state = this.checkedState(resource);
    if (!Number.isSafeInteger(count) || count < 1 || count > 100_000) {
      throw new ConfigError('count: must be an integer from 1 to 100,000', { context: { path: 'count' } });
    }
    const at = this.tick();
    const inserted = withInserts(state, count, at);
    this.states[resource] = inserted.state;
    return this.result(state, inserted.indexes, at);
  }

  /** The header line and the live records as JSON lines, in id order, read from one state. */
  *snapshotLines(resource: ResourceName): Generator<string> {
    const state = this.checkedState(resource);
    const view = viewOf(state, { sort: 'id', since: null });
    const header: SnapshotHeader = { resource, total: view.total, deleted: deletedIds(state), clock: isoSeconds(this.clock) };
    yield `${JSON.stringify(header)}\n`;
    for (let offset = 0; offset < view.total; offset += SNAPSHOT_CHUNK) {
      const lines = sliceView(view, offset, SNAPSHOT_CHUNK).map((i) => jsonAt(state, i));
      yield `${lines.join('\n')}\n`;
    }
  }

  private checkedState(resource: ResourceName): ResourceState {
    if (!RESOURCE_NAMES.includes(resource)) {
      throw new ConfigError(`resource: ${JSON.stringify(resource)} is not a resource; known: ${RESOURCE_NAMES.join(', ')}`, { context: { path: 'resource' } });
    }
    return this.states[resource];
  }

  private checkPatch(state: ResourceState, patch: Readonly<Record<string, unknown>>): void {
    for (const key of Object.keys(patch)) {
      if (!state.spec.patchable.includes(key)) {
        throw new ConfigError(`patch.${key}: not a patchable field of ${state.spec.name}; patchable: ${state.spec.patchable.join(', ')}`, { context: { path: `patch.${key}` } });
      }
    }
  }

  /** Explicit ids must all be live; a count picks that many live records (all if fewer). */
  private targetIndexes(state: ResourceState, target: MutationTarget): number[] {
    if (typeof target === 'number') {
      if (!Number.isSafeInteger(target) || target < 0) throw new ConfigError('count: must be a non-negative integer', { context: { path: 'count' } });
      const view = viewOf(state, { sort: 'id', since: null });
      const k = Math.min(target, view.total);
      const rng = rngFor(this.options.seed, state.version, PICK_SALT);
      return sampleDistinct(view.total, k, rng).map((rank) => sliceView(view, rank, 1)[0] as number);
    }
    const unknown: string[] = [];
    const indexes = target.map((id) => {
      const index = indexOfId(state.spec.idPrefix, id);
      if (index === null || !isLive(state, index)) unknown.push(id);
      return index ?? -1;
    });
    if (unknown.length > 0) {
      throw new ConfigError(`ids: no live ${state.spec.name} with id ${unknown.slice(0, 10).join(', ')}`, { code: UNKNOWN_ID, context: { path: 'ids' } });
    }
    return indexes;
  }

  private tick(): number {
    return this.clock++;
  }

  private result(state: ResourceState, indexes: readonly number[], at: number): MutationResult {
    const ids = [...new Set(indexes)].sort((a, b) => a - b).map((i) => state.spec.idOf(i));
    return { resource: state.spec.name, ids, at: isoSeconds(at) };
  }
}
