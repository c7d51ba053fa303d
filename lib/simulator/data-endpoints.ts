/**
 * `GET /v1/*` (the routes are in `routes.ts`): authentication (the api_key, or with OAuth
 * configured a live bearer token), the rate limit, validation, then the fault (if any)
 * decided for this data request, then the page.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultAction } from './faults';
import type { RateDecision } from './rate-limit';
import { JSON_TYPE, send, sendError, type Headers } from './respond';
import { ROUTE_TEMPLATES, findRoute } from './routes';
import type { Simulator } from './simulator';

const HTML_ERROR_PAGE =
  '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1>' +
  '<p>The upstream server returned an invalid response.</p><hr><p>nginx</p></body></html>';

// Valid JSON, right envelope keys, wrong types everywhere: what a schema-less client accepts blindly.
const WRONG_TYPES_BODY = JSON.stringify({
  data: [{ id: 12345, title: null, status: 7, urgency: ['high'], created_at: 'yesterday', updated_at: 1704067200, assignees: 'nobody' }],
  total: '1',
  offset: null,
  limit: '100',
});

const RATE_HEADER_PREFIX = 'ratelimit-';

function rateHeaders(decision: RateDecision | null): Headers {
  if (!decision) return {};
  return { 'ratelimit-limit': decision.limit, 'ratelimit-remaining': decision.remaining, 'ratelimit-reset': decision.reset };
}

function retryAfterHeader(seconds: number | null, format: 'seconds' | 'http-date', now: number): Headers {
  if (seconds === null) return {};
  return { 'retry-after': format === 'http-date' ? new Date(now + seconds * 1000).toUTCString() : seconds };
}

/**
 * The headers of a `rate-limit` fault's 429: the request's own (`ratelimit-*` among them when
 * the rate limit is on, unless the fault is `bare`, as a gateway's 429 in front of a polite API
 * would be) and `retry-after` (default 1 second).
 *
 * @example rateLimitFaultHeaders({ kind: 'rate-limit', bare: true }, { 'ratelimit-remaining': 5 }, Date.now()) // { 'retry-after': 1 }
 */
export function rateLimitFaultHeaders(action: FaultAction & { kind: 'rate-limit' }, headers: Headers, now: number): Headers {
  const kept = action.bare ? Object.fromEntries(Object.entries(headers).filter(([name]) => !name.startsWith(RATE_HEADER_PREFIX))) : headers;
  return { ...kept, ...retryAfterHeader(action.retryAfter === undefined ? 1 : action.retryAfter, action.retryAfterFormat ?? 'seconds', now) };
}

/** Why a request without the api_key is refused (RFC 6750 §3 for bearer tokens), or null when its bearer token is live. */
function unauthorized(sim: Simulator, authorization: string | undefined): { message: string; headers: Headers } | null {
  if (!sim.oauth) return { message: 'missing or invalid api_key', headers: {} };
  const check = sim.oauth.check(authorization);
  if (check === 'valid') return null;
  if (check === 'absent') return { message: 'missing or invalid api_key or bearer token', headers: { 'www-authenticate': 'Bearer realm="simulator"' } };
  const message = check === 'expired' ? 'the access token expired' : 'the access token is not one this server issued';
  return { message, headers: { 'www-authenticate': `Bearer realm="simulator", error="invalid_token", error_description="${message}"` } };
}

export function handleData(sim: Simulator, req: IncomingMessage, res: ServerResponse, path: string, search: string): void {
  const route = findRoute(path);
  const record = (outcome: number | 'reset') => sim.stats.outcome(route?.template ?? path, outcome);
  if (!route) {
    record(404);
    return sendError(res, 404, 'not_found', `no endpoint ${path}; known: ${ROUTE_TEMPLATES.join(', ')}`);
  }
  if (req.method !== 'GET') {
    record(405);
    return sendError(res, 405, 'method_not_allowed', `${req.method} is not allowed on ${path}`, { allow: 'GET' });
  }
  const params = new URLSearchParams(search);
  const refusal = params.get('api_key') === sim.options.apiKey ? null : unauthorized(sim, req.headers.authorization);
  if (refusal) {
    record(401);
    return sendError(res, 401, 'unauthorized', refusal.message, refusal.headers);
  }
  const decision = sim.takeToken();
  const headers = rateHeaders(decision);
  if (decision && !decision.allowed) {
    record(429);
    return sendError(res, 429, 'rate_limited', 'rate limit exceeded', { ...headers, 'retry-after': Math.max(1, decision.reset) });
  }
  const prepared = route.prepare(sim, params);
  if (!prepared.ok) {
    record(prepared.status);
    return sendError(res, prepared.status, prepared.code, prepared.message, headers, prepared.extra);
  }
  const { k, action, latencyMs } = sim.nextDataRequest();
  headers['x-request-id'] = `sim-${k}`;
  const respond = () => {
    // The client may have gone away during the latency.
    if (res.destroyed) return;
    if (!action) {
      send(res, 200, prepared.page(), headers);
      return record(200);
    }
    sim.stats.fault(action.kind);
    record(sendFault(res, action, headers, prepared.page));
  };
  if (latencyMs > 0) {
    sim.stats.fault('latency');
    setTimeout(respond, latencyMs);
  } else {
    respond();
  }
}

/** Answers with the fault; `page` renders the body a healthy answer would carry. Returns the outcome to count. */
export function sendFault(res: ServerResponse, action: FaultAction, headers: Headers, page: () => string): number | 'reset' {
  switch (action.kind) {
    case 'reset':
      // An RST, not a FIN: clients see ECONNRESET, as when a load balancer drops a connection.
      res.socket?.resetAndDestroy();
      return 'reset';
    case 'status':
      sendError(res, action.status, 'server_error', `simulated ${action.status}`, headers);
      return action.status;
    case 'rate-limit':
      sendError(res, 429, 'rate_limited', 'rate limit exceeded', rateLimitFaultHeaders(action, headers, Date.now()));
      return 429;
    case 'malformed':
      // A trailing comma: every byte arrives, yet no JSON parser accepts it.
      send(res, 200, `${page().slice(0, -1)},}`, headers);
      return 200;
    case 'truncated': {
      const body = Buffer.from(page());
      // Without content-length Node frames the body as chunked.
      const framing = action.framing === 'chunked' ? {} : { 'content-length': body.length };
      res.writeHead(200, { 'content-type': JSON_TYPE, ...framing, ...headers });
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.destroy());
      return 200;
    }
    case 'body':
      if ('preset' in action) {
        if (action.preset === 'html') send(res, 200, HTML_ERROR_PAGE, headers, 'text/html; charset=utf-8');
        else send(res, 200, action.preset === 'empty' ? '' : WRONG_TYPES_BODY, headers);
        return 200;
      }
      send(res, action.status, action.encoding === 'base64' ? Buffer.from(action.body, 'base64') : action.body, headers, action.contentType);
      return action.status;
  }
}
