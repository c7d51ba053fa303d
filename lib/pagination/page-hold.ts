/**
 * Back-pressure, in one place: a fetched page keeps its concurrency slot until every consumer
 * is done with it.
 *
 * The Observable that fetched a page does not complete when it has emitted the page: it stays
 * open, and so occupies its slot in the enclosing `expand` / `orderedMergeMap` / `mergeMap`,
 * until the page's last hold is released. A consumer takes a hold while the page is being
 * emitted to it (delivery until the page is committed, a dependent resource until its child
 * requests for the page's records are done); a consumer that takes none (preview, a parent
 * fetched only to drive its children) lets the page go as soon as the emission returns.
 *
 * Releasing happens in `finalize` of that Observable, so a page stream unsubscribed with pages in
 * flight (a `row_order` early stop, an error, SIGTERM) cannot leak a slot: there is no counter to
 * give back by hand, only Observables that end.
 */
import { concat, defer, Observable, of } from 'rxjs';

/** Ends a hold; calling it again does nothing. */
export type Release = () => void;

/** Takes a hold on a page; the page keeps its slot until every hold taken is released. */
export type Hold = () => Release;

/** A value that may be held (pages carry their hold from the fetch to the consumers). */
export interface Holdable {
  hold?: Hold;
}

/**
 * Emits `value` with a `hold` attached, then stays open until every hold taken during or after
 * that emission is released. Unsubscribing ends it at once.
 *
 * @example fetchPage(request).pipe(switchMap((page) => heldUntilReleased(page)))
 */
export function heldUntilReleased<T extends object>(value: T): Observable<T & Holdable> {
  return defer(() => {
    const { hold, allReleased } = holdCounter();
    return concat(of(Object.assign(value, { hold })), allReleased);
  });
}

/**
 * The counter behind one page's holds. Built apart from the page on purpose: a closure keeps
 * its whole scope alive, and a consumer keeps `hold`'s releases until the page is committed —
 * long after the parsed page should be garbage.
 */
function holdCounter(): { hold: Hold; allReleased: Observable<never> } {
  let holds = 1; // the emission's own, released once every synchronous consumer has seen it
  let wake: (() => void) | null = null;
  const release = () => {
    holds -= 1;
    if (holds === 0) wake?.();
  };
  const hold: Hold = () => {
    holds += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
    };
  };
  const allReleased = new Observable<never>((subscriber) => {
    release();
    if (holds === 0) subscriber.complete();
    else wake = () => subscriber.complete();
    return () => (wake = null);
  });
  return { hold, allReleased };
}

/** Takes a hold on `page` when it has one (pages from a fetcher without holds have none). */
export function holdPage(page: Holdable): Release {
  return page.hold ? page.hold() : () => undefined;
}
