/** A module config's own auth: any `apply(request)` function. */
import type { CustomAuthConfig } from '../config/types';
import type { Auth } from './types';

export function createCustomAuth(config: CustomAuthConfig): Auth {
  return {
    type: 'custom',
    // A copy, so a function that edits its argument cannot change the paginator's request.
    apply: async (request) => config.apply({ ...request, params: { ...request.params }, headers: { ...request.headers } }),
    describe: () => 'custom auth (apply function from the config module)',
  };
}
