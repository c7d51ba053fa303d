/**
 * `rest2kafka preview` and `check` against the real simulator over real HTTP: the records are
 * exactly the simulator's, in page order; auth, missing secrets, bad configs and data selectors
 * end with the documented exit codes and messages that say where and why.
 */
import path from 'node:path';
import { startSimulator, type SimulatorHandle } from '../../../lib/simulator';
import { configDir, previewLines, runCli, simulatorSource } from './cli';

const EXAMPLE = path.resolve(__dirname, '../../../examples/pipeline.yaml');
const API_KEY = 'preview-key-7d1e';

let sim: SimulatorHandle;
let configs: Awaited<ReturnType<typeof configDir>>;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, incidents: 250, services: 7, apiKey: API_KEY });
  configs = await configDir();
  env = { BASE_URL: sim.url, API_KEY };
});
afterAll(async () => {
  await sim.close();
  await configs.cleanup();
});
beforeEach(() => sim.control.reset());

/** What preview should print for a resource: the snapshot (id order = page order), keyed by id. */
async function expected(resource: 'incidents' | 'services') {
  const { records } = await sim.control.snapshot(resource);
  return records.map((value) => ({ resource, key: value.id, value }));
}

describe('preview of examples/pipeline.yaml', () => {
  it('prints exactly the simulator records of both resources, in page order, as JSONL; logs only on stderr', async () => {
    const { code, stdout, stderr } = await runCli(['preview', '--config', EXAMPLE], env);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = previewLines(stdout);
    // Resources run concurrently, so only the order within each resource is defined.
    expect(lines.filter((l) => l.resource === 'incidents')).toEqual(await expected('incidents'));
    expect(lines.filter((l) => l.resource === 'services')).toEqual(await expected('services'));
    expect(lines).toHaveLength(257);
    expect(stdout.endsWith('\n')).toBe(true);
    // 3 incident pages (offset 0, 100, 200 of 250) and 1 service page; no extra request past the end.
    expect((await sim.control.stats()).dataRequests).toBe(4);
  });

  it('--resource incidents prints only incidents', async () => {
    const { code, stdout } = await runCli(['preview', '--config', EXAMPLE, '--resource', 'incidents'], env);
    expect(code).toBe(0);
    expect(previewLines(stdout)).toEqual(await expected('incidents'));
    expect((await sim.control.stats()).byPath['/v1/services']).toBeUndefined();
  });

  it('--max-pages 2 prints exactly the first 200 incidents', async () => {
    const { code, stdout } = await runCli(['preview', '--config', EXAMPLE, '--resource', 'incidents', '--max-pages', '2'], env);
    expect(code).toBe(0);
    expect(previewLines(stdout)).toEqual((await expected('incidents')).slice(0, 200));
  });

  it('--resource with an unknown name → exit 2 listing the defined resources', async () => {
    const { code, stdout, stderr } = await runCli(['preview', '--config', EXAMPLE, '--resource', 'incident'], env);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('--resource incident: no such resource; the config defines: incidents, services');
  });
});

describe('auth and secrets', () => {
  it('a wrong API key → exit 4, a clear message, the key in no output', async () => {
    const wrong = 'wrong-key-c0ffee';
    // One resource, so no request of the other is still in flight when the run ends.
    const { code, stdout, stderr } = await runCli(['preview', '--config', EXAMPLE, '--resource', 'incidents'], { ...env, API_KEY: wrong });
    expect(code).toBe(4);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^error \[AUTH_FAILED\]: 401 Unauthorized for url: http:\/\/127\.0\.0\.1:\d+\/v1\/incidents\?offset=0&limit=100&api_key=\*\*\*: /);
    expect(stderr).toContain('the API rejected the credentials (the auth in use is api_key (api_key in query parameter api_key))');
    expect(stderr).not.toContain(wrong);
    // 401 is not retried.
    expect((await sim.control.stats()).byPath).toEqual({ '/v1/incidents': { 401: 1 } });
  });

  it('no API_KEY in the environment → exit 2 naming every place tried, before any request', async () => {
    const { code, stdout, stderr } = await runCli(['preview', '--config', EXAMPLE], { BASE_URL: sim.url });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('error [SECRET_MISSING]');
    expect(stderr).toContain('source.client.auth.api_key: secret "api_key" not found; tried env API_KEY; env SOURCES__REST_API__API_KEY');
    expect(stderr).toContain(path.join(path.dirname(EXAMPLE), '.dlt', 'secrets.toml'));
    expect((await sim.control.stats()).requests).toBe(0);
  });
});

/** The parts of {@link simulatorSource}'s config the bad-config cases break. */
interface Editable {
  resources: { endpoint: Record<string, unknown> & { paginator: Record<string, unknown> } }[];
}

