import { ConfigError } from '../../../lib/errors';
import { ACCESS_TOKEN_PREFIX, OAuthIssuer, type OAuthOptions } from '../../../lib/simulator/oauth';
import { resolveOptions } from '../../../lib/simulator/options';
import { Simulator } from '../../../lib/simulator/simulator';

const CLIENT: OAuthOptions = { clientId: 'client-1', clientSecret: 's3cret+/=', tokenTtlSeconds: 60 };

function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields);
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const GRANT = { grant_type: 'client_credentials' };
const FORM_CREDENTIALS = { ...GRANT, client_id: 'client-1', client_secret: 's3cret+/=' };

describe('the token endpoint logic (RFC 6749 §4.4)', () => {
  it('issues an opaque bearer token with its lifetime to a client authenticated by form fields (as rest2kafka and dlt send)', () => {
    const answer = new OAuthIssuer(CLIENT, Date.now).grant(undefined, form(FORM_CREDENTIALS));
    expect(answer).toEqual({ status: 200, body: { access_token: expect.any(String), token_type: 'Bearer', expires_in: 60 }, headers: {} });
    expect(answer.body.access_token).toMatch(new RegExp(`^${ACCESS_TOKEN_PREFIX}[0-9a-f]{32}$`));
  });

  it.each([
    ['raw', basic('client-1', 's3cret+/=')],
    ['form-encoded before Basic encoding (RFC 6749 §2.3.1)', basic('client-1', encodeURIComponent('s3cret+/='))],
  ])('accepts HTTP Basic credentials sent %s', (_name, header) => {
    expect(new OAuthIssuer(CLIENT, Date.now).grant(header, form(GRANT)).status).toBe(200);
  });

  it('issues a different token each time', () => {
    const issuer = new OAuthIssuer(CLIENT, Date.now);
    const tokens = new Set(Array.from({ length: 5 }, () => issuer.grant(undefined, form(FORM_CREDENTIALS)).body.access_token));
    expect(tokens.size).toBe(5);
  });

  it.each<[string, string | undefined, Record<string, string>, number, Record<string, string | number>, Record<string, string>]>([
    ['a wrong secret in the form', undefined, { ...FORM_CREDENTIALS, client_secret: 'wrong' }, 401, { error: 'invalid_client' }, {}],
    ['a wrong client id in the form', undefined, { ...FORM_CREDENTIALS, client_id: 'other' }, 401, { error: 'invalid_client' }, {}],
    ['no credentials at all', undefined, GRANT, 401, { error: 'invalid_client' }, {}],
    ['a wrong secret over Basic', basic('client-1', 'wrong'), GRANT, 401, { error: 'invalid_client' }, { 'www-authenticate': 'Basic realm="simulator"' }],
    ['a Basic payload without a colon', `Basic ${Buffer.from('client-1').toString('base64')}`, GRANT, 401, { error: 'invalid_client' }, { 'www-authenticate': 'Basic realm="simulator"' }],
    ['Basic and a form secret together', basic('client-1', 's3cret+/='), FORM_CREDENTIALS, 400, { error: 'invalid_request' }, {}],
    ['no grant_type', undefined, { client_id: 'client-1', client_secret: 's3cret+/=' }, 400, { error: 'invalid_request' }, {}],
    ['another grant type', undefined, { ...FORM_CREDENTIALS, grant_type: 'password' }, 400, { error: 'unsupported_grant_type' }, {}],
  ])('refuses %s', (_name, authorization, fields, status, body, headers) => {
    const answer = new OAuthIssuer(CLIENT, Date.now).grant(authorization, form(fields));
    expect(answer).toEqual({ status, body: { ...body, error_description: expect.any(String) }, headers });
    expect(JSON.stringify(answer)).not.toContain('s3cret');
  });
});

