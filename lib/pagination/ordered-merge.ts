/**
 * `mergeMap` that runs up to `concurrency` inner Observables at once but emits their results
 * in source order. Each inner emits exactly one result. A result is emitted as soon as every
 * earlier one has been; its slot is freed when it has been emitted *and* its inner has
 * completed. So a slow early page holds back later ones instead of letting finished pages pile
 * up, and an inner that stays open after emitting (a page held until its consumers are done,
 * see page-hold.ts) keeps its slot: memory stays bounded by `concurrency` results.
 *
 * A held result that waits here for its turn would otherwise be let go by its inner before any
 * consumer could hold it (its emission "returned" into this buffer), so `hold` lets this
 * operator hold each result itself until it has passed it on.
 */
import { Observable, OperatorFunction, Subscription } from 'rxjs';

interface Slot<R> {
  received: boolean;
  value?: R;
  /** Ends this operator's hold on the value, once it has been emitted. */
  release?: () => void;
  emitted: boolean;
  completed: boolean;
  sub?: Subscription;
}

/** @example from(requests).pipe(orderedMergeMap((request, i) => fetchPage(request, i), 4, (page) => holdPage(page))) */
export function orderedMergeMap<T, R>(
  project: (value: T, index: number) => Observable<R>,
  concurrency: number,
  hold?: (value: R) => () => void,
): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      const pending: T[] = [];
      /** Started inners whose result is not emitted yet, in source order. */
      const ordered: Slot<R>[] = [];
      /** Started inners that still hold a slot (not both emitted and completed). */
      const active = new Set<Slot<R>>();
      let nextIndex = 0;
      let sourceDone = false;
      let draining = false;

      const settle = (slot: Slot<R>) => {
        if (slot.emitted && slot.completed) active.delete(slot);
      };

      const drain = () => {
        // Emitting can make an inner complete synchronously, which drains again: one loop runs.
        if (draining) return;
        draining = true;
        try {
          for (;;) {
            if (ordered.length > 0 && ordered[0].received) {
              const slot = ordered.shift()!;
              slot.emitted = true;
              subscriber.next(slot.value as R);
              slot.value = undefined;
              slot.release?.();
              settle(slot);
              continue;
            }
            if (active.size < concurrency && pending.length > 0 && !subscriber.closed) {
              start(pending.shift()!);
              continue;
            }
            break;
          }
        } finally {
          draining = false;
        }
        if (sourceDone && pending.length === 0 && active.size === 0) subscriber.complete();
      };

      const start = (value: T) => {
        const slot: Slot<R> = { received: false, emitted: false, completed: false };
        ordered.push(slot);
        active.add(slot);
        slot.sub = project(value, nextIndex++).subscribe({
          next: (result) => {
            if (slot.received) {
              subscriber.error(new Error('orderedMergeMap: an inner Observable emitted more than once'));
              return;
            }
            slot.received = true;
            slot.value = result;
            slot.release = hold?.(result);
            drain();
          },
          error: (err: unknown) => subscriber.error(err),
          complete: () => {
            if (!slot.received) {
              subscriber.error(new Error('orderedMergeMap: an inner Observable completed without a value'));
              return;
            }
            slot.completed = true;
            settle(slot);
            drain();
          },
        });
      };

      const outer = source.subscribe({
        next: (value) => {
          pending.push(value);
          drain();
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          sourceDone = true;
          drain();
        },
      });

      return () => {
        outer.unsubscribe();
        for (const slot of active) slot.sub?.unsubscribe();
      };
    });
}
