/**
 * OAuth2 client credentials against a real local token endpoint and API, through the real HTTP
 * client: the token is renewed from `expires_in` before it expires, so no request carries a
 * stale one (dlt's behaviour; before, a token was reused until the API answered 401).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOAuth2ClientCredentialsAuth } from '../../../lib/auth/oauth2-client-credentials';
import { createHttpClient, type HttpClient } from '../../../lib/http/client';
import { clearSecrets } from '../../../lib/secrets/registry';

// lib/version.ts resolves package.json relative to the compiled file, which ts-jest does not use.
jest.mock('../../../lib/version', () => ({ version: '9.9.9-test' }));

interface LocalServer {
  base: string;
  /** The form fields of each token request, in order. */
  tokenRequests: URLSearchParams[];
  /** The Authorization header of each API request, in order. */
  apiAuthorizations: (string | undefined)[];
  close(): Promise<void>;
}

/** Issues tok-1, tok-2, … with the given `expires_in`; the API echoes nothing but records who called. */
async function startServer(expiresIn: number): Promise<LocalServer> {
  const tokenRequests: URLSearchParams[] = [];
  const apiAuthorizations: (string | undefined)[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/oauth/token' && req.method === 'POST') {
        tokenRequests.push(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
        res.end(JSON.stringify({ access_token: `tok-${tokenRequests.length}`, token_type: 'Bearer', expires_in: expiresIn }));
        return;
      }
      apiAuthorizations.push(req.headers.authorization);
      res.end(JSON.stringify({ data: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tokenRequests,
    apiAuthorizations,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let server: LocalServer;
let client: HttpClient;

afterEach(async () => {
  client.close();
  await server.close();
  clearSecrets();
});

/** Builds the auth against the server with a clock the test moves; `get()` signs and sends one API request. */
async function setUp(expiresIn: number): Promise<{ get: () => Promise<number>; advance: (ms: number) => void }> {
  server = await startServer(expiresIn);
  client = createHttpClient({ timeoutMs: 5000 });
  let t = 1_000_000;
  const auth = createOAuth2ClientCredentialsAuth(
    { type: 'oauth2_client_credentials', access_token_url: `${server.base}/oauth/token`, client_id: 'id-1', client_secret: 'secret-1' },
    { send: client.send, now: () => t },
  );
  return {
    get: async () => (await client.send(await auth.apply({ method: 'GET', url: `${server.base}/v1/things`, params: {}, headers: {} }))).status,
    advance: (ms) => (t += ms),
  };
}

it('renews the token from expires_in shortly before it expires, before the request that would carry it', async () => {
  const { get, advance } = await setUp(120);
  expect(await get()).toBe(200);
  advance(107_999); // refreshed a tenth of the lifetime early: at 108 s
  expect(await get()).toBe(200);
  advance(1);
  expect(await get()).toBe(200);
  expect(server.apiAuthorizations).toEqual(['Bearer tok-1', 'Bearer tok-1', 'Bearer tok-2']);
  expect(server.tokenRequests.map((form) => [form.get('grant_type'), form.get('client_id'), form.get('client_secret')])).toEqual([
    ['client_credentials', 'id-1', 'secret-1'],
    ['client_credentials', 'id-1', 'secret-1'],
  ]);
});

it('expires_in 0: every request gets a token fetched for it', async () => {
  const { get } = await setUp(0);
  for (let i = 0; i < 3; i++) expect(await get()).toBe(200);
  expect(server.apiAuthorizations).toEqual(['Bearer tok-1', 'Bearer tok-2', 'Bearer tok-3']);
  expect(server.tokenRequests).toHaveLength(3);
});
