/**
 * `examples/incident-children.yaml` against the simulator, through `rest2kafka preview` (no
 * Kafka): the dependent resource reads every incident's log entries, the cursor resource every
 * alert, and both stop where the API says the data ends.
 */
import path from 'node:path';
import { startSimulator, type SimulatorHandle } from '../../../lib/simulator';
import { logEntryCount } from '../../../lib/simulator/log-entries';
import { previewLines, runCli } from '../extraction/cli';

const EXAMPLE = path.resolve(__dirname, '../../../examples/incident-children.yaml');
const SEED = 3;

let sim: SimulatorHandle;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, incidents: 40, services: 5, seed: SEED });
});
afterAll(() => sim.close());

it('previews every incident, every log entry of each and every alert, with one request per page', async () => {
  const { code, stdout, stderr } = await runCli(['preview', '--config', EXAMPLE], { BASE_URL: sim.url, API_KEY: sim.apiKey });
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  const lines = previewLines(stdout);
  const keys = (resource: string) => lines.filter((l) => l.resource === resource).map((l) => l.key as string);
  const counts = Array.from({ length: 40 }, (_, i) => logEntryCount(SEED, i));
  const entryIds = counts.flatMap((n, i) => Array.from({ length: n }, (_, k) => `LOG${String(i + 1).padStart(8, '0')}-${String(k + 1).padStart(4, '0')}`));

  expect(keys('incidents')).toHaveLength(40);
  expect([...keys('log_entries')].sort()).toEqual(entryIds);
  const alerts = keys('alerts');
  expect(alerts).toEqual([...new Set(alerts)].sort());
  expect(new Set(lines.filter((l) => l.resource === 'alerts').map((l) => l.value.incident_id)).size).toBe(40);

  const { byPath } = await sim.control.stats();
  expect(byPath['/v1/incidents/{id}/log_entries']).toEqual({ 200: counts.reduce((sum, n) => sum + Math.ceil(n / 100), 0) });
  expect(byPath['/v1/alerts']).toEqual({ 200: Math.ceil(alerts.length / 100) });
});
