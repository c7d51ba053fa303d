/**
 * One page, end to end through the HTTP stages: auth → send → response actions → status
 * check → JSON → data selector, with the retry wrapped around exactly this page.
 */
import { catchError, Observable, of, switchMap, throwError } from 'rxjs';
import type { ResponseAction } from '../config/types';
import type { Auth } from '../auth/types';
import { ResponseError, RetriesExhaustedError } from '../errors';
import type { HttpClient } from '../http/client';
import { checkStatus, parseJsonBody } from '../http/client';
import type { HttpResponse, PageRequest } from '../http/request';
import type { RateLimitPacer } from '../http/rate-limit';
import { applyResponseActions } from '../http/response-actions';
import { retryWithBackoff, type RetryPolicy } from '../http/retry';
import type { FetchPage } from '../pagination/paginate';
import type { PageResponse } from '../pagination/types';
import { compileSelection, compileSelector, detectSelector, selectionProblem } from '../selection/data-selector';
import { memberPath, recordJson } from '../selection/record-json';
import { heldUntilReleased } from '../pagination/page-hold';

export interface PageFetcherOptions {
  resource: string;
  client: HttpClient;
  auth: Auth | null;
  retry: RetryPolicy;
  retryStatuses: readonly number[];
  responseActions?: ResponseAction[];
  /** The configured selector; `null`/undefined = detect from the first response (dlt). */
  dataSelector?: string | null;
  /** The run's signal; unsubscribing from a page aborts its request too. */
  signal?: AbortSignal;
  /** Paces requests by the API's advertised rate limit; shared by every chain of one API. */
  pacer?: RateLimitPacer;
  /** Called once per attempt with the status (metrics, progress). */
  onResponse?: (status: number) => void;
  /**
   * Cut each record's JSON text from the response (`PageResponse.recordJson`), for a sink that
   * publishes JSON values of the records unchanged.
   */
  recordJson?: boolean;
}

/**
 * The fetchers of one resource: call the result once per request chain for that chain's
 * {@link FetchPage}. What the chains share (the compiled selector, sending, retrying) is built
 * here once: a dependent resource starts a chain per parent record, 100,000 in a large run.
 * The auto-detected selector is kept for the rest of a chain, as dlt does; a configured selector
 * that matches nothing is reported, since it usually means the selector is wrong rather than
 * that the API has no data.
 *
 * @example const fetchPage = createPageFetchers(options)(); fetchPage(request, 0).subscribe(...)
 */
export function createPageFetchers(options: PageFetcherOptions): () => FetchPage {
  const configured = options.dataSelector ? compileSelection(options.dataSelector) : null;
  // The member names leading to the records; null: not cut.
  const configuredPath: string[] | null = configured && options.recordJson ? memberPath(options.dataSelector!) : null;
  const auth = options.auth ? describeAuth(options.auth) : null;

  const send = async (request: PageRequest, signal: AbortSignal): Promise<HttpResponse> => {
    const authed = options.auth ? await options.auth.apply(request, signal) : request;
    await options.pacer?.acquire(signal);
    let response: HttpResponse;
    try {
      response = await options.client.send(authed, signal);
    } catch (error) {
      options.pacer?.observe(0, {});
      throw error;
    }
    options.pacer?.observe(response.status, response.headers);
    options.onResponse?.(response.status);
    return response;
  };

  /** A chain's selector once detected from its first response (configured: never). */
  interface Chain {
    detected: ((body: unknown) => unknown[]) | null;
    path: string[] | null;
  }

  const fetchOnce = async (chain: Chain, request: PageRequest, index: number, signal: AbortSignal): Promise<PageResponse | null> => {
    let response = await send(request, signal);
    if (response.status === 401 && options.auth?.renew) {
      // A token the API no longer accepts: one more try on a fresh one before calling the
      // credentials wrong (a second 401 is then reported as such).
      options.auth.renew();
      response = await send(request, signal);
    }
    const acted = applyResponseActions(options.responseActions, response);
    if (acted === 'ignore') return null;
    response = acted;
    checkStatus(response, { resource: options.resource, page: index, retryStatuses: options.retryStatuses, auth });
    const body = parseJsonBody(response, { resource: options.resource, page: index });
    let records: unknown[];
    if (configured) {
      const selection = configured(body);
      // dlt turns a selector that matches nothing into an empty page and a single object into
      // one record; a typo'd selector would then "succeed" with no data, so we say so instead.
      const problem = selectionProblem(options.dataSelector!, body, selection);
      if (problem) {
        throw new ResponseError(`resource "${options.resource}" page ${index} (${response.url}): ${problem}. Fix endpoint.data_selector, or remove it to let rest2kafka detect the list.`, {
          context: { resource: options.resource, page: index, url: response.url },
        });
      }
      records = selection.records as unknown[];
    } else {
      if (!chain.detected) {
        const selector = detectSelector(body);
        chain.detected = compileSelector(selector);
        if (options.recordJson) chain.path = memberPath(selector);
      }
      records = chain.detected(body);
    }
    // Only a list at the selector's path is cut (recordJson says null otherwise).
    const json = chain.path && response.bodyBytes ? recordJson(response.bodyBytes, chain.path, records) : null;
    return { status: response.status, headers: response.headers, body, records, ...(json && { recordJson: json }) };
  };

  // One attempt; unsubscribing (an early stop, an error elsewhere, SIGTERM) aborts its request.
  const attempt = (chain: Chain, request: PageRequest, index: number) =>
    new Observable<PageResponse | null>((subscriber) => {
      const controller = new AbortController();
      let settled = false;
      const abort = () => controller.abort();
      if (options.signal?.aborted) abort();
      else options.signal?.addEventListener('abort', abort);
      fetchOnce(chain, request, index, controller.signal).then(
        (page) => {
          settled = true;
          subscriber.next(page);
          subscriber.complete();
        },
        (error: unknown) => {
          settled = true;
          subscriber.error(error);
        },
      );
      return () => {
        options.signal?.removeEventListener('abort', abort);
        // Aborting a settled request would only build an AbortError (a stack trace) per page.
        if (!settled) abort();
      };
    });

  // The page keeps its slot in the pagination stream until its consumers release it (page-hold.ts).
  return () => {
    const chain: Chain = { detected: null, path: configuredPath };
    return (request, index) =>
      attempt(chain, request, index).pipe(
        retryWithBackoff<PageResponse | null>(options.retry),
        catchError((error: unknown) => throwError(() => locate(error, options.resource, index))),
        switchMap((page) => (page === null ? of(null) : heldUntilReleased(page))),
      );
  };
}

/**
 * Names the resource and page in a "gave up after N attempts" error: the retry operator knows
 * neither, and the last error (a network failure, a 5xx) names only the URL.
 */
function locate(error: unknown, resource: string, page: number): unknown {
  if (error instanceof RetriesExhaustedError) {
    error.message = `resource "${resource}" page ${page}: ${error.message}`;
    Object.assign(error.context, { resource, page });
  }
  return error;
}

function describeAuth(auth: Auth): string {
  return `${auth.type} (${auth.describe()})`;
}
