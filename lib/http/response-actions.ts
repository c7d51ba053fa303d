/**
 * dlt's `response_actions` (shared/reference/dlt-rest-api.md §11). Run on every attempt's
 * response before the status check, so an ignored 429 is never retried and a callback that
 * rewrites the status changes what the check and the retry policy see.
 */
import type { ResponseAction, ResponseCallback } from '../config/types';
import type { HttpResponse } from './request';

/** What a callback receives; it may change `status`, `headers` and `body` in place. */
type MutableResponse = Parameters<ResponseCallback>[0];

/**
 * Evaluates `actions` in order: `'ignore'` when the first matching entry says ignore, else the
 * response after every matching callback ran (a copy; the input is never mutated).
 *
 * @example
 * applyResponseActions([{ status_code: 404, action: 'ignore' }], { status: 404, headers: {}, bodyText: '', url: 'u' });
 * // 'ignore'
 */
export function applyResponseActions(actions: ResponseAction[] | undefined, response: HttpResponse): 'ignore' | HttpResponse {
  if (!actions || actions.length === 0) return response;
  const current: MutableResponse = { status: response.status, headers: { ...response.headers }, body: response.bodyText };
  for (const entry of actions) {
    if (typeof entry === 'function') {
      entry(current);
      continue;
    }
    const { action } = entry;
    const callbacks = typeof action === 'function' ? [action] : Array.isArray(action) ? action : null;
    if (!matches(entry, current, callbacks !== null)) continue;
    if (action === 'ignore') return 'ignore';
    // Any other string is accepted and does nothing, as in dlt.
    for (const callback of callbacks ?? []) callback(current);
  }
  const acted: HttpResponse = { status: current.status, headers: current.headers, bodyText: current.body, url: response.url };
  if (current.body === response.bodyText) {
    if (response.invalidUtf8) acted.invalidUtf8 = true;
    if (response.bodyBytes) acted.bodyBytes = response.bodyBytes;
  }
  return acted;
}

function matches(
  entry: { status_code?: unknown; content?: unknown },
  response: MutableResponse,
  isCallback: boolean,
): boolean {
  const hasStatus = entry.status_code !== undefined && entry.status_code !== null;
  const hasContent = entry.content !== undefined && entry.content !== null;
  // An entry with no condition applies to every response, but only to run callbacks.
  if (!hasStatus && !hasContent) return isCallback;
  // Integer equality: a string "404" never matches, as in dlt.
  if (hasStatus && entry.status_code !== response.status) return false;
  if (hasContent && !(typeof entry.content === 'string' && response.body.includes(entry.content))) return false;
  return true;
}
