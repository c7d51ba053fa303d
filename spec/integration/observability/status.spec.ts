/**
 * `rest2kafka status` against a live fleet: real `run --interval` processes on the real broker,
 * a real SIGKILL. Whatever the fleet does, status must name the instance (host:pid) that runs
 * each resource, say what its state topic holds, and say "no instance running" once they are
 * gone. The session timeout is the broker's minimum (6 s) so a takeover is quick.
 */
import os from 'node:os';
import type { PipelineStatus } from '../../../lib/fleet/status';
import { startSimulator, type SimulatorHandle } from '../../../lib/simulator';
import { incidentId } from '../../../lib/simulator/naming';
import { freePorts } from '../../../scripts/kafka/ports';
import { testBrokers } from '../../support/kafka';
import { until } from '../../../bench/poll';
import { incidentsResource, incrementalIncidentsResource, runCli, writePipeline, type TestPipeline } from '../../support/pipeline';
import { SENTINEL, spawnRun, type Child } from '../faults/harness';

const FAST_GROUP = { session_timeout_ms: 6000, heartbeat_interval_ms: 1000 };

const children: Child[] = [];
const cleanups: (() => Promise<unknown>)[] = [];

afterAll(async () => {
  for (const child of children) if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function simulator(options: Parameters<typeof startSimulator>[0]): Promise<SimulatorHandle> {
  const sim = await startSimulator({ port: 0, services: 3, apiKey: SENTINEL, ...options });
  cleanups.push(() => sim.close());
  return sim;
}

async function pipeline(label: string, spec: Parameters<typeof writePipeline>[1]): Promise<TestPipeline> {
  const p = await writePipeline(label, spec);
  cleanups.push(() => p.remove());
  return p;
}

function instance(p: TestPipeline, interval: string, metricsPort?: number): Child {
  const ops = metricsPort === undefined ? [] : ['--metrics-port', String(metricsPort)];
  const child = spawnRun(['run', '--config', p.file, '--interval', interval, '--log-format', 'json', ...ops], { KAFKA_BROKERS: testBrokers().join(',') });
  children.push(child);
  return child;
}

/** How status names an instance: the host and pid of its process. */
function nameOf(child: Child): string {
  return `${os.hostname()}:${child.process.pid}`;
}

async function statusText(p: TestPipeline): Promise<string> {
  const { code, stdout, stderr } = await runCli(['status', '--config', p.file]);
  if (code !== 0) throw new Error(`status exited ${code}: ${stderr}`);
  return stdout;
}

async function status(p: TestPipeline): Promise<PipelineStatus> {
  const { code, stdout, stderr } = await runCli(['status', '--config', p.file, '--json']);
  if (code !== 0) throw new Error(`status --json exited ${code}: ${stderr}`);
  return JSON.parse(stdout) as PipelineStatus;
}

describe('standby', () => {
  const TOTAL = 6000;
  const LIMIT = 50;

  it('names the active instance and the standby, the run in progress as page N of M, the new owner after a SIGKILL, the completed run\'s records and dead letters, and no instance once the last one stopped', async () => {
    // ~120 pages at 120–180 ms, two at a time (with a total, so the run knows it has 120): a run is
    // in progress long enough to be seen.
    const sim = await simulator({ incidents: TOTAL, faults: { latency: { minMs: 120, maxMs: 180 } } });
    // Two records the schema refuses (priority is 1–4): the run dead-letters them.
    await sim.control.update('incidents', [incidentId(7), incidentId(4100)], { priority: 5 });
    const p = await pipeline('status-standby', { simulator: { url: sim.url, apiKey: SENTINEL }, resources: [incidentsResource({}, LIMIT)], client: { page_concurrency: 2 }, coordination: FAST_GROUP });

    expect(await statusText(p)).toMatch(/^incidents\s+no instance running\s+never\s+-\s+-\s+idle$/m);

    const a = instance(p, '10m');
    const running = await until('A runs the pipeline with pages committed', () => status(p), (s) => s.resources[0].owner === nameOf(a) && (s.resources[0].run?.pages ?? 0) >= 3);
    expect(running.resources[0]).toMatchObject({ resource: 'incidents', unit: p.name, last_sync: null, last_run: null, run: { expected_pages: TOTAL / LIMIT } });
    expect(await statusText(p)).toMatch(new RegExp(`^incidents\\s+${nameOf(a)}\\s+never\\s+-\\s+-\\s+running: page \\d+ of ${TOTAL / LIMIT}, \\d+ records, \\d+ dead letters?$`, 'm'));
    const b = instance(p, '10m');
    // While B joins, the group rebalances (and a member may hold no assignment yet): wait for it to settle.
    const both = await until('B joined as a standby', () => status(p), (s) => s.coordination.group_state === 'Stable' && s.coordination.instances.length === 2);
    expect(both.coordination.mode).toBe('standby');
    expect(both.coordination.instances).toEqual(expect.arrayContaining([{ instance: nameOf(a), units: [p.name] }, { instance: nameOf(b), units: [] }]));

    a.process.kill('SIGKILL');
    expect(await a.exited).toBe('SIGKILL');
    await until('B owns the pipeline', () => status(p), (s) => s.resources[0].owner === nameOf(b) && s.coordination.group_state === 'Stable' && s.coordination.instances.length === 1);
    const done = await until('B completed the run', () => status(p), (s) => s.resources[0].last_run !== null);
    expect(done.resources[0]).toMatchObject({ owner: nameOf(b), run: null, cursor: null, last_run: { pages: TOTAL / LIMIT, records: TOTAL - 2, dead_lettered: 2, full_refresh: false } });
    expect(done.resources[0].last_sync).toBe(done.resources[0].last_run!.finished_at);
    expect(await statusText(p)).toMatch(new RegExp(`^incidents\\s+${nameOf(b)}\\s+\\S+ \\(\\d+[smhd] ago\\)\\s+-\\s+${TOTAL - 2} records, 2 dead letters\\s+idle$`, 'm'));

    b.process.kill('SIGTERM');
    expect(await b.exited).toBe(0);
    // B left the group on SIGTERM: no waiting for its session to time out.
    const gone = await status(p);
    expect(gone.coordination.instances).toEqual([]);
    expect(gone.resources[0].owner).toBeNull();
    expect(await statusText(p)).toMatch(/^incidents\s+no instance running\s+\S+ \(\d+[smhd] ago\)/m);
  }, 150_000);
});

describe('distributed', () => {
  const NAMES = ['r1', 'r2', 'r3'];

  it('names for each resource the instance that runs it, as that instance\'s own /readyz says, with its committed cursor', async () => {
    const sim = await simulator({ incidents: 200, faults: { latency: { minMs: 10, maxMs: 20 } } });
    const resources = NAMES.map((name) => ({ ...incrementalIncidentsResource(50), name }));
    const p = await pipeline('status-spread', { simulator: { url: sim.url, apiKey: SENTINEL }, resources, client: { page_concurrency: 1 }, coordination: { mode: 'distributed', ...FAST_GROUP } });
    const ports = await freePorts(2);
    const fleet = ports.map((port) => instance(p, '2s', port));

    const settled = await until('every resource synced once, both instances running some', () => status(p), (s) =>
      s.resources.every((r) => r.owner !== null && r.last_sync !== null) && s.coordination.instances.length === 2 && s.coordination.instances.every((i) => i.units.length > 0));
    const readyz = await Promise.all(ports.map(async (port) => (await (await fetch(`http://127.0.0.1:${port}/readyz`)).text()).trim()));
    for (const [i, child] of fleet.entries()) {
      const mine = settled.resources.filter((r) => r.owner === nameOf(child)).map((r) => r.resource);
      expect(readyz[i]).toBe(`ready: active (${mine.join(', ')})`);
    }
    for (const r of settled.resources) {
      expect(r.unit).toBe(r.resource);
      expect(Date.parse(r.cursor as string)).not.toBeNaN();
      expect(r.last_run).toMatchObject({ dead_lettered: 0 });
    }

    for (const child of fleet) child.process.kill('SIGTERM');
    for (const child of fleet) expect(await child.exited).toBe(0);
    const gone = await status(p);
    expect(gone.resources.map((r) => r.owner)).toEqual([null, null, null]);
    for (const name of NAMES) expect(await statusText(p)).toMatch(new RegExp(`^${name}\\s+no instance running\\s`, 'm'));
  }, 120_000);
});
