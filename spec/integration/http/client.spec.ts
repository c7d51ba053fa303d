import http from 'node:http';
import type { AddressInfo } from 'node:net';
import util from 'node:util';
import { createHttpClient, type HttpClient } from '../../../lib/http/client';
import { AbortedError, ConfigError, NetworkError, isRetriable } from '../../../lib/errors';
import { clearSecrets, registerSecrets } from '../../../lib/secrets/registry';
import type { PageRequest } from '../../../lib/http/request';

// lib/version.ts resolves package.json relative to the compiled file, which ts-jest does not use.
jest.mock('../../../lib/version', () => ({ version: '9.9.9-test' }));

/** A local API stand-in: only a real socket shows node-fetch's own failures (hence an integration test). */
function startServer(): Promise<{ server: http.Server; base: string; hanging: http.ServerResponse[]; arrived: (path: string) => Promise<void> }> {
  const hanging: http.ServerResponse[] = [];
  const waiters = new Map<string, () => void>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    waiters.get(url.pathname)?.();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      switch (url.pathname) {
        case '/echo':
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }));
          return;
        case '/status':
          res.writeHead(Number(url.searchParams.get('code')), { 'X-Custom-Header': 'Yes', 'Retry-After': '7' });
          res.end(`status ${url.searchParams.get('code')}`);
          return;
        case '/redirect':
          res.writeHead(302, { location: '/echo?from=redirect' });
          res.end();
          return;
        case '/hang':
          hanging.push(res);
          return;
        case '/slow-body':
          res.writeHead(200, { 'content-length': '100' });
          res.write('{"data": [');
          hanging.push(res);
          return;
        case '/reset':
          req.socket.destroy();
          return;
        case '/truncated':
          res.writeHead(200, { 'content-length': '100' });
          res.write('{"data": [', () => res.socket?.destroy());
          return;
        case '/chunked-cut':
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write('{"data": [', () => res.socket?.destroy());
          return;
        default:
          res.writeHead(404);
          res.end();
      }
    });
  });
  const arrived = (path: string): Promise<void> => new Promise((resolve) => waiters.set(path, resolve));
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hanging, arrived })),
  );
}

