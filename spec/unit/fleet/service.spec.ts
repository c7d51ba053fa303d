import { Subject } from 'rxjs';
import { serveUnits, type ServiceOptions } from '../../../lib/fleet/service';
import type { WorkUnit } from '../../../lib/fleet/units';
import { createLogger } from '../../../lib/observability/logger';

const unit = (name: string, partition: number): WorkUnit => ({ name, partition, resources: [name], transactionalId: `tx-${name}` });
const UNITS = [unit('a', 0), unit('b', 1)];
const tick = () => new Promise((resolve) => setImmediate(resolve));

/** A service over a hand-driven assignment; each run waits until the test releases or aborts it. */
function harness(overrides: Partial<ServiceOptions> = {}) {
  const owned = new Subject<ReadonlySet<number>>();
  const stop = new AbortController();
  const runs: { unit: string; signal: AbortSignal; finish(error?: unknown): void }[] = [];
  const failed: string[] = [];
  const ownership: string[][] = [];
  const done = serveUnits({
    units: UNITS,
    owned,
    intervalMs: 60_000,
    signal: stop.signal,
    log: createLogger({ level: 'silent' }),
    runUnit: (u, signal) =>
      new Promise<void>((resolve, reject) => {
        const finish = (error?: unknown) => (error === undefined ? resolve() : reject(error));
        runs.push({ unit: u.name, signal, finish });
        // A run that is asked to stop finishes its batch, then returns.
        signal.addEventListener('abort', () => setImmediate(resolve));
      }),
    isFatal: (error) => (error as Error).message === 'fatal',
    onRunFailed: (u) => failed.push(u.name),
    onOwnership: (now) => ownership.push(now.map((u) => u.name)),
    ...overrides,
  });
  return { owned, stop, runs, failed, ownership, done };
}

describe('serveUnits', () => {
  it('runs exactly the owned units, stops a unit that moves away, and starts one that arrives', async () => {
    const h = harness();
    h.owned.next(new Set([0]));
    await tick();
    expect(h.runs.map((r) => r.unit)).toEqual(['a']);
    h.owned.next(new Set([1]));
    await tick();
    expect(h.runs[0].signal.aborted).toBe(true);
    expect(h.runs.map((r) => r.unit)).toEqual(['a', 'b']);
    expect(h.ownership).toEqual([['a'], ['b']]);
    h.stop.abort();
    await expect(h.done).resolves.toBeUndefined();
    expect(h.runs[1].signal.aborted).toBe(true);
  });

  it('does not start a second loop for a unit it keeps across a rebalance', async () => {
    const h = harness();
    h.owned.next(new Set([0, 1]));
    await tick();
    h.owned.next(new Set([0, 1]));
    await tick();
    expect(h.runs.map((r) => r.unit).sort()).toEqual(['a', 'b']);
    h.stop.abort();
    await h.done;
  });

  it('waits for a unit\'s previous loop to finish before running it again when it comes back', async () => {
    const h = harness();
    h.owned.next(new Set([0]));
    await tick();
    h.owned.next(new Set());
    h.owned.next(new Set([0]));
    // The first run is still finishing (it resolves on the next turn): no overlap.
    expect(h.runs).toHaveLength(1);
    await tick();
    await tick();
    expect(h.runs).toHaveLength(2);
    expect(h.runs[0].signal.aborted).toBe(true);
    expect(h.runs[1].signal.aborted).toBe(false);
    h.stop.abort();
    await h.done;
  });

  it('reports a failed run and goes on; a fatal one stops every unit and rejects', async () => {
    const h = harness();
    h.owned.next(new Set([0, 1]));
    await tick();
    h.runs.find((r) => r.unit === 'a')!.finish(new Error('flaky API'));
    await tick();
    expect(h.failed).toEqual(['a']);
    h.runs.find((r) => r.unit === 'b')!.finish(new Error('fatal'));
    await expect(h.done).rejects.toThrow('fatal');
    expect(h.runs.every((r) => r.signal.aborted)).toBe(true);
  });

  it('rejects when membership fails', async () => {
    const h = harness();
    h.owned.error(new Error('group coordinator gone'));
    await expect(h.done).rejects.toThrow('group coordinator gone');
  });
});
