/** dlt's `http_basic` auth. */
import type { HttpBasicAuthConfig } from '../config/types';
import { withHeader } from './headers';
import type { Auth } from './types';

/** The `Basic` credential for a username and password (UTF-8, as `requests` encodes it). */
export function basicCredential(username: string, password: string): string {
  return Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
}

/** `Authorization: Basic base64(username:password)` on every request. */
export function createHttpBasicAuth(config: HttpBasicAuthConfig): Auth {
  const value = `Basic ${basicCredential(config.username, config.password)}`;
  return {
    type: 'http_basic',
    apply: (request) => Promise.resolve(withHeader(request, 'Authorization', value)),
    describe: () => 'http_basic in header Authorization',
  };
}
