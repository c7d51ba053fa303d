/**
 * The seam between extraction and Kafka as one operator: items arrive as pages are prepared,
 * and are committed one batch at a time, each batch made of what arrived while the previous
 * one was committing — so a slow commit grows the next batch instead of stalling extraction,
 * and a fast one commits small batches without waiting for more.
 */
import { Observable, type OperatorFunction } from 'rxjs';

export interface BatchCommitOptions<T> {
  /** Takes the next batch off the front of `pending` (non-empty), leaving the rest. */
  cut(pending: T[]): T[];
  commit(batch: T[]): Promise<void>;
  /**
   * Stops the stream gracefully: the commit in progress finishes, nothing more is committed,
   * the source is unsubscribed (aborting its requests) and the output completes.
   */
  signal: AbortSignal;
}

/**
 * Emits each batch once it is committed; completes when the source has completed and everything
 * is committed, or after the commit in progress when `signal` aborts. A source error waits for
 * the commit in progress (its data is then durable) and is passed on; a failed commit ends the
 * stream with its error.
 *
 * @example pages.pipe(commitInBatches({ cut: (p) => p.splice(0, 10), commit: publish, signal }))
 */
export function commitInBatches<T>({ cut, commit, signal }: BatchCommitOptions<T>): OperatorFunction<T, T[]> {
  return (source) =>
    new Observable<T[]>((subscriber) => {
      const pending: T[] = [];
      let committing = false;
      let sourceDone = false;
      let failure: { error: unknown } | null = null;

      const step = (): void => {
        if (committing || subscriber.closed) return;
        if (signal.aborted) return subscriber.complete();
        if (failure) return subscriber.error(failure.error);
        if (pending.length === 0) {
          if (sourceDone) subscriber.complete();
          return;
        }
        const batch = cut(pending);
        committing = true;
        commit(batch).then(
          () => {
            committing = false;
            subscriber.next(batch);
            step();
          },
          (error: unknown) => subscriber.error(error),
        );
      };

      const upstream = source.subscribe({
        next: (item) => {
          pending.push(item);
          step();
        },
        error: (error: unknown) => {
          failure = { error };
          step();
        },
        complete: () => {
          sourceDone = true;
          step();
        },
      });
      const onAbort = (): void => {
        upstream.unsubscribe();
        step();
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort);
      return () => {
        signal.removeEventListener('abort', onAbort);
        upstream.unsubscribe();
      };
    });
}