/** A port nothing listens on: bind one, then close it. */
async function closedPort(): Promise<number> {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

function get(url: string, extra: Partial<PageRequest> = {}): PageRequest {
  return { method: 'GET', url, params: {}, headers: {}, ...extra };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the request to fail');
}

let env: Awaited<ReturnType<typeof startServer>>;
let client: HttpClient;
/** Only for the timeout cases, so a loaded machine cannot time out the others. */
let quick: HttpClient;
const clientFor = (path: string): HttpClient => (path === '/hang' || path === '/slow-body' ? quick : client);

beforeAll(async () => {
  env = await startServer();
  client = createHttpClient({ timeoutMs: 30_000 });
  quick = createHttpClient({ timeoutMs: 300 });
});

afterAll(async () => {
  client.close();
  quick.close();
  for (const res of env.hanging) res.destroy();
  env.server.closeAllConnections();
  await new Promise<void>((resolve) => env.server.close(() => resolve()));
});

afterEach(() => clearSecrets());

describe('createHttpClient: what is sent', () => {
  const echo = async (request: PageRequest): Promise<{ method: string; url: string; headers: Record<string, string>; body: string }> =>
    JSON.parse((await client.send(request)).bodyText) as { method: string; url: string; headers: Record<string, string>; body: string };

  it('sends the default user-agent and accept headers', async () => {
    const seen = await echo(get(`${env.base}/echo`));
    expect(seen.headers['user-agent']).toBe('rest2kafka/9.9.9-test');
    expect(seen.headers.accept).toBe('application/json');
  });

  it('lets request headers override the defaults whatever their case', async () => {
    const seen = await echo(get(`${env.base}/echo`, { headers: { Accept: 'text/csv', 'X-Trace': 'abc' } }));
    expect(seen.headers.accept).toBe('text/csv');
    expect(seen.headers['x-trace']).toBe('abc');
  });

  it('uses a configured user agent', async () => {
    const custom = createHttpClient({ timeoutMs: 1000, userAgent: 'my-agent/1' });
    try {
      const seen = JSON.parse((await custom.send(get(`${env.base}/echo`))).bodyText) as { headers: Record<string, string> };
      expect(seen.headers['user-agent']).toBe('my-agent/1');
    } finally {
      custom.close();
    }
  });

  it('appends params to the query the URL already has', async () => {
    const seen = await echo(get(`${env.base}/echo?page=2`, { params: { q: 'a b', skip: null, empty: '' } }));
    expect(seen.url).toBe('/echo?page=2&q=a+b&empty=');
  });

  it.each<[string, Partial<PageRequest>, string | undefined, string]>([
    ['json as application/json', { json: { limit: 100, filter: ['a'] } }, 'application/json', '{"limit":100,"filter":["a"]}'],
    ['data pairs as a form', { data: [['a', '1'], ['b', 'x y&z']] }, 'application/x-www-form-urlencoded', 'a=1&b=x+y%26z'],
    ['a data string raw, without a content type', { data: 'raw;text' }, undefined, 'raw;text'],
  ])('POST sends %s', async (_name, body, contentType, expected) => {
    const seen = await echo({ method: 'POST', url: `${env.base}/echo`, params: {}, headers: {}, ...body });
    expect(seen.method).toBe('POST');
    expect(seen.headers['content-type']).toBe(contentType);
    expect(seen.body).toBe(expected);
  });

  it('keeps a content type the request sets', async () => {
    const seen = await echo({ method: 'POST', url: `${env.base}/echo`, params: {}, headers: { 'Content-Type': 'application/vnd.api+json' }, json: {} });
    expect(seen.headers['content-type']).toBe('application/vnd.api+json');
  });

  it('refuses a GET with a body as a config error (fetch cannot send one)', async () => {
    const error = await failure(client.send(get(`${env.base}/echo`, { json: { a: 1 } })));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/cannot be sent with GET; set endpoint.method to POST/);
  });
});

describe('createHttpClient: responses', () => {
  it.each([200, 201, 204, 400, 401, 403, 404, 422, 429, 500, 502, 503, 504])('returns a %i response instead of throwing', async (code) => {
    const res = await client.send(get(`${env.base}/status?code=${code}`));
    expect(res.status).toBe(code);
    expect(res.headers['x-custom-header']).toBe('Yes');
    expect(res.headers['retry-after']).toBe('7');
    expect(res.bodyText).toBe(code === 204 ? '' : `status ${code}`);
  });

  it('follows redirects and reports the final URL', async () => {
    const res = await client.send(get(`${env.base}/redirect`));
    expect(res.status).toBe(200);
    expect(res.url).toBe(`${env.base}/echo?from=redirect`);
  });

  it('reports the URL redacted', async () => {
    registerSecrets('registered-secret-value');
    const res = await client.send(get(`${env.base}/echo`, { params: { api_key: 'plain-key', code: 'registered-secret-value' } }));
    expect(res.url).toBe(`${env.base}/echo?api_key=***&code=***`);
  });
});

