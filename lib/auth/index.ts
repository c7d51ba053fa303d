/**
 * Auth strategies, found by dlt's type name. See shared/reference/dlt-rest-api.md §3.
 */
import type { AuthConfig, AuthType } from '../config/types';
import { ConfigError } from '../errors';
import { registerSecrets } from '../secrets/registry';
import { createApiKeyAuth } from './api-key';
import { createBearerAuth } from './bearer';
import { createCustomAuth } from './custom';
import { basicCredential, createHttpBasicAuth } from './http-basic';
import { createOAuth2ClientCredentialsAuth } from './oauth2-client-credentials';
import type { Auth, AuthDeps } from './types';

export type { Auth, AuthDeps } from './types';

type Factory<T extends AuthType> = (config: Extract<AuthConfig, { type: T }>, deps: AuthDeps) => Auth;

const AUTH_TYPES: { [T in AuthType]: Factory<T> } = {
  api_key: createApiKeyAuth,
  bearer: createBearerAuth,
  http_basic: createHttpBasicAuth,
  oauth2_client_credentials: createOAuth2ClientCredentialsAuth,
  custom: createCustomAuth,
};

/** dlt's type names, plus `custom` for module configs. */
export const AUTH_TYPE_NAMES: readonly AuthType[] = Object.keys(AUTH_TYPES) as AuthType[];

/**
 * The Auth for a validated auth config, or `null` for none. Secrets are registered for
 * redaction again here, in case the config did not come through config loading.
 *
 * @example
 * const auth = createAuth({ type: 'api_key', name: 'api_key', api_key: key, location: 'query' }, { send: client.send });
 * const request = await auth?.apply(firstPage) ?? firstPage;
 */
export function createAuth(config: AuthConfig | null | undefined, deps: AuthDeps): Auth | null {
  if (config === null || config === undefined) return null;
  const factory = (AUTH_TYPES as Record<string, Factory<AuthType> | undefined>)[config.type];
  if (!factory) {
    throw new ConfigError(`auth.type: ${JSON.stringify(config.type)} is not an auth type; known: ${AUTH_TYPE_NAMES.join(', ')}`, {
      context: { path: 'auth.type' },
    });
  }
  registerSecrets(...authSecrets(config));
  return factory(config as never, deps);
}

function authSecrets(config: AuthConfig): (string | undefined)[] {
  switch (config.type) {
    case 'api_key':
      return [config.api_key];
    case 'bearer':
      return [config.token];
    case 'http_basic':
      return [config.password, basicCredential(config.username, config.password)];
    case 'oauth2_client_credentials':
      return [config.client_id, config.client_secret, config.access_token];
    case 'custom':
      return [];
  }
}
