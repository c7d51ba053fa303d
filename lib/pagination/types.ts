/**
 * The paginator contract: a pair of pure functions, so a plain table of inputs and outputs
 * tests each strategy (unlike dlt's self-mutating paginator classes).
 */
import type { PageRequest } from '../http/request';
import type { RecordJson } from '../selection/record-json';
import type { Holdable } from './page-hold';

/** What a paginator sees of a response; a fetched one carries its hold (page-hold.ts). */
export interface PageResponse extends Holdable {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** Parsed JSON body. */
  body: unknown;
  /** Records the data selector extracted from `body`. */
  records: readonly unknown[];
  /** The JSON text of records, cut from the response (only when the fetcher was asked to). */
  recordJson?: RecordJson;
}

export interface Paginator {
  /** dlt's type name, e.g. `offset`. */
  readonly type: string;
  /** Writes the first page's parameters into the request (dlt's `init_request`). */
  first(request: PageRequest): PageRequest;
  /**
   * The request for the page after `response`, or `null` when pagination stops.
   * Throws a ResponseError when the response lacks what the paginator needs (e.g. `total`).
   */
  next(previous: PageRequest, response: PageResponse): PageRequest | null;
  /**
   * When the first response tells how many pages remain (offset/page_number with a total and
   * no has_more flag), every remaining request in order, so they can be fetched concurrently;
   * otherwise `null`. Must agree with repeated `next` calls on full pages.
   */
  remaining?(first: PageRequest, response: PageResponse): PageRequest[] | null;
}
