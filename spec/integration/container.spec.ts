/**
 * The container without Docker (no daemon runs here): the Dockerfile and docker-compose.yml are
 * read as Docker and Compose read them and checked against the repo, and the compose services'
 * commands — the image's ENTRYPOINT + the service's `command`, interpolated, with the service's
 * environment — run as child processes from the repo root, which the runtime image's /app
 * mirrors (dist/, node_modules/, schemas/, examples/).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import fetch from 'node-fetch';
import { parse } from 'yaml';
import { SimulatorClient } from '../../lib/simulator';
import { freePorts } from '../../scripts/kafka/ports';
import { TEST_FRIENDLY_SETTINGS } from '../../scripts/kafka/config';
import { copiesOf, dockerIgnored, execForm, lastArgs, parseCompose, parseDockerfile, serviceProcess, type DockerStage, type ServiceProcess } from '../support/container';
import { createTestKafka, testBrokers } from '../support/kafka';
import { assertOracle } from '../support/oracle';
import { cliArgv, REPO_ROOT } from '../support/pipeline';
import { CLI, SENTINEL, deadLetterSecretHits, secretHits, spawnRun, type Child } from './faults/harness';

const read = (file: string) => readFileSync(path.join(REPO_ROOT, file), 'utf8');
const stages = parseDockerfile(read('Dockerfile'));
const build = stages[0];
const runtime = stages[stages.length - 1];
const services = parseCompose(read('docker-compose.yml'));
const example = parse(read('examples/pipeline.yaml')) as {
  pipeline_name: string;
  topics: { prefix: string; name: string };
  delivery: { schemas_dir: string };
  source: { resources: { name: string }[] };
};

/** A path in a stage's filesystem, resolved against that stage's last WORKDIR. */
function inStage(stage: DockerStage, file: string): string {
  return path.posix.resolve(lastArgs(stage, 'WORKDIR') ?? '/', file);
}

/** Where a path of a stage's WORKDIR lives in this repo (both stages' WORKDIRs mirror the repo). */
function inRepo(stage: DockerStage, file: string): string {
  return path.join(REPO_ROOT, path.posix.relative(lastArgs(stage, 'WORKDIR') ?? '/', inStage(stage, file)));
}

/** True when a context COPY of the stage brings in `file` (a path relative to the repo). */
function copiedFromContext(stage: DockerStage, file: string): boolean {
  return copiesOf(stage)
    .filter((c) => c.from === null)
    .some((c) => c.sources.some((s) => s === '.' || file === s || file.startsWith(`${s.replace(/\/$/, '')}/`)));
}

describe('Dockerfile', () => {
  it('compiles in a named build stage and runs from a later stage that copies from it', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(build.name).toBe('build');
    expect(runtime).not.toBe(build);
    expect(copiesOf(runtime).filter((c) => c.from === build.name).length).toBeGreaterThan(0);
  });

  it('runs as a non-root user', () => {
    const user = lastArgs(runtime, 'USER');
    expect(user).toBeDefined();
    expect(user!.split(':')[0]).not.toMatch(/^(root|0)$/);
  });

  it('enters node dist/lib/cli.js in exec form (node is PID 1 and gets SIGTERM itself), the built CLI, with the node flags of its shebang', () => {
    const entrypoint = execForm(lastArgs(runtime, 'ENTRYPOINT') ?? '');
    const flags = cliArgv().slice(0, -1);
    expect(flags).toContain('--max-semi-space-size=8');
    expect(entrypoint).toEqual(['node', ...flags, 'dist/lib/cli.js']);
    expect(inRepo(runtime, entrypoint.at(-1)!)).toBe(CLI);
    expect(existsSync(CLI)).toBe(true);
  });

  it('copies from the build context only paths that exist and that .dockerignore lets through', () => {
    const dockerignore = existsSync(path.join(REPO_ROOT, '.dockerignore')) ? read('.dockerignore') : '';
    const sources = stages.flatMap((stage) => copiesOf(stage).filter((c) => c.from === null).flatMap((c) => c.sources));
    expect(sources).toEqual(expect.arrayContaining(['schemas', 'examples']));
    const broken = sources.filter((s) => !existsSync(path.join(REPO_ROOT, s)) || dockerIgnored(s, dockerignore));
    expect(broken).toEqual([]);
  });

  it('gives the build stage every input of npm run build', () => {
    const tsconfig = JSON.parse(read('tsconfig.build.json')) as { extends?: string; include: string[] };
    const inputs = ['package.json', 'package-lock.json', 'tsconfig.build.json', ...(tsconfig.extends ? [path.posix.normalize(tsconfig.extends)] : []), ...tsconfig.include];
    expect(inputs.filter((file) => !copiedFromContext(build, file))).toEqual([]);
    // tsc also compiles what the included files import (dist/package.json is ../package.json):
    // each top-level output must come from a copied input, or the image build fails.
    const outputs = readdirSync(path.join(REPO_ROOT, 'dist'));
    expect(outputs.filter((entry) => !copiedFromContext(build, entry))).toEqual([]);
  });

  it('copies from the build stage only what the build produced (dist/lib/cli.js among it)', () => {
    const fromBuild = copiesOf(runtime).filter((c) => c.from === build.name).flatMap((c) => c.sources);
    expect(fromBuild.map((s) => inRepo(build, s))).toEqual(expect.arrayContaining([path.join(REPO_ROOT, 'dist')]));
    expect(fromBuild.filter((s) => !existsSync(inRepo(build, s)))).toEqual([]);
  });

  it('ships examples/pipeline.yaml (the compose command config) and the schemas folder it names', () => {
    expect(copiedFromContext(runtime, 'examples/pipeline.yaml')).toBe(true);
    const schemas = path.posix.join('examples', example.delivery.schemas_dir);
    expect(schemas).toBe('schemas');
    expect(copiedFromContext(runtime, `${schemas}/incidents.avsc`)).toBe(true);
  });

  it('needs only production dependencies at run time (the build stage prunes the dev ones)', () => {
    const { dependencies } = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
    const required = new Set<string>();
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (entry.name.endsWith('.js')) for (const [, spec] of readFileSync(file, 'utf8').matchAll(/require\("([^".][^"]*)"\)/g)) required.add(spec);
      }
    };
    walk(path.dirname(CLI));
    const packageOf = (spec: string) => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');
    const missing = [...required].filter((spec) => !isBuiltin(spec) && !(packageOf(spec) in dependencies));
    expect(required.size).toBeGreaterThan(0);
    expect(missing).toEqual([]);
  });
});

