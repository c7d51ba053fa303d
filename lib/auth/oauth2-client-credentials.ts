/**
 * dlt's `oauth2_client_credentials` auth: a bearer token from the token endpoint, fetched on
 * first use and again shortly before it expires. See shared/reference/dlt-rest-api.md §3.2.
 */
import { STATUS_CODES } from 'node:http';
import type { OAuth2ClientCredentialsConfig } from '../config/types';
import { AbortedError, AuthError, HttpStatusError, isRetriableStatus, ResponseError } from '../errors';
import { parseJsonBody } from '../http/json-body';
import { redact } from '../secrets/redact';
import { registerSecrets } from '../secrets/registry';
import type { HttpResponse, PageRequest } from '../http/request';
import { withHeader } from './headers';
import type { Auth, AuthDeps } from './types';

const DEFAULT_EXPIRATION_S = 3600;
/** Refresh this long before expiry (at most a tenth of the lifetime), so no request carries a token that expires in flight. */
const REFRESH_MARGIN_MS = 60_000;

interface Token {
  value: string;
  refreshAt: number;
}

/**
 * Like dlt, a pre-supplied `access_token` is not trusted: its expiry is unknown, so the first
 * request fetches a fresh token.
 *
 * @example
 * const auth = createOAuth2ClientCredentialsAuth(config, { send: client.send });
 * const authed = await auth.apply(request); // Authorization: Bearer <token>
 */
export function createOAuth2ClientCredentialsAuth(config: OAuth2ClientCredentialsConfig, deps: AuthDeps): Auth {
  const now = deps.now ?? Date.now;
  const tokenUrl = redact(config.access_token_url);
  let token: Token | null = null;
  let inflight: Promise<string> | null = null;

  async function fetchToken(): Promise<Token> {
    const form: Record<string, string> = {
      client_id: config.client_id,
      client_secret: config.client_secret,
      grant_type: 'client_credentials',
      ...(config.access_token_request_data ?? {}),
    };
    const request: PageRequest = { method: 'POST', url: config.access_token_url, params: {}, headers: {}, data: Object.entries(form) };
    const requestedAt = now();
    // No caller signal: the request is shared by every concurrent apply, and one caller's
    // cancellation must not fail the others (the client's timeout still bounds it).
    const response = await deps.send(request);
    if (response.status < 200 || response.status >= 300) throw tokenStatusError(response, tokenUrl);
    const body = readTokenBody(response, tokenUrl);
    const value = String(body.access_token);
    registerSecrets(value);
    const lifetimeMs = expiresInMs(body.expires_in) ?? (config.default_token_expiration ?? DEFAULT_EXPIRATION_S) * 1000;
    return { value, refreshAt: requestedAt + lifetimeMs - Math.min(REFRESH_MARGIN_MS, lifetimeMs / 10) };
  }

  function currentToken(): Promise<string> {
    if (token && now() < token.refreshAt) return Promise.resolve(token.value);
    inflight ??= fetchToken()
      .then((fresh) => {
        token = fresh;
        return fresh.value;
      })
      .finally(() => {
        inflight = null;
      });
    return inflight;
  }

  return {
    type: 'oauth2_client_credentials',
    apply: async (request, signal) => withHeader(request, 'Authorization', `Bearer ${await abortable(currentToken(), signal)}`),
    describe: () => `oauth2_client_credentials bearer token from ${tokenUrl}`,
    renew: () => {
      token = null;
    },
  };
}

function tokenStatusError(response: HttpResponse, tokenUrl: string): Error {
  const reason = STATUS_CODES[response.status] ?? 'Unknown';
  const detail = oauthErrorCode(response);
  const message = `oauth2_client_credentials: the token endpoint ${tokenUrl} answered ${response.status} ${reason}${detail}`;
  const context = { url: tokenUrl, status: response.status };
  // A throttled or failing token endpoint is transient, not a credentials problem.
  if (isRetriableStatus(response.status)) {
    return new HttpStatusError(message, response.status, response.headers['retry-after'] ?? null, { context });
  }
  return new AuthError(`${message}; check client_id, client_secret, access_token_url and access_token_request_data`, { context });
}

/** The RFC 6749 §5.2 `error` code (e.g. `invalid_client`) when the body carries one. */
function oauthErrorCode(response: HttpResponse): string {
  try {
    const body = JSON.parse(response.bodyText) as { error?: unknown };
    return typeof body.error === 'string' ? ` (error: ${redact(body.error)})` : '';
  } catch {
    return '';
  }
}

interface TokenBody {
  access_token: string | number;
  expires_in?: unknown;
}

function readTokenBody(response: HttpResponse, tokenUrl: string): TokenBody {
  let body: unknown;
  try {
    body = parseJsonBody(response, {});
  } catch {
    // The parse error quotes the start of the body, and a malformed answer can still carry a
    // live token, not yet registered (and a JWT outruns the quote, so registering it would not
    // mask the quoted part): explain the same body with its token values blanked out instead.
    const error = explainBlanked(response, tokenUrl);
    throw new AuthError(`oauth2_client_credentials: ${error.message}`, { cause: error, context: { url: tokenUrl } });
  }
  const value = (body as { access_token?: unknown } | null)?.access_token;
  if ((typeof value === 'string' && value !== '') || typeof value === 'number') return body as TokenBody;
  throw new AuthError(
    `oauth2_client_credentials: the token response from ${tokenUrl} has no access_token; check access_token_url`,
    { context: { url: tokenUrl } },
  );
}

// A token value as it stands in the JSON text: a string (escapes kept, the closing quote
// optional for a body cut short) or an integer.
const TOKEN_VALUE = /("(?:access_token|refresh_token|id_token)"\s*:\s*)(?:"((?:[^"\\]|\\.)*)|(-?\d+))/g;

/** The parse error of `response` with every token value overwritten in place, keeping every offset (of ASCII tokens). */
function explainBlanked(response: HttpResponse, tokenUrl: string): Error {
  const bodyText = response.bodyText.replace(TOKEN_VALUE, (_whole, key: string, text?: string, digits?: string) =>
    text === undefined ? key + (digits as string).replace(/\d/g, '1') : `${key}"${'*'.repeat(text.length)}`,
  );
  try {
    parseJsonBody({ ...response, bodyText }, {});
  } catch (error) {
    return error as Error;
  }
  // Blanking repaired it: the fault (a bad escape or control character) was inside a token.
  return new ResponseError(`the token response from ${tokenUrl} is not valid JSON: a token value in it is malformed`, { context: { url: tokenUrl } });
}

/**
 * `expires_in` seconds (a number or numeric string) as milliseconds, or null when unusable.
 * 0 (or less) is a token already expired: as in dlt, it is fetched again before the next
 * request, never stretched to the default lifetime.
 */
function expiresInMs(raw: unknown): number | null {
  const seconds = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  return typeof seconds === 'number' && Number.isFinite(seconds) ? Math.max(0, seconds) * 1000 : null;
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new AbortedError('oauth2_client_credentials: cancelled while waiting for a token'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
