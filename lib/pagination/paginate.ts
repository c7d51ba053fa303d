/**
 * Drives a paginator over a page-fetching function with RxJS `expand`, emitting one
 * {@link PageEnvelope} per page (dlt's PageData): the state stage checkpoints "page N
 * published" from these, so each envelope carries the request that resumes after it.
 *
 * When the first response tells how many pages remain (`Paginator.remaining`), those pages
 * are fetched `concurrency` at a time and still emitted in order; after the last of them the
 * paginator is asked again, so a total that grew during the read is followed sequentially.
 */
import { EMPTY, Observable, concat, defer, expand, filter, from, map, mergeMap, of, takeWhile } from 'rxjs';
import { Rest2KafkaError } from '../errors';
import type { PageRequest } from '../http/request';
import { orderedMergeMap } from './ordered-merge';
import { holdPage } from './page-hold';
import type { PageResponse, Paginator } from './types';

export interface PageEnvelope {
  /** 0-based page number within this chain (continues from `startIndex` on resume). */
  index: number;
  /** The request as the paginator built it, before auth: safe to store. */
  request: PageRequest;
  response: PageResponse;
  /** The request for the following page, or `null` when this is the last page. */
  next: PageRequest | null;
  isLast: boolean;
  /** Pages this chain is expected to have, when the paginator knew the total (for progress). */
  expectedPages?: number;
}

/**
 * Fetches one page; emits exactly one value: the response, or `null` when a response action
 * ignored it. A held response (page-hold.ts) completes only once its consumers release it, which
 * keeps its slot in the concurrency below taken until then.
 */
export type FetchPage = (request: PageRequest, index: number) => Observable<PageResponse | null>;

export interface PaginateOptions {
  /**
   * Pages fetched at once when the total is known; 1 = strictly sequential. Without a total,
   * requests are sequential and this many pages may be held by consumers meanwhile.
   */
  concurrency: number;
  /** Used when `paginator` is null (auto-detection on the first response). */
  detect: (response: PageResponse) => Paginator;
  /** `first` is a stored resume point: do not let the paginator initialise it again. */
  resume?: boolean;
  /** Index of the first page fetched (resume). Default 0. */
  startIndex?: number;
}

/** @example paginate(request, createPaginator({ type: 'offset', limit: 100 }), fetchPage, { concurrency: 4, detect: detectPaginator }) */
export function paginate(
  first: PageRequest,
  paginator: Paginator | null,
  fetchPage: FetchPage,
  options: PaginateOptions,
): Observable<PageEnvelope> {
  return defer(() => {
    const startIndex = options.startIndex ?? 0;
    const firstRequest = paginator && !options.resume ? paginator.first(first) : first;
    return fetchPage(firstRequest, startIndex).pipe(
      mergeMap((response) => {
        if (response === null) return EMPTY;
        const strategy = paginator ?? options.detect(response);
        const bulk = options.concurrency > 1 && strategy.remaining ? strategy.remaining(firstRequest, response) : null;
        if (!bulk || bulk.length === 0) {
          return sequential(strategy, fetchPage, envelope(strategy, startIndex, firstRequest, response), options.concurrency);
        }
        const expectedPages = startIndex + 1 + bulk.length;
        const head: PageEnvelope = { index: startIndex, request: firstRequest, response, next: bulk[0], isLast: false, expectedPages };
        const lastBulk = bulk.length - 1;
        const rest = from(bulk).pipe(
          orderedMergeMap(
            (request, i) =>
              fetchPage(request, startIndex + 1 + i).pipe(
                map((page): PageEnvelope | null =>
                  page === null
                    ? null
                    : i < lastBulk
                      ? { index: startIndex + 1 + i, request, response: page, next: bulk[i + 1], isLast: false, expectedPages }
                      : { ...envelope(strategy, startIndex + 1 + i, request, page), expectedPages },
                ),
              ),
            options.concurrency,
            // Held while waiting for their turn, so a page that answered early keeps its slot.
            (env) => (env ? holdPage(env.response) : () => undefined),
          ),
          // dlt stops a chain silently at the first page a response action ignored.
          takeWhile((env): env is PageEnvelope => env !== null),
        );
        return concat(of(head), rest).pipe(
          expand((env) => (env.index >= startIndex + 1 + lastBulk ? follow(strategy, fetchPage, env) : EMPTY)),
        );
      }),
    );
  });
}

/**
 * One request at a time: each page's request comes from the page before. Up to `held` pages may
 * still be held by their consumers (page-hold.ts) while the next is fetched.
 */
function sequential(strategy: Paginator, fetchPage: FetchPage, head: PageEnvelope, held: number): Observable<PageEnvelope> {
  return of(head).pipe(expand((env) => follow(strategy, fetchPage, env), Math.max(1, held)));
}

/** The page after `env`, if any, as a one-element (or empty) Observable. */
function follow(strategy: Paginator, fetchPage: FetchPage, env: PageEnvelope): Observable<PageEnvelope> {
  const request = env.next;
  if (request === null) return EMPTY;
  return fetchPage(request, env.index + 1).pipe(
    filter((page): page is PageResponse => page !== null),
    map((page) => envelope(strategy, env.index + 1, request, page)),
  );
}

/** Asks the paginator for the next request before the page is emitted (dlt raises paginator errors first). */
function envelope(strategy: Paginator, index: number, request: PageRequest, response: PageResponse): PageEnvelope {
  let next: PageRequest | null;
  try {
    next = strategy.next(request, response);
  } catch (error) {
    // The paginator knows the response, not which page it was: the message must say.
    if (error instanceof Rest2KafkaError && error.context.page === undefined) error.context.page = index;
    throw error;
  }
  return { index, request, response, next, isLast: next === null };
}