describe('docker-compose.yml', () => {
  it('interpolates ${VAR:-default} in commands and environments as compose does', () => {
    const defaults = serviceProcess(services.producer, runtime, {});
    expect(defaults.argv.slice(-6, -4)).toEqual(['--interval', '5m']);
    expect(defaults.env.API_KEY).toBe('demo-key');
    expect(serviceProcess(services.simulator, runtime, { API_KEY: '' }).env.SIMULATOR_API_KEY).toBe('demo-key');

    const set = serviceProcess(services.producer, runtime, { API_KEY: 'k-1', RUN_INTERVAL: '3s' });
    expect(set.argv).toEqual(['node', '--max-semi-space-size=8', 'dist/lib/cli.js', 'run', '--config', 'examples/pipeline.yaml', '--interval', '3s', '--metrics-port', '9464', '--metrics-host', '0.0.0.0']);
    expect(set.env).toEqual({ NODE_ENV: 'production', KAFKA_BROKERS: 'kafka:9092', BASE_URL: 'http://simulator:8080', API_KEY: 'k-1' });
  });

  it("gives its broker the test broker's single-node settings", () => {
    const env = services.kafka.environment as Record<string, unknown>;
    const differing = Object.entries(TEST_FRIENDLY_SETTINGS)
      .map(([key, value]) => [`KAFKA_${key.toUpperCase().replace(/\./g, '_')}`, value])
      .filter(([name, value]) => String(env[name]) !== value);
    expect(differing).toEqual([]);
  });

  describe('simulator, producer on an interval and replay, run as their containers would', () => {
    const hostEnv = { API_KEY: SENTINEL, RUN_INTERVAL: '3s' };
    // The example pipeline names its topics after the resources with no prefix and no env
    // override, so this test owns these names on the test broker: it removes them before (a
    // rerun starts clean) and after.
    const topics = example.source.resources.map((r) => ({ resource: r.name as 'incidents' | 'services', topic: `${example.topics.prefix}${example.topics.name.replace('{table_name}', r.name)}` }));
    const stateTopic = `${example.pipeline_name}.state`;
    const deadLetterTopic = `${example.pipeline_name}.dead-letter`;
    const owned = [...topics.map((t) => t.topic), stateTopic, deadLetterTopic];
    const children: Child[] = [];
    let port: number;
    let metricsPort: number;

    beforeAll(async () => {
      await deleteTopics(owned);
      [port, metricsPort] = await freePorts(2);
    }, 60_000);

    afterAll(async () => {
      for (const child of children) if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
      await Promise.all(children.map((c) => c.exited.catch(() => undefined)));
      await deleteTopics(owned);
    }, 60_000);

    /**
     * The one substitution: container host names become this machine's — `kafka:9092` the test
     * broker, `simulator:8080` (and the simulator's `--port 8080`) a free local port, the
     * producer's `--metrics-port 9464` another (each container has that port to itself).
     */
    function local({ argv, env }: ServiceProcess): { argv: string[]; env: Record<string, string> } {
      const swap = (value: string) => value.replace('kafka:9092', testBrokers().join(',')).replace('simulator:8080', `127.0.0.1:${port}`);
      const args = argv.map((arg, i) => (argv[i - 1] === '--port' && arg === '8080' ? String(port) : argv[i - 1] === '--metrics-port' ? String(metricsPort) : swap(arg)));
      return { argv: args, env: Object.fromEntries(Object.entries(env).map(([name, value]) => [name, swap(value)])) };
    }

    /** Starts a service's process from the repo root (the image's WORKDIR /app). */
    function start(service: string): Child {
      const { argv, env } = local(serviceProcess(services[service], runtime, hostEnv));
      // spawnRun runs the built CLI with this Node and its shebang's flags: the entrypoint must be exactly that.
      const entry = ['node', ...cliArgv().slice(0, -1), path.relative(REPO_ROOT, CLI)];
      expect(argv.slice(0, entry.length)).toEqual(entry);
      const child = spawnRun(argv.slice(entry.length), env, REPO_ROOT);
      children.push(child);
      return child;
    }

    it('serves the API, publishes every record on each tick, stops on SIGTERM with 0, and replays; the key appears nowhere', async () => {
      const simulator = start('simulator');
      await waitFor(simulator, () => simulator.stderr().includes('listening on'), 30_000, 'simulator listening');
      const base = `http://127.0.0.1:${port}/v1/incidents`;
      expect((await fetch(`${base}?api_key=${encodeURIComponent(SENTINEL)}&limit=1`)).status).toBe(200);
      expect((await fetch(`${base}?api_key=demo-key&limit=1`)).status).toBe(401);

      const producer = start('producer');
      const finished = () => logLines(producer.stderr()).filter((l) => l.msg === 'run finished').length;
      await waitFor(producer, () => finished() >= 2, 60_000, 'two producer runs finished');
      // What the compose healthcheck asks: the one replica started here runs the pipeline.
      expect(await (await fetch(`http://127.0.0.1:${metricsPort}/readyz`)).text()).toBe(`ready: active (${example.pipeline_name})\n`);
      producer.process.kill('SIGTERM');
      expect(await within(producer.exited, 30_000, 'producer exit after SIGTERM')).toBe(0);
      expect(producer.stderr().match(/^resource\s{2,}topic\s{2,}pages/gm)?.length).toBeGreaterThanOrEqual(2);
      expect(logLines(producer.stderr()).filter((l) => l.level === 'error')).toEqual([]);

      const control = new SimulatorClient(`http://127.0.0.1:${port}`);
      const oracle = await assertOracle({ control, resources: topics, stateTopic, pipeline: example.pipeline_name });
      expect(oracle.expected).toBeGreaterThan(0);

      const replay = start('replay');
      expect(await within(replay.exited, 30_000, 'replay exit')).toBe(0);
      const incidents = (await control.info()).counts.incidents;
      expect(JSON.parse(replay.stdout())).toMatchObject({ topic: 'incidents', live_keys: incidents, tombstoned_keys: 0 });

      simulator.process.kill('SIGTERM');
      expect(await within(simulator.exited, 30_000, 'simulator exit after SIGTERM')).toBe(0);

      expect(secretHits(...children.flatMap((c) => [c.stdout(), c.stderr()]))).toBe(0);
      expect(await deadLetterSecretHits(deadLetterTopic)).toBe(0);
    });
  });
});

