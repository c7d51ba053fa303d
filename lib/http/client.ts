/**
 * The one place rest2kafka calls node-fetch. Every outcome leaves this module either as an
 * {@link HttpResponse} (for any status: status checks run later, after response actions) or as
 * a Rest2KafkaError whose message, stack and cause chain hold only redacted URLs — node-fetch
 * prints the full URL, query-string API key included, into its own error messages.
 */
import http from 'node:http';
import https from 'node:https';
import { isUtf8 } from 'node:buffer';
import fetch from 'node-fetch';
import { AbortedError, ConfigError, NetworkError } from '../errors';
import { version } from '../version';
import { redact } from '../secrets/redact';
import type { HttpResponse, PageRequest } from './request';
import { buildUrl, encodeForm } from './url';

export { checkStatus, type StatusContext } from './status';
export { parseJsonBody, type BodyContext } from './json-body';

export interface HttpClientOptions {
  /** Per request, covering connect, headers and body. */
  timeoutMs: number;
  /** Default `rest2kafka/<version>`. */
  userAgent?: string;
  /** Per origin and protocol; default 16. */
  maxSockets?: number;
}

export interface HttpClient {
  /**
   * Sends one request. Resolves for every status; rejects with NetworkError (retriable) when no
   * complete response arrived, AbortedError when `signal` aborted, ConfigError when the request
   * cannot be sent at all (e.g. not an absolute URL).
   */
  send(request: PageRequest, signal?: AbortSignal): Promise<HttpResponse>;
  /** Destroys the keep-alive sockets. */
  close(): void;
}

/**
 * Creates a client with keep-alive agents (one for http, one for https).
 *
 * @example
 * const client = createHttpClient({ timeoutMs: 30_000 });
 * const res = await client.send({ method: 'GET', url: 'https://api.example.com/v1/x', params: {}, headers: {} });
 * client.close();
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 16 };
  const httpAgent = failCutShortBodies(new http.Agent(agentOptions));
  const httpsAgent = failCutShortBodies(new https.Agent(agentOptions));
  const defaults: Record<string, string> = {
    'user-agent': options.userAgent ?? `rest2kafka/${version}`,
    accept: 'application/json',
  };

  async function send(request: PageRequest, signal?: AbortSignal): Promise<HttpResponse> {
    const url = buildUrl(request);
    const where = `${request.method} ${redact(url)}`;
    if (signal?.aborted) throw new AbortedError(`${where} was cancelled before it was sent`, { context: { url: redact(url) } });
    const { body, contentType } = encodeBody(request, where);
    const headers = mergeHeaders(defaults, contentType ? { 'content-type': contentType } : {}, request.headers);

    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, options.timeoutMs);
    const onCallerAbort = (): void => controller.abort();
    signal?.addEventListener('abort', onCallerAbort, { once: true });
    let status: number | null = null;
    try {
      const res = await fetch(url, {
        method: request.method,
        headers,
        body,
        agent: (parsed: URL) => (parsed.protocol === 'http:' ? httpAgent : httpsAgent),
        signal: controller.signal as never,
      });
      status = res.status;
      // Bytes, then text: node-fetch's text() replaces invalid UTF-8 silently, and a JSON body
      // so mangled would be published as corrupted records instead of failing.
      const bytes = await res.buffer();
      const responseHeaders: Record<string, string> = {};
      res.headers.forEach((value, name) => {
        responseHeaders[name.toLowerCase()] = value;
      });
      const response: HttpResponse = { status: res.status, headers: responseHeaders, bodyText: bytes.toString('utf8'), bodyBytes: bytes, url: redact(res.url || url) };
      if (!isUtf8(bytes)) response.invalidUtf8 = true;
      return response;
    } catch (error) {
      throw classifyFailure(error, { url, where, status, timedOut, aborted: signal?.aborted === true, timeoutMs: options.timeoutMs });
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  return {
    send,
    close(): void {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/**
 * node-fetch v2 notices a body cut short only for chunked responses; a Content-Length body
 * whose connection drops early would leave `text()` pending until the timeout. Failing the
 * request makes node-fetch reject the body read at once. `addRequest` is the hook every agent
 * implementation (agent-base, proxy agents) uses, though @types/node does not declare it; a
 * Node without it gets a process warning (the check is then off, not the client), and the
 * retries spec's "Content-Length body cut short" case fails.
 */
