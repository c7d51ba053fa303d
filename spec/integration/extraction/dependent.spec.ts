/**
 * Dependent resources against the simulator. The simulator serves only the list endpoints (no
 * `/v1/incidents/{id}`, no per-service filter), so the child uses the one filter it honours:
 * for each parent incident, the incidents updated at or after it
 * (`updated_since={resources.incidents.updated_at}`), paged, with `include_from_parent`.
 * A wrong placeholder value would change which records come back, so the filter proves the
 * substitution reached the wire.
 */
import { startSimulator, type Incident, type SimulatorHandle } from '../../../lib/simulator';
import { configDir, previewLines, runCli, simulatorSource } from './cli';

const API_KEY = 'dependent-key-3c5d';

let sim: SimulatorHandle;
let configs: Awaited<ReturnType<typeof configDir>>;
let file: string;
let all: Incident[];

beforeAll(async () => {
  sim = await startSimulator({ port: 0, incidents: 60, services: 3, apiKey: API_KEY });
  configs = await configDir();
  const config = simulatorSource(sim.url, {}, [
    {
      // The 5 most recently updated incidents, one page.
      name: 'incidents',
      endpoint: { path: '/v1/incidents', data_selector: 'data', params: { sort: 'updated_at', offset: 55, limit: 5 }, paginator: { type: 'single_page' } },
    },
    {
      name: 'later_incidents',
      primary_key: ['id', '_incidents_id'],
      include_from_parent: ['id', 'updated_at'],
      endpoint: {
        path: '/v1/incidents',
        data_selector: 'data',
        params: { updated_since: '{resources.incidents.updated_at}', sort: 'updated_at' },
        // Pages of 2, so a child chain spans several pages.
        paginator: { type: 'offset', limit: 2 },
      },
    },
  ]);
  file = await configs.write('dependent.json', config);
  all = (await sim.control.snapshot('incidents')).records as Incident[];
});
afterAll(async () => {
  await sim.close();
  await configs.cleanup();
});
beforeEach(() => sim.control.reset());

/**
 * Child lines grouped by parent, each parent's in the order printed: chains for different
 * parents run concurrently (client.child_concurrency), so only each chain's own order is fixed.
 */
function byParent(lines: { value: Record<string, unknown> }[]): Record<string, unknown[]> {
  const groups: Record<string, unknown[]> = {};
  for (const line of lines) (groups[String(line.value._incidents_id)] ??= []).push(line);
  return groups;
}

/** What the child should print for each parent, in parent order: the records updated since it. */
function expectedChildren(): { resource: string; key: unknown; value: Record<string, unknown> }[] {
  const byUpdate = [...all].sort((a, b) => a.updated_at.localeCompare(b.updated_at) || a.id.localeCompare(b.id));
  const parents = byUpdate.slice(55, 60);
  return parents.flatMap((parent) =>
    byUpdate
      .filter((r) => Date.parse(r.updated_at) >= Date.parse(parent.updated_at))
      .map((r) => {
        const value = { ...r, _incidents_id: parent.id, _incidents_updated_at: parent.updated_at };
        return { resource: 'later_incidents', key: [r.id, parent.id], value };
      }),
  );
}

it('prints the parent records and, per parent, the child records with the parent fields included', async () => {
  const { code, stdout, stderr } = await runCli(['preview', '--config', file], { API_KEY });
  expect(stderr).toBe('');
  expect(code).toBe(0);
  const lines = previewLines(stdout);
  const parents = lines.filter((l) => l.resource === 'incidents');
  const children = lines.filter((l) => l.resource === 'later_incidents');
  const byUpdate = [...all].sort((a, b) => a.updated_at.localeCompare(b.updated_at) || a.id.localeCompare(b.id));
  expect(parents.map((l) => l.value)).toEqual(byUpdate.slice(55, 60));
  // 5 + 4 + 3 + 2 + 1 records.
  expect(byParent(children)).toEqual(byParent(expectedChildren()));
  expect(children).toHaveLength(15);
  // One parent page, then per parent ⌈n/2⌉ pages for n = 5, 4, 3, 2, 1: 3 + 2 + 2 + 1 + 1.
  expect((await sim.control.stats()).dataRequests).toBe(1 + 9);
});

it('--resource of the child alone still fetches the parent to drive it, but prints only the child', async () => {
  const { code, stdout } = await runCli(['preview', '--config', file, '--resource', 'later_incidents'], { API_KEY });
  expect(code).toBe(0);
  const lines = previewLines(stdout);
  expect(lines.every((l) => l.resource === 'later_incidents')).toBe(true);
  expect(byParent(lines)).toEqual(byParent(expectedChildren()));
  expect(lines).toHaveLength(15);
});

it('a child page failing past the retry budget ends the run naming the child resource and its parent', async () => {
  // Request #1 is the parent page; every later one fails.
  await sim.control.setFaults({ rules: [{ action: { kind: 'status', status: 503 }, burst: { from: 2, count: 100 } }] });
  const { code, stderr } = await runCli(['preview', '--config', file], { API_KEY });
  expect(code).toBe(3);
  expect(stderr).toMatch(/error \[RETRIES_EXHAUSTED\]: resource "later_incidents" \(child of "incidents"\) page 0: gave up after 4 attempts/);
  expect(stderr).toMatch(/updated_since=\d{4}-\d{2}-\d{2}T\d{2}%3A\d{2}%3A\d{2}Z/);
});
