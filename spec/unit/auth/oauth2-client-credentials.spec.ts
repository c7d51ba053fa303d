import { createOAuth2ClientCredentialsAuth } from '../../../lib/auth/oauth2-client-credentials';
import type { OAuth2ClientCredentialsConfig } from '../../../lib/config/types';
import { AbortedError, AuthError, HttpStatusError, isRetriable } from '../../../lib/errors';
import { redact } from '../../../lib/secrets/redact';
import { clearSecrets } from '../../../lib/secrets/registry';
import type { HttpResponse, PageRequest } from '../../../lib/http/request';
import { pageRequest } from './fixtures';

const CONFIG: OAuth2ClientCredentialsConfig = {
  type: 'oauth2_client_credentials',
  access_token_url: 'https://auth.example.com/oauth/token',
  client_id: 'client-id-1',
  client_secret: 'client-secret-1',
};

const tokenResponse = (body: unknown, status = 200, headers: Record<string, string> = {}): HttpResponse => ({
  status,
  headers,
  bodyText: typeof body === 'string' ? body : JSON.stringify(body),
  url: redact(CONFIG.access_token_url),
});

/** A fake token endpoint: answers from `responses` in turn and records what it was sent. */
function fakeSend(...responses: HttpResponse[]): jest.Mock<Promise<HttpResponse>, [PageRequest, AbortSignal?]> {
  let i = 0;
  return jest.fn((_request: PageRequest) => Promise.resolve(responses[Math.min(i++, responses.length - 1)]));
}

function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

