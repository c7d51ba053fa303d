/**
 * Issue 14: instances of one pipeline as a fleet, on the real broker with real processes and
 * real kills. Standby: the active instance is SIGKILLed mid-run and the standby takes over,
 * resuming from the last committed page. Distributed: three instances share six resources, each
 * runs on exactly one instance; one is killed and its resources move. In both, a read_committed
 * reader finds every record exactly once. The session timeout is the broker's minimum (6 s)
 * so the suite stays short; the default (30 s) is measured by `npm run bench`'s notes.
 */
import type { Admin } from 'kafkajs';
import { startSimulator, type SimulatorHandle } from '../../../lib/simulator';
import { freePorts } from '../../../scripts/kafka/ports';
import { createTestKafka, testBrokers } from '../../support/kafka';
import { assertOracle, checkOracle, type OracleInput } from '../../support/oracle';
import { until } from '../../../bench/poll';
import { incidentsResource, incrementalIncidentsResource, writePipeline, type TestPipeline } from '../../support/pipeline';
import { committedAtLeast, secretHits, SENTINEL, spawnRun, type Child } from './harness';

const FAST_GROUP = { session_timeout_ms: 6000, heartbeat_interval_ms: 1000 };

let admin: Admin;
const children: Child[] = [];
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  admin = createTestKafka().admin();
  await admin.connect();
});

