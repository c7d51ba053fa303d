/** Writing responses: realistic headers, and the error body every endpoint shares. */
import type { ServerResponse } from 'node:http';

export const JSON_TYPE = 'application/json; charset=utf-8';

export type Headers = Record<string, string | number>;

/** Sends `body` with `content-length` and `cache-control` set, as a real API does. */
export function send(res: ServerResponse, status: number, body: string | Buffer, headers: Headers = {}, contentType = JSON_TYPE): void {
  // One encode into a Buffer: a page is a rope of template strings, and handing the rope to the
  // socket made `writev` flatten and measure it again (the top entry of the server's profile).
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, {
    'content-type': contentType,
    'content-length': bytes.length,
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(bytes);
}

/** `{"error": {"code", "message"}}` plus any extra fields (such as `parameter`). */
function errorBody(code: string, message: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ error: { code, message, ...extra } });
}

export function sendError(res: ServerResponse, status: number, code: string, message: string, headers: Headers = {}, extra: Record<string, unknown> = {}): void {
  send(res, status, errorBody(code, message, extra), headers);
}
