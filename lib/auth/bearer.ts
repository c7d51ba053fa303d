/** dlt's `bearer` auth. */
import type { BearerAuthConfig } from '../config/types';
import { withHeader } from './headers';
import type { Auth } from './types';

/** `Authorization: Bearer <token>` on every request. */
export function createBearerAuth(config: BearerAuthConfig): Auth {
  return {
    type: 'bearer',
    apply: (request) => Promise.resolve(withHeader(request, 'Authorization', `Bearer ${config.token}`)),
    describe: () => 'bearer token in header Authorization',
  };
}