function failCutShortBodies<A extends http.Agent>(agent: A): A {
  const hooks = agent as unknown as { addRequest?(req: http.ClientRequest, options: unknown): void };
  if (typeof hooks.addRequest !== 'function') {
    process.emitWarning('http.Agent has no addRequest in this Node version: a response body cut short is detected only by client.timeout_ms', { code: 'R2K_CUT_SHORT_BODIES_OFF' });
    return agent;
  }
  const addRequest = hooks.addRequest.bind(agent);
  hooks.addRequest = (req, options) => {
    req.once('response', (res: http.IncomingMessage) => {
      res.once('close', () => {
        if (!res.complete) req.emit('error', Object.assign(new Error('connection closed before the response was complete'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
      });
    });
    addRequest(req, options);
  };
  return agent;
}

function encodeBody(request: PageRequest, where: string): { body: string | Buffer | undefined; contentType: string | null } {
  const hasBody = request.json !== undefined || request.data !== undefined;
  // node-fetch (like the Fetch standard) refuses a body on GET; requests would send it.
  if (hasBody && request.method === 'GET') {
    throw new ConfigError(`${where} has a json/data body, which cannot be sent with GET; set endpoint.method to POST`);
  }
  if (request.json !== undefined) return { body: JSON.stringify(request.json), contentType: 'application/json' };
  if (typeof request.data === 'string') {
    // A Buffer, because node-fetch would label a string body text/plain; dlt sends it unlabelled.
    return { body: Buffer.from(request.data, 'utf8'), contentType: null };
  }
  if (request.data !== undefined) return { body: encodeForm(request.data), contentType: 'application/x-www-form-urlencoded' };
  return { body: undefined, contentType: null };
}

/** Later sources win, header names compared case-insensitively. */
function mergeHeaders(...sources: Record<string, string>[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const source of sources) {
    for (const [name, value] of Object.entries(source)) out[name.toLowerCase()] = value;
  }
  return out;
}

interface FailureInfo {
  url: string;
  where: string;
  /** Status of the response whose body was being read, or null before headers arrived. */
  status: number | null;
  timedOut: boolean;
  aborted: boolean;
  timeoutMs: number;
}

const HOW_TO_FIX = 'Is the API reachable? Check client.base_url.';

function classifyFailure(error: unknown, info: FailureInfo): Error {
  const cause = sanitizeError(error, info.url);
  const context = { url: redact(info.url) };
  if (info.timedOut) {
    return new NetworkError(
      `${info.where} timed out after ${info.timeoutMs} ms${bodyPhase(info)}. ${HOW_TO_FIX} A slow API needs a larger client.timeout_ms.`,
      { code: 'HTTP_TIMEOUT', cause, context },
    );
  }
  if (info.aborted) return new AbortedError(`${info.where} was cancelled`, { cause, context });
  if (cause.name !== 'FetchError') {
    return new ConfigError(`${info.where} could not be sent: ${cause.message}. client.base_url must be an absolute http(s) URL.`, { cause, context });
  }
  return new NetworkError(`${info.where} failed${bodyPhase(info)}: ${describeSystemError(cause)}. ${HOW_TO_FIX}`, { cause, context });
}

function bodyPhase(info: FailureInfo): string {
  return info.status === null ? '' : ` while reading the body of its ${info.status} response`;
}

function describeSystemError(error: Error & { code?: unknown }): string {
  const reason = error.message.replace(/^.*?(reason: |: )/s, '');
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'connection refused (ECONNREFUSED)';
    case 'ECONNRESET':
      return `the server reset or closed the connection (ECONNRESET: ${reason})`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `DNS lookup of the host failed (${error.code})`;
    case 'ETIMEDOUT':
      return 'the connection timed out (ETIMEDOUT)';
    case 'ERR_STREAM_PREMATURE_CLOSE':
      return 'the response was cut off before it was complete';
    default:
      return reason;
  }
}

/**
 * A copy of `error` carrying only redacted text and a few plain diagnostic fields. A copy, not
 * the original: Node errors may hold the raw URL in other properties (e.g. `input` on
 * ERR_INVALID_URL), which util.inspect would print.
 */
function sanitizeError(error: unknown, url: string): Error & { code?: unknown } {
  const original = error instanceof Error ? error : new Error(String(error));
  const scrub = (text: string): string => redact(replaceAll(replaceAll(text, url, redact(url)), normalised(url), redact(url)));
  const copy = new Error(scrub(original.message)) as Error & Record<string, unknown>;
  copy.name = original.name;
  for (const field of ['code', 'errno', 'syscall', 'type'] as const) {
    const value = (original as unknown as Record<string, unknown>)[field];
    if (typeof value === 'string' || typeof value === 'number') copy[field] = value;
  }
  copy.stack = scrub(original.stack ?? `${original.name}: ${original.message}`);
  return copy;
}

/** The form node-fetch prints: the WHATWG-normalised URL. */
function normalised(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

function replaceAll(text: string, search: string, replacement: string): string {
  return search === '' ? text : text.split(search).join(replacement);
}
