/**
 * Parses a response body as JSON, or explains precisely why it is not JSON. V8's own messages
 * are not used: they often omit the position and quote the body unredacted.
 */
import { ResponseError, type ErrorContext } from '../errors';
import { redact } from '../secrets/redact';
import type { HttpResponse } from './request';

export interface BodyContext {
  resource?: string;
  page?: number;
}

const SNIPPET_CHARS = 200;

/**
 * The parsed body, or a ResponseError naming the resource, page, URL and — for malformed JSON —
 * the byte offset of the first error and the start of the body (redacted).
 *
 * @example
 * parseJsonBody({ status: 200, headers: {}, bodyText: '{"data": [1,]}', url: 'https://x/a' }, { resource: 'incidents', page: 1 });
 * // throws ResponseError 'malformed JSON in the response of resource "incidents" page 1 (200 from https://x/a) at byte 12: ...'
 */
export function parseJsonBody(response: HttpResponse, context: BodyContext): unknown {
  const text = response.bodyText;
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    throw new ResponseError(explain(response, context), { context: errorContext(response, context) });
  }
  if (response.invalidUtf8) {
    // RFC 8259 §8.1: JSON between systems is UTF-8. Parsed anyway, the bad bytes would reach
    // Kafka as U+FFFD: corrupted records that look valid.
    throw new ResponseError(
      `the response of ${describeSource(response, context)} is not valid UTF-8 (decoded, its first U+FFFD replacement character is at character ${text.indexOf('\uFFFD')}); JSON must be UTF-8. ` +
        `The API sent another encoding or corrupted bytes; its content-type is ${JSON.stringify(response.headers['content-type'] ?? 'not set')}.`,
      { context: errorContext(response, context) },
    );
  }
  return body;
}

function explain(response: HttpResponse, context: BodyContext): string {
  const text = response.bodyText;
  const source = describeSource(response, context);
  if (text.trim() === '') {
    return `the response of ${source} has an empty body; expected a JSON document. Check endpoint.path and the API's documentation for this endpoint.`;
  }
  const contentType = response.headers['content-type'] ?? '';
  if (/text\/html/i.test(contentType) || /^\s*</.test(text)) {
    return `the response of ${source} is HTML, not JSON (first ${SNIPPET_CHARS} chars: ${snippet(text)}). Is client.base_url pointing at the API rather than a web page or a login portal?`;
  }
  const located = locateJsonError(text);
  const where = located ? ` at byte ${Buffer.byteLength(text.slice(0, located.position), 'utf8')}: ${located.reason}` : '';
  return `malformed JSON in the response of ${source}${where}; first ${SNIPPET_CHARS} chars: ${snippet(text)}`;
}

function describeSource(response: HttpResponse, context: BodyContext): string {
  const resource = context.resource === undefined ? 'request' : `resource "${context.resource}"`;
  const page = context.page === undefined ? '' : ` page ${context.page}`;
  return `${resource}${page} (${response.status} from ${response.url})`;
}

function errorContext(response: HttpResponse, context: BodyContext): ErrorContext {
  const out: ErrorContext = { url: response.url, status: response.status };
  if (context.resource !== undefined) out.resource = context.resource;
  if (context.page !== undefined) out.page = context.page;
  return out;
}

function snippet(text: string): string {
  const head = text.length > SNIPPET_CHARS ? `${text.slice(0, SNIPPET_CHARS)}…` : text;
  return JSON.stringify(redact(head));
}

class Stop {
  constructor(
    readonly position: number,
    readonly reason: string,
  ) {}
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = '"\\/bfnrt';

/**
 * Character offset and reason of the first syntax error in `text` (RFC 8259 grammar), or
 * `null` when none is found (valid, or nested too deeply to scan).
 */
export function locateJsonError(text: string): { position: number; reason: string } | null {
  let i = 0;
  const fail = (reason: string): never => {
    throw new Stop(i, i >= text.length ? 'unexpected end of input' : reason);
  };
  const skipSpace = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const expect = (char: string, reason: string): void => {
    skipSpace();
    if (text[i] !== char) fail(reason);
    i++;
  };
  const string = (): void => {
    i++;
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text[i];
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        const next = text[i + 1] ?? '';
        if (next !== '' && ESCAPES.includes(next)) i += 2;
        else if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else fail('invalid escape sequence in a string');
      } else if (c.charCodeAt(0) < 0x20) {
        fail('unescaped control character in a string');
      } else {
        i++;
      }
    }
  };
  const sequence = (close: string, item: () => void, what: string): void => {
    i++;
    skipSpace();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      item();
      skipSpace();
      if (text[i] === close) {
        i++;
        return;
      }
      expect(',', `expected ',' or '${close}' in ${what}`);
    }
  };
  const member = (): void => {
    skipSpace();
    if (text[i] !== '"') fail('expected a property name in double quotes');
    string();
    expect(':', "expected ':' after a property name");
    value();
  };
  const value = (): void => {
    skipSpace();
    const c = text[i] ?? '';
    if (c === '{') return sequence('}', member, 'an object');
    if (c === '[') return sequence(']', value, 'an array');
    if (c === '"') return string();
    if (c === '-' || (c >= '0' && c <= '9')) {
      NUMBER.lastIndex = i;
      if (!NUMBER.test(text)) fail('invalid number');
      i = NUMBER.lastIndex;
      return;
    }
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return;
      }
    }
    fail(`unexpected character ${JSON.stringify(c)}`);
  };
  try {
    value();
    skipSpace();
    if (i < text.length) fail('unexpected data after the JSON value');
    return null;
  } catch (stop) {
    // Anything else is a stack overflow on absurd nesting: report no position rather than crash.
    return stop instanceof Stop ? { position: stop.position, reason: stop.reason } : null;
  }
}