async function bearerOf(auth: ReturnType<typeof createOAuth2ClientCredentialsAuth>, signal?: AbortSignal): Promise<string | undefined> {
  return (await auth.apply(pageRequest(), signal)).headers.Authorization;
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

afterEach(() => clearSecrets());

describe('oauth2_client_credentials: the token request', () => {
  it('is lazy: nothing is sent until the first apply', async () => {
    const send = fakeSend(tokenResponse({ access_token: 'tok-1', expires_in: 3600 }));
    const auth = createOAuth2ClientCredentialsAuth(CONFIG, { send });
    expect(send).not.toHaveBeenCalled();
    expect(await bearerOf(auth)).toBe('Bearer tok-1');
    expect(send).toHaveBeenCalledTimes(1);
  });

  it.each<[string, Record<string, string> | undefined, [string, string][]]>([
    ['standard fields', undefined, [['client_id', 'client-id-1'], ['client_secret', 'client-secret-1'], ['grant_type', 'client_credentials']]],
    [
      'access_token_request_data added and overriding',
      { scope: 'read', grant_type: 'custom_grant' },
      [['client_id', 'client-id-1'], ['client_secret', 'client-secret-1'], ['grant_type', 'custom_grant'], ['scope', 'read']],
    ],
  ])('POSTs a form with the %s', async (_name, extra, form) => {
    const send = fakeSend(tokenResponse({ access_token: 'tok-1' }));
    await bearerOf(createOAuth2ClientCredentialsAuth({ ...CONFIG, access_token_request_data: extra }, { send }));
    expect(send.mock.calls[0][0]).toEqual({ method: 'POST', url: CONFIG.access_token_url, params: {}, headers: {}, data: form });
  });

  it('ignores a pre-supplied access_token, as dlt does', async () => {
    const send = fakeSend(tokenResponse({ access_token: 'fresh' }));
    expect(await bearerOf(createOAuth2ClientCredentialsAuth({ ...CONFIG, access_token: 'given' }, { send }))).toBe('Bearer fresh');
  });

  it('registers the token so redaction removes it', async () => {
    const send = fakeSend(tokenResponse({ access_token: 'SENTINEL-token-value' }));
    await bearerOf(createOAuth2ClientCredentialsAuth(CONFIG, { send }));
    expect(redact('Authorization: Bearer SENTINEL-token-value')).toBe('Authorization: Bearer ***');
  });

  it('accepts a numeric access_token', async () => {
    const send = fakeSend(tokenResponse({ access_token: 12345678 }));
    expect(await bearerOf(createOAuth2ClientCredentialsAuth(CONFIG, { send }))).toBe('Bearer 12345678');
  });

  it('describes itself without secrets', () => {
    const auth = createOAuth2ClientCredentialsAuth({ ...CONFIG, access_token_url: 'https://auth.example.com/token?client_secret=abc' }, { send: fakeSend() });
    expect(auth.describe()).toBe('oauth2_client_credentials bearer token from https://auth.example.com/token?client_secret=***');
  });
});

describe('oauth2_client_credentials: expiry and refresh (fake clock)', () => {
  it.each<[string, Partial<OAuth2ClientCredentialsConfig>, Record<string, unknown>, number]>([
    ['expires_in 3600 s: refreshed 60 s early', {}, { expires_in: 3600 }, 3_540_000],
    ['expires_in as a numeric string', {}, { expires_in: '3600' }, 3_540_000],
    ['expires_in 100 s: refreshed 10% early', {}, { expires_in: 100 }, 90_000],
    ['no expires_in: default 3600 s', {}, {}, 3_540_000],
    ['no expires_in: default_token_expiration', { default_token_expiration: 300 }, {}, 270_000],
    ['an unusable expires_in falls back to the default', { default_token_expiration: 300 }, { expires_in: 'soon' }, 270_000],
  ])('%s', async (_name, config, extra, refreshAfterMs) => {
    const time = clock();
    const send = fakeSend(tokenResponse({ access_token: 'tok-1', ...extra }), tokenResponse({ access_token: 'tok-2', ...extra }));
    const auth = createOAuth2ClientCredentialsAuth({ ...CONFIG, ...config }, { send, now: time.now });
    expect(await bearerOf(auth)).toBe('Bearer tok-1');
    time.advance(refreshAfterMs - 1);
    expect(await bearerOf(auth)).toBe('Bearer tok-1');
    expect(send).toHaveBeenCalledTimes(1);
    time.advance(1);
    expect(await bearerOf(auth)).toBe('Bearer tok-2');
    expect(send).toHaveBeenCalledTimes(2);
  });

  it.each([0, '0', -5])('expires_in %p: a token already expired is fetched again before every request, as dlt does', async (expiresIn) => {
    const time = clock();
    let n = 0;
    const send = jest.fn(() => Promise.resolve(tokenResponse({ access_token: `tok-${++n}`, expires_in: expiresIn })));
    const auth = createOAuth2ClientCredentialsAuth(CONFIG, { send, now: time.now });
    expect([await bearerOf(auth), await bearerOf(auth), await bearerOf(auth)]).toEqual(['Bearer tok-1', 'Bearer tok-2', 'Bearer tok-3']);
  });

  it('concurrent applies share one in-flight token request', async () => {
    let answer: (response: HttpResponse) => void = () => undefined;
    const send = jest.fn(() => new Promise<HttpResponse>((resolve) => (answer = resolve)));
    const auth = createOAuth2ClientCredentialsAuth(CONFIG, { send });
    const pending = Promise.all([bearerOf(auth), bearerOf(auth), bearerOf(auth)]);
    answer(tokenResponse({ access_token: 'shared' }));
    expect(await pending).toEqual(['Bearer shared', 'Bearer shared', 'Bearer shared']);
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('a caller that aborts while waiting gets ABORTED; the others still get the token', async () => {
    let answer: (response: HttpResponse) => void = () => undefined;
    const send = jest.fn(() => new Promise<HttpResponse>((resolve) => (answer = resolve)));
    const auth = createOAuth2ClientCredentialsAuth(CONFIG, { send });
    const controller = new AbortController();
    const cancelled = failure(bearerOf(auth, controller.signal));
    const other = bearerOf(auth);
    controller.abort();
    expect(await cancelled).toBeInstanceOf(AbortedError);
    answer(tokenResponse({ access_token: 'tok' }));
    expect(await other).toBe('Bearer tok');
  });
});

describe('oauth2_client_credentials: failures', () => {
  it.each([400, 401, 403])('%i from the token endpoint → AuthError naming the URL and status', async (status) => {
    const send = fakeSend(tokenResponse({ error: 'invalid_client' }, status));
    const error = await failure(bearerOf(createOAuth2ClientCredentialsAuth(CONFIG, { send })));
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toMatch(
      new RegExp(`^oauth2_client_credentials: the token endpoint https://auth\\.example\\.com/oauth/token answered ${status} [A-Za-z ]+ \\(error: invalid_client\\); check client_id`),
    );
    expect(error.message).not.toContain('client-secret-1');
    expect(isRetriable(error)).toBe(false);
  });

  it.each([429, 500, 503])('%i from the token endpoint → retriable HttpStatusError carrying Retry-After', async (status) => {
    const send = fakeSend(tokenResponse('busy', status, { 'retry-after': '9' }));
    const error = await failure(bearerOf(createOAuth2ClientCredentialsAuth(CONFIG, { send })));
    expect(error).toBeInstanceOf(HttpStatusError);
    expect((error as HttpStatusError).retryAfter).toBe('9');
    expect(isRetriable(error)).toBe(true);
    expect(error.message).toContain(`the token endpoint https://auth.example.com/oauth/token answered ${status}`);
  });

  it('redacts a secret in the token URL', async () => {
    const config = { ...CONFIG, access_token_url: 'https://auth.example.com/token?client_secret=SENTINEL-q' };
    const send = jest.fn(() => Promise.resolve({ ...tokenResponse({}, 401), url: redact(config.access_token_url) }));
    const error = await failure(bearerOf(createOAuth2ClientCredentialsAuth(config, { send })));
    expect(error.message).toContain('https://auth.example.com/token?client_secret=***');
    expect(error.message).not.toContain('SENTINEL');
  });

  it.each([
    ['no access_token', { token_type: 'bearer' }, /has no access_token; check access_token_url/],
    ['an empty access_token', { access_token: '' }, /has no access_token/],
    ['a malformed body', '{"access_token": ', /malformed JSON in the response of request \(200 from https:\/\/auth\.example\.com\/oauth\/token\) at byte 17/],
  ])('%s → AuthError', async (_name, body, message) => {
    const error = await failure(bearerOf(createOAuth2ClientCredentialsAuth(CONFIG, { send: fakeSend(tokenResponse(body)) })));
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toMatch(message);
  });

  // Regression: the parse error quoted the body's first 200 characters, a live token included.
  const JWT = `eyJhbGciOiJSUzI1NiJ9.${'p'.repeat(300)}.signature`;
  const trailingComma = `{"access_token":"${JWT}","expires_in":3600,}`;
  const numeric = '{"access_token": 987654321, }';
  const cutShort = `{"access_token":"${JWT.slice(0, 100)}`;
  it.each([
    ['a string token longer than the quote', trailingComma, JWT, `at byte ${trailingComma.length - 1}: expected a property name`],
    ['a numeric token', numeric, '987654321', `at byte ${numeric.length - 1}: expected a property name`],
    ['a body cut short inside the token', cutShort, JWT, `at byte ${cutShort.length}: unexpected end of input`],
    ['a bad escape inside the token', '{"access_token":"Zq9tok\\x-1234567"}', 'Zq9tok', 'from https://auth.example.com/oauth/token is not valid JSON: a token value in it is malformed'],
  ])('malformed JSON around %s → AuthError that locates the fault but quotes no token', async (_name, body, token, message) => {
    const error = await failure(bearerOf(createOAuth2ClientCredentialsAuth(CONFIG, { send: fakeSend(tokenResponse(body)) })));
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toMatch(message);
    for (let e: unknown = error; e instanceof Error; e = e.cause) expect(`${e.message}\n${e.stack}`).not.toContain(token.slice(0, 12));
  });

  it('a failed token request is not cached: the next apply tries again', async () => {
    const send = fakeSend(tokenResponse('down', 503), tokenResponse({ access_token: 'tok-after' }));
    const auth = createOAuth2ClientCredentialsAuth(CONFIG, { send });
    await failure(bearerOf(auth));
    expect(await bearerOf(auth)).toBe('Bearer tok-after');
    expect(send).toHaveBeenCalledTimes(2);
  });
});
