/**
 * `mergeMap` that runs up to `concurrency` inner Observables at once but emits their results
 * in source order. A slot is freed only when its result has been emitted, so a slow early
 * page holds back later ones instead of letting finished pages pile up: memory stays bounded
 * by `concurrency` results.
 */
import { Observable, OperatorFunction, Subscription } from 'rxjs';

export function orderedMergeMap<T, R>(
  project: (value: T, index: number) => Observable<R>,
  concurrency: number,
): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) => {
      const pending: T[] = [];
      // One slot per started inner: its single result once it arrives.
      const slots: { done: boolean; value?: R; sub?: Subscription }[] = [];
      let nextIndex = 0;
      let sourceDone = false;

      const drain = () => {
        while (slots.length > 0 && slots[0].done) {
          const slot = slots.shift()!;
          subscriber.next(slot.value as R);
        }
        while (slots.length < concurrency && pending.length > 0) start(pending.shift()!);
        if (sourceDone && pending.length === 0 && slots.length === 0) subscriber.complete();
      };

      const start = (value: T) => {
        const slot: { done: boolean; value?: R; sub?: Subscription } = { done: false };
        slots.push(slot);
        let received = false;
        slot.sub = project(value, nextIndex++).subscribe({
          next: (result) => {
            if (received) {
              subscriber.error(new Error('orderedMergeMap: an inner Observable emitted more than once'));
              return;
            }
            received = true;
            slot.value = result;
          },
          error: (err: unknown) => subscriber.error(err),
          complete: () => {
            if (!received) {
              subscriber.error(new Error('orderedMergeMap: an inner Observable completed without a value'));
              return;
            }
            slot.done = true;
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
        for (const slot of slots) slot.sub?.unsubscribe();
      };
    });
}
