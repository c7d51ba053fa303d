/**
 * `run --interval`: every unit this instance owns runs now and then every interval, until the
 * unit is taken away (a rebalance gave it to another instance) or the service stops. A unit that
 * goes away finishes its run gracefully: the batch in flight commits, nothing half-published.
 * Its next owner fences this producer anyway, so even a stalled one cannot publish after it.
 */
import { setTimeout } from 'node:timers/promises';
import { Subscription, type Observable } from 'rxjs';
import type { Logger } from '../observability/logger';
import type { WorkUnit } from './units';

export interface ServiceOptions {
  units: readonly WorkUnit[];
  /** The units' partitions this instance owns, after each rebalance (`of(all)` without a group). */
  owned: Observable<ReadonlySet<number>>;
  intervalMs: number;
  /** One run of `unit`; `signal` aborts it gracefully. */
  runUnit(unit: WorkUnit, signal: AbortSignal): Promise<unknown>;
  /** Whether a run's failure ends the service (bad config, a bug) rather than waiting for the next tick. */
  isFatal(error: unknown): boolean;
  /** A run failed and the unit goes on at the next tick. */
  onRunFailed(unit: WorkUnit, error: unknown): void;
  /** What this instance owns changed (logs, readiness, metrics). */
  onOwnership(owned: readonly WorkUnit[]): void;
  signal: AbortSignal;
  log: Logger;
}

interface UnitLoop {
  stop: AbortController;
  done: Promise<void>;
}

/**
 * Resolves once `signal` stopped the service and every run in flight has finished; rejects with
 * the first fatal run failure (after stopping the other units) or when membership fails.
 */
export function serveUnits(options: ServiceOptions): Promise<void> {
  const { units, log } = options;
  const loops = new Map<string, UnitLoop>();
  return new Promise<void>((resolve, reject) => {
    let failure: unknown = null;
    let stopped = false;
    // Made first, so that a stop while subscribing (a membership that already failed) can unsubscribe.
    const subscription = new Subscription();
    const stopAll = async (): Promise<void> => {
      if (stopped) return;
      stopped = true;
      subscription.unsubscribe();
      options.signal.removeEventListener('abort', onAbort);
      for (const loop of loops.values()) loop.stop.abort();
      await Promise.all([...loops.values()].map((l) => l.done));
      if (failure !== null) reject(failure);
      else resolve();
    };
    const fail = (error: unknown): void => {
      failure ??= error;
      void stopAll();
    };
    const onAbort = (): void => void stopAll();

    const start = (unit: WorkUnit, after: Promise<void>): UnitLoop => {
      const stop = new AbortController();
      const signal = AbortSignal.any([stop.signal, options.signal]);
      // A unit given back to this instance while its previous loop still finishes waits for it.
      const done = after.then(() => unitLoop(unit, signal)).catch(fail);
      return { stop, done };
    };

    const unitLoop = async (unit: WorkUnit, signal: AbortSignal): Promise<void> => {
      while (!signal.aborted) {
        try {
          await options.runUnit(unit, signal);
        } catch (error) {
          if (options.isFatal(error)) throw error;
          options.onRunFailed(unit, error);
        }
        // An abort ends the wait early (the rejection is that, nothing else).
        await setTimeout(options.intervalMs, undefined, { signal }).catch(() => undefined);
      }
    };

    subscription.add(options.owned.subscribe({
      next: (partitions) => {
        for (const unit of units) {
          const current = loops.get(unit.name);
          const running = current !== undefined && !current.stop.signal.aborted;
          if (partitions.has(unit.partition) && !running) {
            loops.set(unit.name, start(unit, current?.done ?? Promise.resolve()));
          } else if (!partitions.has(unit.partition) && running) {
            log.info('unit moved to another instance: finishing its run in flight', { unit: unit.name });
            current.stop.abort();
          }
        }
        options.onOwnership(units.filter((u) => partitions.has(u.partition)));
      },
      error: fail,
    }));
    if (options.signal.aborted) void stopAll();
    else options.signal.addEventListener('abort', onAbort);
  });
}
