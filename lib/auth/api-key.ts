/** dlt's `api_key` auth: the raw key in a header, a query parameter or a cookie. */
import type { ApiKeyAuthConfig } from '../config/types';
import type { PageRequest } from '../http/request';
import { removeQueryParam } from '../http/url';
import { getHeader, withHeader } from './headers';
import type { Auth } from './types';

/**
 * @example
 * createApiKeyAuth({ type: 'api_key', name: 'api_key', api_key: 'k', location: 'query' });
 * // apply() adds api_key=k to every request's params
 */
export function createApiKeyAuth(config: ApiKeyAuthConfig): Auth {
  const name = config.name ?? 'Authorization';
  const key = config.api_key;
  const location = config.location ?? 'header';
  switch (location) {
    case 'header':
      return auth(`api_key in header ${name}`, (request) => withHeader(request, name, key));
    case 'query':
    case 'param':
      return auth(`api_key in query parameter ${name}`, (request) => ({
        ...request,
        // A next link may already carry the key (or a stale one): replace it, never duplicate.
        url: removeQueryParam(request.url, name),
        params: { ...request.params, [name]: key },
      }));
    case 'cookie':
      // dlt fails with "not implemented" here; sending the cookie is what users expect.
      return auth(`api_key in cookie ${name}`, (request) =>
        withHeader(request, 'cookie', mergeCookie(getHeader(request, 'cookie'), name, key)),
      );
  }
}

function auth(description: string, apply: (request: PageRequest) => PageRequest): Auth {
  return {
    type: 'api_key',
    apply: (request) => Promise.resolve(apply(request)),
    describe: () => description,
  };
}

/** Adds `name=value` to a Cookie header, replacing a cookie of the same name. */
export function mergeCookie(existing: string | undefined, name: string, value: string): string {
  const others = (existing ?? '')
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part !== '' && part.split('=', 1)[0].trim() !== name);
  return [...others, `${name}=${value}`].join('; ');
}