describe('createHttpClient: failures', () => {
  it.each([
    ['the server never answers', '/hang', 'HTTP_TIMEOUT', /timed out after 300 ms\. Is the API reachable\? Check client\.base_url\./],
    ['the body never completes', '/slow-body', 'HTTP_TIMEOUT', /timed out after 300 ms while reading the body of its 200 response/],
    ['the connection is reset', '/reset', 'HTTP_NETWORK', /failed: the server reset or closed the connection \(ECONNRESET: socket hang up\)/],
    ['a Content-Length body is cut short', '/truncated', 'HTTP_NETWORK', /while reading the body of its 200 response: the response was cut off/],
    ['a chunked body is cut short', '/chunked-cut', 'HTTP_NETWORK', /while reading the body of its 200 response: the response was cut off/],
  ])('%s → retriable NetworkError', async (_name, path, code, message) => {
    const error = await failure(clientFor(path).send(get(`${env.base}${path}`)));
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).code).toBe(code);
    expect(isRetriable(error)).toBe(true);
    expect(error.message).toMatch(message);
    expect(error.message).toContain(`GET ${env.base}${path}`);
  });

  it('connection refused → retriable NetworkError naming the URL and the fix', async () => {
    const port = await closedPort();
    const error = await failure(client.send(get(`http://127.0.0.1:${port}/v1/incidents`)));
    expect(error).toBeInstanceOf(NetworkError);
    expect(isRetriable(error)).toBe(true);
    expect(error.message).toBe(
      `GET http://127.0.0.1:${port}/v1/incidents failed: connection refused (ECONNREFUSED). Is the API reachable? Check client.base_url.`,
    );
  });

  it('a relative URL → ConfigError, not retried', async () => {
    const error = await failure(client.send(get('api.example.com/v1/incidents')));
    expect(error).toBeInstanceOf(ConfigError);
    expect(isRetriable(error)).toBe(false);
    expect(error.message).toMatch(/client\.base_url must be an absolute http\(s\) URL/);
  });

  it('aborting the caller signal in flight → ABORTED, not retriable', async () => {
    const controller = new AbortController();
    const arrived = env.arrived('/hang');
    const pending = failure(client.send(get(`${env.base}/hang`), controller.signal));
    await arrived;
    controller.abort();
    const error = await pending;
    expect(error).toBeInstanceOf(AbortedError);
    expect((error as AbortedError).code).toBe('ABORTED');
    expect(isRetriable(error)).toBe(false);
  });

  it('an already aborted signal → ABORTED before anything is sent', async () => {
    const error = await failure(client.send(get(`${env.base}/echo`), AbortSignal.abort()));
    expect((error as AbortedError).code).toBe('ABORTED');
  });
});

describe('createHttpClient: the API key never escapes in an error', () => {
  const SENTINEL = 'SENTINEL-7f3a9c2e-d41b';
  const REGISTERED = 'SENTINEL-registered-5e8b';

  function expectNoSentinel(error: Error): void {
    const everything = [error.message, error.stack ?? '', util.inspect(error, { depth: Infinity }), JSON.stringify((error as NetworkError).context)];
    for (let e: unknown = error; e instanceof Error; e = (e as { cause?: unknown }).cause) {
      everything.push(e.message, e.stack ?? '', util.inspect(e, { depth: Infinity, showHidden: true }));
    }
    for (const text of everything) {
      expect(text).not.toContain('SENTINEL');
    }
  }

  it.each([
    ['in api_key, unregistered', `?api_key=${SENTINEL}`, {}],
    ['in a param, not as the URL but as params', '', { api_key: SENTINEL }],
    ['registered, under a name redaction does not know', `?code=${REGISTERED}`, {}],
  ])('connection refused, key %s', async (_name, query, params) => {
    registerSecrets(REGISTERED);
    const port = await closedPort();
    const error = await failure(client.send(get(`http://127.0.0.1:${port}/v1/incidents${query}`, { params })));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.message).toContain(`http://127.0.0.1:${port}/v1/incidents?`);
    expectNoSentinel(error);
  });

  it.each(['/reset', '/truncated', '/hang'])('failure at %s', async (path) => {
    const error = await failure(clientFor(path).send(get(`${env.base}${path}?api_key=${SENTINEL}&limit=100`)));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.message).toContain('api_key=***');
    expectNoSentinel(error);
  });

  it('a URL that fetch cannot parse', async () => {
    const error = await failure(client.send(get(`http://[bad-host/x?api_key=${SENTINEL}`)));
    expectNoSentinel(error);
  });
});