afterAll(async () => {
  for (const child of children) if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
  await admin?.disconnect();
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function simulator(options: Parameters<typeof startSimulator>[0]): Promise<SimulatorHandle> {
  const sim = await startSimulator({ port: 0, services: 3, apiKey: SENTINEL, ...options });
  cleanups.push(() => sim.close());
  return sim;
}

/** `run --interval` with its ops endpoint on `port`. */
function instance(p: TestPipeline, port: number, interval: string): Child {
  const child = spawnRun(['run', '--config', p.file, '--interval', interval, '--metrics-port', String(port), '--log-format', 'json'], { KAFKA_BROKERS: testBrokers().join(',') });
  children.push(child);
  return child;
}

async function get(port: number, path: string): Promise<string> {
  try {
    return await (await fetch(`http://127.0.0.1:${port}${path}`)).text();
  } catch {
    return 'unreachable';
  }
}

/** The units `/readyz` says the instance runs, `[]` for a standby, null when it is not ready. */
async function ownedUnits(port: number): Promise<string[] | null> {
  const text = (await get(port, '/readyz')).trim();
  if (text === 'ready: standby') return [];
  const active = /^ready: active \((.*)\)$/.exec(text);
  return active ? active[1].split(', ') : null;
}

describe('standby', () => {
  const TOTAL = 3000;
  const LIMIT = 50;

  it('the standby takes over from a SIGKILLed active instance, resumes its run from the last committed page, and every record is published once', async () => {
    // ~60 pages at 120–180 ms: the active instance is still paging when it is killed.
    const sim = await simulator({ incidents: TOTAL, faults: { latency: { minMs: 120, maxMs: 180 } } });
    const p = await writePipeline('fleet-standby', { simulator: { url: sim.url, apiKey: SENTINEL }, resources: [incidentsResource({}, LIMIT)], client: { page_concurrency: 1 }, coordination: FAST_GROUP });
    cleanups.push(() => p.remove());
    const [portA, portB] = await freePorts(2);

    const a = instance(p, portA, '10m');
    await until('A active', () => ownedUnits(portA), (u) => u?.length === 1);
    const b = instance(p, portB, '10m');
    expect(await until('B standby', () => ownedUnits(portB), (u) => u !== null)).toEqual([]);
    expect(await get(portB, '/metrics')).toMatch(/^rest2kafka_fleet_standby 1$/m);

    await committedAtLeast(admin, p.topic('incidents'), 3 * (LIMIT + 1));
    a.process.kill('SIGKILL');
    expect(await a.exited).toBe('SIGKILL');
    expect(await until('B takes over', () => ownedUnits(portB), (u) => u?.length === 1)).toEqual([p.name]);
    await until('B finishes the run', async () => b.stderr(), (text) => /"msg":"run finished"/.test(text));
    expect(await get(portB, '/metrics')).toMatch(/^rest2kafka_fleet_standby 0$/m);
    // B carried on from A's last committed page instead of starting over.
    expect(b.stderr()).toMatch(/"msg":"resuming interrupted run"/);

    b.process.kill('SIGTERM');
    expect(await b.exited).toBe(0);
    const result = await assertOracle({ control: sim.control, resources: [{ resource: 'incidents', topic: p.topic('incidents') }], stateTopic: p.stateTopic, pipeline: p.name }, { noDuplicates: true });
    expect(result.records.get(p.topic('incidents'))).toHaveLength(TOTAL);
    expect(secretHits(a.stdout(), a.stderr(), b.stdout(), b.stderr())).toBe(0);
  }, 150_000);
});

describe('distributed', () => {
  const NAMES = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'];

  it('six resources over three instances: each runs on exactly one; a killed instance\'s resources move, and every record is published once', async () => {
    // 20 pages of 20 at 100–150 ms: a run takes ~2.5 s, so the kill lands while the victim pages.
    // No data changes meanwhile: offset paging over records that move (sort=updated_at) skips
    // some, a property of the API shape that no consumer of it can repair.
    const sim = await simulator({ incidents: 400, faults: { latency: { minMs: 100, maxMs: 150 } } });
    const resources = NAMES.map((name) => ({ ...incrementalIncidentsResource(20), name }));
    const p = await writePipeline('fleet-spread', { simulator: { url: sim.url, apiKey: SENTINEL }, resources, client: { page_concurrency: 1 }, coordination: { mode: 'distributed', ...FAST_GROUP } });
    cleanups.push(() => p.remove());
    const ports = await freePorts(3);
    const fleet = ports.map((port) => instance(p, port, '1m'));

    const owners = async () => Promise.all(ports.map(ownedUnits));
    const spread = (expectedInstances: number) => (owned: (string[] | null)[]) => {
      const live = owned.filter((u): u is string[] => u !== null && u.length > 0);
      const all = live.flat();
      return live.length === expectedInstances && all.length === NAMES.length && new Set(all).size === NAMES.length;
    };
    const before = await until('six units over three instances', owners, spread(3));
    expect(before.map((u) => u!.length)).toEqual([2, 2, 2]);

    const victim = before.findIndex((u) => u!.includes('r1'));
    await committedAtLeast(admin, p.topic('r1'), 2 * 21);
    const killedAt = Date.now();
    fleet[victim].process.kill('SIGKILL');
    expect(await fleet[victim].exited).toBe('SIGKILL');

    const survivors = ports.filter((_, i) => i !== victim);
    await until('the victim\'s units moved', () => Promise.all(survivors.map(ownedUnits)), spread(2));
    const oracle: OracleInput = { control: sim.control, resources: NAMES.map((name) => ({ resource: 'incidents' as const, topic: p.topic(name) })), stateTopic: p.stateTopic, pipeline: p.name };
    await until('every resource caught up', () => checkOracle(oracle), (r) => r.lost.length === 0 && r.stale.length === 0, 90_000);

    for (const [i, child] of fleet.entries()) if (i !== victim) child.process.kill('SIGTERM');
    for (const [i, child] of fleet.entries()) if (i !== victim) expect(await child.exited).toBe(0);
    const result = await assertOracle(oracle, { noDuplicates: true });
    expect(result.expected).toBe(400 * NAMES.length);
    // The survivors said which units they took over: exactly the victim's.
    const takenOver = fleet
      .filter((_, i) => i !== victim)
      .flatMap((c) => c.stderr().split('\n'))
      .filter((line) => line.includes('"msg":"this instance now runs"') && Date.parse((JSON.parse(line) as { time: string }).time) > killedAt)
      .flatMap((line) => (JSON.parse(line) as { units: string[] }).units);
    expect(takenOver.sort()).toEqual([...before[victim]!].sort());
  }, 180_000);
});
