/** Header edits that respect HTTP's case-insensitive names. */
import type { PageRequest } from '../http/request';

/** A copy of `request` whose header `name` (any case) is replaced by `value`. */
export function withHeader(request: PageRequest, name: string, value: string): PageRequest {
  const headers: Record<string, string> = {};
  for (const [key, existing] of Object.entries(request.headers)) {
    if (key.toLowerCase() !== name.toLowerCase()) headers[key] = existing;
  }
  headers[name] = value;
  return { ...request, headers };
}

/** The value of header `name` in any case, or undefined. */
export function getHeader(request: PageRequest, name: string): string | undefined {
  const lower = name.toLowerCase();
  const key = Object.keys(request.headers).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : request.headers[key];
}
