import type { PageRequest } from '../../../lib/http/request';

/** A request as a paginator hands it to auth. */
export function pageRequest(extra: Partial<PageRequest> = {}): PageRequest {
  return { method: 'GET', url: 'https://api.example.com/v1/incidents', params: { limit: '100', offset: '0' }, headers: { Accept: 'application/json' }, ...extra };
}