describe('bearer tokens on data requests (RFC 6750)', () => {
  it('a token is valid until its lifetime ends, then expired', () => {
    const time = clock();
    const issuer = new OAuthIssuer(CLIENT, time.now);
    const token = issuer.grant(undefined, form(FORM_CREDENTIALS)).body.access_token;
    expect(issuer.check(`Bearer ${token}`)).toBe('valid');
    expect(issuer.check(`bearer ${token}`)).toBe('valid');
    time.advance(59_999);
    expect(issuer.check(`Bearer ${token}`)).toBe('valid');
    time.advance(1);
    expect(issuer.check(`Bearer ${token}`)).toBe('expired');
  });

  it.each([
    ['no header', undefined, 'absent'],
    ['another scheme', basic('client-1', 's3cret+/='), 'absent'],
    ['a token it never issued', `Bearer ${ACCESS_TOKEN_PREFIX}0123`, 'unknown'],
  ])('%s → %s', (_name, header, expected) => {
    expect(new OAuthIssuer(CLIENT, Date.now).check(header)).toBe(expected);
  });

  it('forgets long-expired tokens when it issues new ones', () => {
    const time = clock();
    const issuer = new OAuthIssuer(CLIENT, time.now);
    const old = issuer.grant(undefined, form(FORM_CREDENTIALS)).body.access_token;
    time.advance(60_000 + 10 * 60_000 + 1);
    issuer.grant(undefined, form(FORM_CREDENTIALS));
    expect(issuer.check(`Bearer ${old}`)).toBe('unknown');
  });

  it('the simulator revokes every token on reset', () => {
    const sim = new Simulator(resolveOptions({ incidents: 1, services: 1, oauth: CLIENT }));
    const token = sim.oauth!.grant(undefined, form(FORM_CREDENTIALS)).body.access_token;
    sim.reset();
    expect(sim.oauth!.check(`Bearer ${token}`)).toBe('unknown');
  });
});

describe('token-endpoint faults', () => {
  it('are decided per token request, numbered apart from data requests, and renumbered on reset', () => {
    const faults = { script: [{ request: 2, action: { kind: 'status', status: 503 } as const }] };
    const sim = new Simulator(resolveOptions({ incidents: 1, services: 1, oauth: { ...CLIENT, faults } }));
    sim.nextDataRequest();
    expect([1, 2, 3].map(() => sim.nextTokenRequest().action)).toEqual([null, { kind: 'status', status: 503 }, null]);
    sim.reset();
    expect(sim.nextTokenRequest()).toEqual({ k: 1, action: null, latencyMs: 0 });
    expect(sim.nextTokenRequest().action).toEqual({ kind: 'status', status: 503 });
  });

  it('a simulator without oauth has no issuer', () => {
    expect(new Simulator(resolveOptions({ incidents: 1, services: 1 })).oauth).toBeNull();
  });
});

describe('oauth options', () => {
  it('default the token lifetime to an hour', () => {
    expect(resolveOptions({ oauth: { clientId: 'a', clientSecret: 'b' } }).oauth).toEqual({ clientId: 'a', clientSecret: 'b', tokenTtlSeconds: 3600, faults: {} });
  });

  it.each<[string, OAuthOptions, string]>([
    ['an empty client id', { ...CLIENT, clientId: '' }, 'simulator.oauth.clientId: must be a non-empty string'],
    ['an empty secret', { ...CLIENT, clientSecret: '' }, 'simulator.oauth.clientSecret: must be a non-empty string'],
    ['a fractional lifetime', { ...CLIENT, tokenTtlSeconds: 0.5 }, 'simulator.oauth.tokenTtlSeconds: must be an integer ≥ 1'],
    ['a bad fault config', { ...CLIENT, faults: { rules: [{ action: { kind: 'reset' } }] } }, 'simulator.oauth.faults.rules[0]: needs a rate, a burst, or both'],
  ])('refuse %s, naming the option', (_name, oauth, message) => {
    expect(() => resolveOptions({ oauth })).toThrow(ConfigError);
    expect(() => resolveOptions({ oauth })).toThrow(message);
  });
});