describe('a bad config → exit 2 with the path, before any request', () => {
  const base = () => simulatorSource(sim.url) as unknown as Editable;

  it.each<[string, (config: Editable) => void, string | RegExp]>([
    [
      'an offset paginator without a limit',
      (c) => delete c.resources[0].endpoint.paginator.limit,
      'resources[0].endpoint.paginator.limit',
    ],
    [
      'an unknown key, with a did-you-mean',
      (c) => {
        c.resources[1].endpoint.data_selecter = 'data';
      },
      /resources\[1\]\.endpoint\.data_selecter.*did you mean "data_selector"/,
    ],
    [
      'a paginator type that does not exist, listing the known ones',
      (c) => {
        c.resources[0].endpoint.paginator.type = 'ofset';
      },
      /resources\[0\]\.endpoint\.paginator\.type: "ofset" is not a paginator type; known: offset, page_number, .*; did you mean "offset"\?/,
    ],
    [
      'a limit of the wrong type',
      (c) => {
        c.resources[0].endpoint.paginator.limit = '100';
      },
      'resources[0].endpoint.paginator.limit: expected an integer, got "100"',
    ],
  ])('%s', async (name, breakIt, message) => {
    const config = base();
    breakIt(config);
    const file = await configs.write(`${name.replace(/\W+/g, '-')}.json`, config);
    const { code, stdout, stderr } = await runCli(['preview', '--config', file], env);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^error \[CONFIG_INVALID\]/);
    if (typeof message === 'string') expect(stderr).toContain(message);
    else expect(stderr).toMatch(message);
    expect(code).toBe(2);
    expect((await sim.control.stats()).requests).toBe(0);
  });
});

// The API half of check; its Kafka half is spec/integration/commands/check.spec.ts.
describe('check --skip-kafka', () => {
  it('prints status, record count and fields of the first page per resource; exit 0', async () => {
    const { code, stdout, stderr } = await runCli(['check', '--config', EXAMPLE, '--skip-kafka'], env);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe(`config ok: ${EXAMPLE} (2 resources)`);
    expect(lines).toContain(
      'incidents: HTTP 200, 100 records on the first page, fields: id, title, status, urgency, priority, service_id, created_at, updated_at, resolved_at, assignees, description',
    );
    expect(lines).toContain('services: HTTP 200, 7 records on the first page, fields: id, name, status, description, team, created_at, updated_at');
    expect(lines[lines.length - 1]).toBe('kafka: not checked (--skip-kafka)');
    // Only the first page of each resource.
    expect((await sim.control.stats()).dataRequests).toBe(2);
  });

  it('a wrong API key → exit 4', async () => {
    const { code, stdout, stderr } = await runCli(['check', '--config', EXAMPLE, '--skip-kafka'], { ...env, API_KEY: 'not-the-key' });
    expect(code).toBe(4);
    // "config ok" only once the API has answered the first pages.
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^error \[AUTH_FAILED\]: 401 Unauthorized for url: \S+api_key=\*\*\*: /);
    expect(stderr).not.toContain('not-the-key');
  });
});

describe('data selector', () => {
  it('a selector that matches nothing → exit 3 naming the resource, the page and the selector', async () => {
    const config = simulatorSource(sim.url, {}, [
      { name: 'incidents', endpoint: { path: '/v1/incidents', data_selector: 'items', paginator: { type: 'offset', limit: 100 } } },
    ]);
    const { code, stdout, stderr } = await runCli(['preview', '--config', await configs.write('selector-items.json', config)], env);
    expect(code).toBe(3);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^error \[RESPONSE_INVALID\]: resource "incidents" page 0 \(http:\/\/127\.0\.0\.1:\d+\/v1\/incidents\?offset=0&limit=100&api_key=\*\*\*\): /);
    expect(stderr).toContain('data_selector "items" matched nothing in the response (top-level keys: data, total, offset, limit). Fix endpoint.data_selector');
  });

  it('without a selector, auto-detection yields the same records as data_selector: data', async () => {
    const config = simulatorSource(sim.url, {}, [{ name: 'incidents', endpoint: { path: '/v1/incidents', paginator: { type: 'offset', limit: 100 } } }]);
    const { code, stdout } = await runCli(['preview', '--config', await configs.write('selector-auto.json', config)], env);
    expect(code).toBe(0);
    expect(previewLines(stdout)).toEqual(await expected('incidents'));
  });

  it('without a selector or a paginator: as in dlt, an offset envelope is not detected → one page', async () => {
    const config = simulatorSource(sim.url, {}, [{ name: 'incidents', endpoint: { path: '/v1/incidents' } }]);
    const { code, stdout } = await runCli(['preview', '--config', await configs.write('all-auto.json', config)], env);
    expect(code).toBe(0);
    // The simulator's default limit is 100; dlt's detection never picks offset (single_page).
    expect(previewLines(stdout)).toEqual((await expected('incidents')).slice(0, 100));
    expect((await sim.control.stats()).dataRequests).toBe(1);
  });
});
