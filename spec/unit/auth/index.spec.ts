import { AUTH_TYPE_NAMES, createAuth } from '../../../lib/auth';
import type { AuthConfig } from '../../../lib/config/types';
import { ConfigError } from '../../../lib/errors';
import { redact } from '../../../lib/secrets/redact';
import { clearSecrets } from '../../../lib/secrets/registry';

const send = jest.fn();
afterEach(() => clearSecrets());

describe('createAuth', () => {
  it.each([null, undefined])('%j → no auth', (config) => {
    expect(createAuth(config, { send })).toBeNull();
  });

  it.each<[AuthConfig, string]>([
    [{ type: 'api_key', api_key: 'key-1234' }, 'api_key'],
    [{ type: 'bearer', token: 'tok-1234' }, 'bearer'],
    [{ type: 'http_basic', username: 'u', password: 'pw-1234' }, 'http_basic'],
    [{ type: 'oauth2_client_credentials', access_token_url: 'https://auth.example.com/token', client_id: 'cid-1234', client_secret: 'cs-1234' }, 'oauth2_client_credentials'],
    [{ type: 'custom', apply: (r) => r }, 'custom'],
  ])('%j → the %s strategy', (config, type) => {
    expect(createAuth(config, { send })?.type).toBe(type);
  });

  it('rejects an unknown type with the known ones', () => {
    const create = (): unknown => createAuth({ type: 'oauth2' } as unknown as AuthConfig, { send });
    expect(create).toThrow(ConfigError);
    expect(create).toThrow('auth.type: "oauth2" is not an auth type; known: api_key, bearer, http_basic, oauth2_client_credentials, custom');
  });

  it.each<[AuthConfig, string[]]>([
    [{ type: 'api_key', api_key: 'SENTINEL-api' }, ['SENTINEL-api']],
    [{ type: 'bearer', token: 'SENTINEL-tok' }, ['SENTINEL-tok']],
    [{ type: 'http_basic', username: 'alice', password: 'SENTINEL-pw' }, ['SENTINEL-pw', Buffer.from('alice:SENTINEL-pw').toString('base64')]],
    [
      { type: 'oauth2_client_credentials', access_token_url: 'https://a/t', client_id: 'SENTINEL-cid', client_secret: 'SENTINEL-cs', access_token: 'SENTINEL-at' },
      ['SENTINEL-cid', 'SENTINEL-cs', 'SENTINEL-at'],
    ],
  ])('registers the secrets of %j for redaction', (config, secrets) => {
    createAuth(config, { send });
    for (const secret of secrets) expect(redact(`value ${secret} here`)).toBe('value *** here');
  });

  it('lists every registered type', () => {
    expect(AUTH_TYPE_NAMES).toEqual(['api_key', 'bearer', 'http_basic', 'oauth2_client_credentials', 'custom']);
  });
});
