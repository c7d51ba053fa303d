/**
 * The final status check, run after response actions (dlt's `raise_for_status` hook), with
 * dlt's message shape and a redacted URL.
 */
import { STATUS_CODES } from 'node:http';
import { AuthError, HttpStatusError, isRetriableStatus, type ErrorContext } from '../errors';
import type { HttpResponse } from './request';

export interface StatusContext {
  resource?: string;
  page?: number;
  /** Statuses retried (`client.retry_statuses`); default 429 and 500–599, as dlt. */
  retryStatuses?: readonly number[];
  /** `Auth.describe()` of the auth in use, e.g. `api_key in query parameter api_key`; no secret. */
  auth?: string | null;
}

/**
 * Throws for a status ≥ 400: AuthError for 401/403, otherwise HttpStatusError (retriable when
 * the status is in `retryStatuses`, carrying `Retry-After`). Returns nothing for other statuses.
 *
 * @example
 * checkStatus({ status: 503, headers: { 'retry-after': '5' }, bodyText: '', url: 'https://x/a' }, {});
 * // throws HttpStatusError "503 Server Error: Service Unavailable for url: https://x/a"
 */
export function checkStatus(response: HttpResponse, context: StatusContext): void {
  const { status } = response;
  if (status < 400) return;
  const reason = STATUS_CODES[status] ?? 'Unknown';
  const errorContext: ErrorContext = { url: response.url, status };
  if (context.resource !== undefined) errorContext.resource = context.resource;
  if (context.page !== undefined) errorContext.page = context.page;

  if (status === 401 || status === 403) {
    const using = context.auth ? `the auth in use is ${context.auth}` : 'no auth is configured';
    const fix = context.auth
      ? 'check that the secret is current and allowed to read this endpoint'
      : 'set client.auth (or endpoint.auth)';
    throw new AuthError(
      `${status} ${reason} for url: ${response.url}: the API rejected the credentials (${using}); ${fix}`,
      { context: errorContext },
    );
  }

  const kind = status >= 500 ? 'Server Error' : 'Client Error';
  const retriable = context.retryStatuses ? context.retryStatuses.includes(status) : isRetriableStatus(status);
  throw new HttpStatusError(
    `${status} ${kind}: ${reason} for url: ${response.url}`,
    status,
    response.headers['retry-after'] ?? null,
    { retriable, context: errorContext },
  );
}