interface LogLine {
  msg?: string;
  level?: string;
}

function logLines(stderr: string): LogLine[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

/** Polls `done` until it holds; fails early, with the process output, if `child` exits first. */
async function waitFor(child: Child, done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (child.process.exitCode !== null || child.process.signalCode !== null || Date.now() > deadline) {
      throw new Error(`${what}: not reached (exit ${child.process.exitCode ?? child.process.signalCode}); stderr:\n${child.stderr().slice(-3000)}`);
    }
    await sleep(100);
  }
}

/** `promise`, or a failure naming `what` once `ms` have passed (a bound on a hang, not a timing assertion). */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Deletes those of `names` that exist and waits until the broker no longer lists them. */
async function deleteTopics(names: string[]): Promise<void> {
  const admin = createTestKafka('rest2kafka-container').admin();
  await admin.connect();
  try {
    const present = (await admin.listTopics()).filter((t) => names.includes(t));
    if (present.length > 0) await admin.deleteTopics({ topics: present });
    for (let attempt = 0; (await admin.listTopics()).some((t) => names.includes(t)); attempt++) {
      if (attempt > 100) throw new Error(`topics ${names.join(', ')} still listed after deletion`);
      await sleep(100);
    }
  } finally {
    await admin.disconnect();
  }
}
