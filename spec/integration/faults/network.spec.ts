/**
 * Broker network faults (issue 5 §2 "Broker": "paused (SIGSTOP) past request timeouts;
 * connections dropped or stalled through a small TCP proxy"). A dedicated broker advertises a
 * TCP proxy as its client listener, so every kafkajs connection — bootstrap, partition leader,
 * transaction coordinator — runs through the proxy, while the controller and inter-broker
 * listeners stay direct (the coordinator writes its transaction markers to itself over the
 * inter-broker listener; a client-side network fault should not reach that path).
 *
 * Each scenario faults a run in the middle; the run rides it out (exit 0) or ends with exit 5
 * and a clear message, within a bound — never a hang — and a rerun converges: nothing lost,
 * the state never ahead of the data, no duplicates for read_committed readers, the sentinel API
 * key in no output. The resource is incremental, so a run that completed before the fault
 * makes the rerun add nothing instead of a second full copy.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin } from 'kafkajs';
import { startBroker, type RunningBroker } from '../../../scripts/kafka/broker';
import { freePorts } from '../../../scripts/kafka/ports';
import { startSimulator, type SimulatorHandle } from '../../../lib/simulator';
import { createTestKafka } from '../../support/kafka';
import { assertOracle, checkOracle } from '../../support/oracle';
import { incrementalIncidentsResource, runCli, writePipeline, type TestPipeline } from '../../support/pipeline';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy';
import { committedAtLeast, SENTINEL, secretHits, spawnRun, type Child } from './harness';

const TOTAL = 2000;
const LIMIT = 50;
const REQUEST_TIMEOUT_MS = 3000;
/**
 * A stall or a pause lasts until the run exits, at most this. A Produce that gets no answer is
 * sent 9 times (the retries of lib/sink/kafka.ts): 9 × 3 s plus backoff, ~37 s measured, so a
 * run still going after this is hanging.
 */
const FAULT_MS = 90_000;
/** After the fault is lifted, a run still going must end within this (it otherwise hangs). */
const EXIT_BOUND_MS = 60_000;

let broker: RunningBroker;
let proxy: TcpProxy;
let workDir: string;
let sim: SimulatorHandle;
let paused = false;
const children: Child[] = [];
const pipelines: TestPipeline[] = [];
const outcomes: { scenario: string; exit: number | string; duringFault: boolean; exitAfterMs: number; proxyConnections: number }[] = [];

beforeAll(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'rest2kafka-faults-network-'));
  const [port, controllerPort, internalPort, proxyPort] = await freePorts(4);
  proxy = await startTcpProxy({ target: { port }, port: proxyPort });
  const controller = `CONTROLLER://127.0.0.1:${controllerPort}`;
  const internal = `INTERNAL://127.0.0.1:${internalPort}`;
  broker = await startBroker({
    workDir,
    port,
    controllerPort,
    heap: '256m',
    extraConfig: {
      listeners: `PLAINTEXT://127.0.0.1:${port},${internal},${controller}`,
      'advertised.listeners': `PLAINTEXT://${proxy.address},${internal},${controller}`,
      'inter.broker.listener.name': 'INTERNAL',
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT',
    },
  });
  sim = await startSimulator({ port: 0, incidents: TOTAL, services: 3, apiKey: SENTINEL, faults: { latency: { minMs: 40, maxMs: 60 } } });
}, 120_000);

afterAll(async () => {
  // A broker left stopped would ignore the SIGTERM of stop() and cost its 30 s grace.
  if (paused) process.kill(broker.pid, 'SIGCONT');
  proxy?.resume();
  for (const child of children) if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
  const rows = outcomes.map((o) => `  ${o.scenario.padEnd(30)} exit ${String(o.exit).padEnd(5)} ${(o.duringFault ? 'during the fault' : 'after it').padEnd(17)} ${String(o.exitAfterMs).padStart(6)} ms after it began; ${o.proxyConnections} proxy connections`);
  console.log(`network faults, the faulted run:\n${rows.join('\n')}`);
  await sim?.close();
  for (const p of pipelines) await p.remove();
  await broker?.stop();
  await proxy?.close();
  if (workDir) await rm(workDir, { recursive: true, force: true });
}, 90_000);

