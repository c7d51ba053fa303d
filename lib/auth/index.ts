/**
 * Auth strategies, found by dlt's type name. See shared/reference/dlt-rest-api.md §3.
 */
import type { AuthConfig, AuthType } from '../config/types';
import { ConfigError } from '../errors';
import { registerSecret } from '../http/redact';
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
  registerSecrets(config);
  return factory(config as never, deps);
}

function registerSecrets(config: AuthConfig): void {
  switch (config.type) {
    case 'api_key':
      return registerSecret(config.api_key);
    case 'bearer':
      return registerSecret(config.token);
    case 'http_basic':
      registerSecret(config.password);
      return registerSecret(basicCredential(config.username, config.password));
    case 'oauth2_client_credentials':
      registerSecret(config.client_id);
      registerSecret(config.client_secret);
      return registerSecret(config.access_token);
    case 'custom':
      return;
  }
}
