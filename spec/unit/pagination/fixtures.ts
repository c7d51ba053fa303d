/** Builders for paginator tables: a base request and a page response. */
import type { PageRequest } from '../../../lib/http/request';
import type { PageResponse } from '../../../lib/pagination/types';

export const BASE_URL = 'https://api.example.com/v1/items';

export function request(overrides: Partial<PageRequest> = {}): PageRequest {
  return { method: 'GET', url: BASE_URL, params: {}, headers: { accept: 'application/json' }, ...overrides };
}

/** A response; records default to one record (a "full" page), headers to none. */
export function page(body: unknown, options: { records?: unknown[]; headers?: Record<string, string> } = {}): PageResponse {
  return { status: 200, headers: options.headers ?? {}, body, records: options.records ?? [{ id: 1 }] };
}

export const EMPTY: unknown[] = [];

/** Deep-freezes a value so a test fails if a paginator mutates its input. */
export function frozen<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) frozen(child);
    Object.freeze(value);
  }
  return value;
}