async function incrementalPipeline(label: string): Promise<TestPipeline> {
  const p = await writePipeline(label, {
    simulator: { url: sim.url, apiKey: SENTINEL },
    resources: [incrementalIncidentsResource(LIMIT)],
    client: { page_concurrency: 1 },
    kafka: { brokers: [proxy.address], client_id: 'rest2kafka-it', request_timeout_ms: REQUEST_TIMEOUT_MS, connection_timeout_ms: REQUEST_TIMEOUT_MS },
  });
  pipelines.push(p);
  return p;
}

const env = () => ({ KAFKA_BROKERS: proxy.address });
const oracleOf = (p: TestPipeline) => ({ control: sim.control, resources: [{ resource: 'incidents' as const, topic: p.topic('incidents') }], stateTopic: p.stateTopic, pipeline: p.name, brokers: [proxy.address] });

async function withAdmin<T>(use: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = createTestKafka('rest2kafka-faults', [proxy.address]).admin();
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.disconnect();
  }
}

/** The exit of `child`, or `null` when it is still running after `ms`. */
async function exitWithin(child: Child, ms: number): Promise<number | NodeJS.Signals | null> {
  const timer = new AbortController();
  try {
    return await Promise.race([child.exited, sleep(ms, null, { signal: timer.signal })]);
  } finally {
    timer.abort();
  }
}

interface Fault {
  /** Applies the fault and lifts it; resolves with the run's exit when that came meanwhile, else null. */
  apply(child: Child): Promise<number | NodeJS.Signals | null>;
  /** What the message of an exit 5 must say. */
  says: RegExp;
  /** Nothing can commit while the fault lasts: a run still going when it is lifted was hanging. */
  mustEndDuringFault: boolean;
}

/**
 * Starts a run, lets it commit a few pages, applies the fault, then checks the exit, the
 * message, the oracle right after and after a rerun.
 */
async function faultedRun(scenario: string, fault: Fault): Promise<void> {
  const p = await incrementalPipeline(`network-${scenario.replace(/\W+/g, '-')}`);
  const accepted = proxy.accepted;
  const child = spawnRun(['run', '--config', p.file], env());
  children.push(child);
  await withAdmin((admin) => committedAtLeast(admin, p.topic('incidents'), 3 * (LIMIT + 1)));

  const faultAt = Date.now();
  let exitedAt = 0;
  void child.exited.then(
    () => (exitedAt = Date.now()),
    () => undefined,
  );
  const duringFault = await fault.apply(child);
  const code = duringFault ?? (await exitWithin(child, EXIT_BOUND_MS));
  outcomes.push({ scenario, exit: code ?? 'hung', duringFault: duringFault !== null, exitAfterMs: exitedAt === 0 ? -1 : exitedAt - faultAt, proxyConnections: proxy.accepted - accepted });
  if (fault.mustEndDuringFault) expect(duringFault === null ? `still running after ${FAULT_MS} ms of ${scenario}` : 'ended').toBe('ended');
  expect(code === 0 || code === 5 ? 'ok' : `exit ${code}: ${child.stderr().slice(-2000)}`).toBe('ok');
  if (code === 5) {
    expect(child.stderr()).toMatch(/error \[KAFKA/);
    expect(child.stderr()).toMatch(fault.says);
  }
  expect(child.stderr()).not.toMatch(/internal error|^\s+at .+:\d+:\d+\)?$/m);

  const afterFault = await checkOracle(oracleOf(p));
  expect(afterFault.duplicatesReadCommitted).toBe(0);
  expect(afterFault.cursorAhead).toEqual([]);

  const rerun = await runCli(['run', '--config', p.file], env());
  expect(rerun.code === 0 ? 'ok' : `rerun exit ${rerun.code}: ${rerun.stderr.slice(-2000)}`).toBe('ok');
  const result = await assertOracle(oracleOf(p), { noDuplicates: true });
  expect(result.records.get(p.topic('incidents'))).toHaveLength(TOTAL);
  expect(result.states.get('incidents')).toMatchObject({ run: null });
  expect(secretHits(child.stdout(), child.stderr(), rerun.stdout, rerun.stderr)).toBe(0);
}

/** `start` until the run exits (at most FAULT_MS) and for at least two request timeouts, then `stop`. */
async function hold(child: Child, start: () => void, stop: () => void): Promise<number | NodeJS.Signals | null> {
  start();
  try {
    const [code] = await Promise.all([exitWithin(child, FAULT_MS), sleep(2 * REQUEST_TIMEOUT_MS)]);
    return code;
  } finally {
    stop();
  }
}

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Every message about the broker names the address the client used. */
const namesBroker = () => new RegExp(escaped(proxy.address));
/** ... and, when no answer came, the timeout it waited for. */
const namesBrokerAndTimeout = () => new RegExp(`${escaped(proxy.address)}[^]*kafka\\.request_timeout_ms \\(${REQUEST_TIMEOUT_MS} ms\\)`);

it('every connection dropped once mid-run: the run reconnects or exits 5 naming the broker; a rerun converges', async () => {
  await faultedRun('dropped once', {
    apply: async () => {
      expect(proxy.dropAll()).toBeGreaterThan(0);
      return null;
    },
    says: namesBroker(),
    mustEndDuringFault: false,
  });
}, 240_000);

it('every connection dropped every 300 ms for 2 s: the run reconnects or exits 5 naming the broker; a rerun converges', async () => {
  await faultedRun('dropped every 300 ms for 2 s', {
    apply: async (child) => {
      let dropped = 0;
      for (let elapsed = 0; elapsed < 2000; elapsed += 300) {
        dropped += proxy.dropAll();
        const code = await exitWithin(child, 300);
        if (code !== null) return code;
      }
      expect(dropped).toBeGreaterThan(0);
      return null;
    },
    says: namesBroker(),
    mustEndDuringFault: false,
  });
}, 240_000);

it(`connections stalled past request_timeout_ms (${REQUEST_TIMEOUT_MS} ms): the run exits 5 naming the broker and the timeout, no hang; a rerun converges`, async () => {
  await faultedRun('stalled', {
    apply: (child) => hold(child, () => proxy.stall(), () => proxy.resume()),
    says: namesBrokerAndTimeout(),
    mustEndDuringFault: true,
  });
}, 240_000);

it('the broker paused (SIGSTOP) past request_timeout_ms, then SIGCONT: the run exits 5 naming the broker and the timeout, no hang; a rerun converges', async () => {
  await faultedRun('broker paused (SIGSTOP)', {
    apply: (child) =>
      hold(
        child,
        () => {
          process.kill(broker.pid, 'SIGSTOP');
          paused = true;
        },
        () => {
          process.kill(broker.pid, 'SIGCONT');
          paused = false;
        },
      ),
    says: namesBrokerAndTimeout(),
    mustEndDuringFault: true,
  });
}, 240_000);

describe('the TCP proxy', () => {
  let echo: net.Server;
  let echoProxy: TcpProxy;

  beforeAll(async () => {
    echo = net.createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    echoProxy = await startTcpProxy({ target: { port: (echo.address() as net.AddressInfo).port } });
  });

  afterAll(async () => {
    await echoProxy.close();
    await new Promise<void>((resolve) => echo.close(() => resolve()));
  });

  const connect = () =>
    new Promise<net.Socket>((resolve, reject) => {
      const socket = net.connect(echoProxy.port, '127.0.0.1', () => resolve(socket));
      socket.once('error', reject);
    });
  const reply = (socket: net.Socket) => new Promise<string>((resolve) => socket.once('data', (chunk: Buffer) => resolve(chunk.toString('utf8'))));

  it('forwards, holds bytes and new connections while stalled, and delivers them on resume', async () => {
    const open = await connect();
    open.write('a');
    expect(await reply(open)).toBe('a');

    echoProxy.stall();
    const held = await connect();
    const heldReply = reply(held);
    const openReply = reply(open);
    held.write('b');
    open.write('c');
    const early = await Promise.race([heldReply, openReply, sleep(300, 'nothing')]);
    expect(early).toBe('nothing');
    expect(echoProxy.live).toBe(2);

    echoProxy.resume();
    expect(await heldReply).toBe('b');
    expect(await openReply).toBe('c');
    open.destroy();
    held.destroy();
  });

  it('drops every live connection and keeps accepting', async () => {
    const first = await connect();
    const closed = new Promise<void>((resolve) => first.once('close', () => resolve()));
    first.on('error', () => undefined);
    await sleep(50); // the upstream side is connected
    expect(echoProxy.dropAll()).toBeGreaterThanOrEqual(1);
    await closed;

    const second = await connect();
    second.write('d');
    expect(await reply(second)).toBe('d');
    expect(echoProxy.accepted).toBeGreaterThanOrEqual(2);
    second.destroy();
  });
});
