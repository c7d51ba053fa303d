/**
 * Kafka security on a dedicated broker with a SASL_SSL listener (PLAIN and SCRAM-SHA-512) and
 * a certificate signed by a CA this test generates. `run` over SASL_SSL publishes everything;
 * a wrong password and an untrusted certificate end with exit 5 and a message that says what
 * failed, where, and which config key fixes it; the SASL password and the API key appear in
 * no output, log line, metric, dead letter, state record or error object.
 *
 * The broker keeps its PLAINTEXT listener (inter-broker traffic, readiness probe): the oracle
 * reads through it, so what it checks does not depend on the client security settings under test.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { inspect } from 'node:util';
import { startBroker, type RunningBroker } from '../../../scripts/kafka/broker';
import { freePorts } from '../../../scripts/kafka/ports';
import { loadConfig } from '../../../lib/config/load';
import { runPipeline } from '../../../lib/delivery';
import { KafkaError } from '../../../lib/errors';
import { createLogger } from '../../../lib/observability/logger';
import { startSimulator, type SimulatorHandle } from '../../../lib/simulator';
import { createTestKafka, readAllFromStart } from '../../support/kafka';
import { assertOracle, checkOracle } from '../../support/oracle';
import { incidentsResource, parseSummary, runCli, writePipeline, type TestPipeline } from '../../support/pipeline';
import { generateCertificates, type TestCertificates } from '../../support/tls';
import { SENTINEL, secretHits, spawnRun } from './harness';

const TOTAL = 240;
const LIMIT = 80;
/** The SASL password of both users; its random core is scanned for as well. */
const SASL_PASSWORD = 'SASLPASS-7f3e9b';
const WRONG_PASSWORD = 'WRONGPASS-3d8a1c';
const PLAIN = { mechanism: 'plain', username: 'r2k-plain' } as const;
const SCRAM = { mechanism: 'scram-sha-512', username: 'r2k-scram' } as const;

let broker: RunningBroker;
let saslBrokers: string[];
let workDir: string;
let certs: TestCertificates;
let sim: SimulatorHandle;
const pipelines: TestPipeline[] = [];

/** The PLAINTEXT listener `startBroker` expects, plus a SASL_SSL one with a PLAIN and a SCRAM user. */
function saslSslListener(ports: { port: number; controllerPort: number; saslPort: number }, keystoreFile: string): Record<string, string> {
  const listeners = `PLAINTEXT://127.0.0.1:${ports.port},CONTROLLER://127.0.0.1:${ports.controllerPort},SASL_SSL://127.0.0.1:${ports.saslPort}`;
  return {
    listeners,
    'advertised.listeners': listeners,
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL',
    'listener.name.sasl_ssl.sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-512',
    'listener.name.sasl_ssl.plain.sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required user_${PLAIN.username}="${SASL_PASSWORD}";`,
    'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required;',
    'ssl.keystore.type': 'PEM',
    'ssl.keystore.location': keystoreFile,
  };
}

beforeAll(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), 'rest2kafka-faults-security-'));
  certs = generateCertificates(workDir);
  const [port, controllerPort, saslPort] = await freePorts(3);
  broker = await startBroker({
    workDir,
    port,
    controllerPort,
    heap: '256m',
    scram: [{ mechanism: 'SCRAM-SHA-512', username: SCRAM.username, password: SASL_PASSWORD }],
    extraConfig: saslSslListener({ port, controllerPort, saslPort }, certs.keystoreFile),
  });
  saslBrokers = [`127.0.0.1:${saslPort}`];
  sim = await startSimulator({ port: 0, incidents: TOTAL, services: 3, apiKey: SENTINEL });
}, 120_000);

afterAll(async () => {
  await sim?.close();
  await Promise.all(pipelines.map((p) => p.remove()));
  await broker?.stop();
  if (workDir) await rm(workDir, { recursive: true, force: true });
}, 60_000);

/** A pipeline on the SASL_SSL listener; the password is a `$secret` resolved from KAFKA_PASSWORD. */
async function securePipeline(label: string, sasl: typeof PLAIN | typeof SCRAM, ssl: boolean | Record<string, unknown> = { ca: certs.caFile }): Promise<TestPipeline> {
  const p = await writePipeline(label, {
    simulator: { url: sim.url, apiKey: SENTINEL },
    resources: [incidentsResource({}, LIMIT)],
    kafka: { brokers: saslBrokers, client_id: 'rest2kafka-it', ssl, sasl: { ...sasl, password: { $secret: 'kafka_password' } } },
  });
  pipelines.push(p);
  return p;
}

/** No KAFKA_BROKERS: it would replace the SASL_SSL listener with the default test broker. */
const env = (password = SASL_PASSWORD) => ({ KAFKA_PASSWORD: password });
const oracle = (p: TestPipeline) => ({ control: sim.control, resources: [{ resource: 'incidents' as const, topic: p.topic('incidents') }], stateTopic: p.stateTopic, pipeline: p.name, brokers: broker.brokers });

async function listTopics(): Promise<string[]> {
  const admin = createTestKafka('rest2kafka-security', broker.brokers).admin();
  await admin.connect();
  try {
    return await admin.listTopics();
  } finally {
    await admin.disconnect();
  }
}

/** Occurrences of the API key sentinel (every encoded form), the SASL password and the wrong password, or their random cores. */
function leaks(...texts: string[]): number {
  const forms = [SASL_PASSWORD, '7f3e9b', WRONG_PASSWORD, '3d8a1c'];
  return secretHits(...texts) + texts.reduce((sum, text) => sum + forms.reduce((n, form) => n + text.split(form).length - 1, 0), 0);
}

const STACK_FRAME = /\n\s+at .+:\d+:\d+\)?/;

describe('publishing over SASL_SSL', () => {
  it.each([
    ['PLAIN, kafka.ssl.ca as a file path', PLAIN, () => ({ ca: certs.caFile })],
    ['SCRAM-SHA-512, kafka.ssl.ca as PEM text', SCRAM, () => ({ ca: certs.caPem })],
  ])('%s: run publishes every record; replay over SASL_SSL reads them back', async (_label, sasl, ssl) => {
    const p = await securePipeline(`sasl-${sasl.mechanism}`, sasl, ssl());
    const run = await runCli(['run', '--config', p.file], env());
    expect(run.code === 0 ? 'ok' : `exit ${run.code}: ${run.stderr.slice(-1500)}`).toBe('ok');
    expect(parseSummary(run.stderr).get('incidents')).toMatchObject({ records: TOTAL, pages: TOTAL / LIMIT });
    await assertOracle(oracle(p), { noDuplicates: true });

    const replayed = await runCli(['replay', '--config', p.file, '--resource', 'incidents', '--summary'], env());
    expect(replayed.code === 0 ? 'ok' : `exit ${replayed.code}: ${replayed.stderr}`).toBe('ok');
    expect(JSON.parse(replayed.stdout)).toEqual({ topic: p.topic('incidents'), records_read: TOTAL, live_keys: TOTAL, tombstoned_keys: 0 });
    expect(leaks(run.stdout, run.stderr, replayed.stdout, replayed.stderr)).toBe(0);
  });
});

describe('refused connections', () => {
  it.each([
    ['PLAIN', PLAIN],
    ['SCRAM-SHA-512', SCRAM],
  ])('a wrong %s password: exit 5, KAFKA_AUTH_FAILED naming user, mechanism, broker and kafka.sasl.password; nothing published', async (mechanism, sasl) => {
    const p = await securePipeline(`wrong-${sasl.mechanism}`, sasl);
    const run = await runCli(['run', '--config', p.file], env(WRONG_PASSWORD));
    expect(run.code === 5 ? 'ok' : `exit ${run.code}: ${run.stderr.slice(-1500)}`).toBe('ok');
    const [line] = run.stderr.split('\n').filter((l) => l.startsWith('error ['));
    expect(line).toMatch(/^error \[KAFKA_AUTH_FAILED\]: connecting to Kafka failed: /);
    expect(line).toContain(`${saslBrokers[0]} rejected SASL ${mechanism} authentication as user "${sasl.username}"`);
    expect(line).toContain('check kafka.sasl.username and kafka.sasl.password');
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(leaks(run.stdout, run.stderr)).toBe(0);
    expect((await listTopics()).filter((t) => t.startsWith(p.name))).toEqual([]);
  });

  it('TLS without the CA (kafka.ssl: true): exit 5, KAFKA_TLS naming the broker and suggesting kafka.ssl.ca', async () => {
    const p = await securePipeline('untrusted', PLAIN, true);
    const run = await runCli(['run', '--config', p.file], env());
    expect(run.code === 5 ? 'ok' : `exit ${run.code}: ${run.stderr.slice(-1500)}`).toBe('ok');
    const [line] = run.stderr.split('\n').filter((l) => l.startsWith('error ['));
    expect(line).toContain(`error [KAFKA_TLS]: connecting to Kafka failed: TLS connection to ${saslBrokers[0]}: `);
    expect(line).toContain('give the CA certificate that signed it as kafka.ssl.ca');
    expect(run.stderr).not.toMatch(STACK_FRAME);
    expect(leaks(run.stdout, run.stderr)).toBe(0);
  });

  it('a missing kafka.ssl.ca file: exit 2 naming the path, before any connection', async () => {
    const p = await securePipeline('missing-ca', PLAIN, { ca: 'no-such-ca.pem' });
    const run = await runCli(['run', '--config', p.file], env());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`error [CONFIG_INVALID]: kafka.ssl.ca: file not found: ${path.join(path.dirname(p.file), 'no-such-ca.pem')}`);
    expect(leaks(run.stdout, run.stderr)).toBe(0);
  });
});

describe('secrets', () => {
  it('the SASL password and the API key appear in no output, log line, metric, dead letter or state record of a run', async () => {
    // Out-of-range priorities fail schema validation: dead letters whose record, URL and headers get scanned.
    const invalid = ['INC00000007', 'INC00000150'];
    await sim.control.update('incidents', invalid, { priority: 5 });
    const p = await securePipeline('secrets', SCRAM);
    const [metricsPort] = await freePorts(1);
    const child = spawnRun(['run', '--config', p.file, '--log-level', 'debug', '--interval', '1h', '--metrics-port', String(metricsPort)], env());
    let metrics = '';
    try {
      for (let waited = 0; !/^resource\s{2,}topic/m.test(child.stderr()); waited += 100) {
        if (waited > 60_000 || child.process.exitCode !== null) throw new Error(`no summary from the service:\n${child.stderr().slice(-2000)}`);
        await sleep(100);
      }
      metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    } finally {
      child.process.kill('SIGTERM');
    }
    expect(await child.exited).toBe(0);
    expect(parseSummary(child.stderr()).get('incidents')).toMatchObject({ records: TOTAL - invalid.length, deadLettered: invalid.length });
    expect(metrics).toContain(`rest2kafka_records_dead_lettered_total{resource="incidents"} ${invalid.length}`);
    expect((await checkOracle(oracle(p))).lost).toEqual(invalid.map((id) => `incidents/${id}`));

    const read = { readUncommitted: true, brokers: broker.brokers };
    const stored = [...(await readAllFromStart(p.deadLetterTopic, read)), ...(await readAllFromStart(p.stateTopic, read))];
    expect(stored.length).toBeGreaterThan(invalid.length);
    const records = stored.map((r) => `${r.key} ${r.value?.toString('utf8')} ${JSON.stringify(r.headers)}`);
    expect(leaks(child.stdout(), child.stderr(), metrics, ...records)).toBe(0);
  });

  it('the error a refused login throws holds neither password anywhere: message, stack, cause chain, properties', async () => {
    const p = await securePipeline('error-object', SCRAM);
    const logs = new PassThrough();
    const logged: Buffer[] = [];
    logs.on('data', (c: Buffer) => logged.push(c));
    const loaded = await loadConfig(p.file, { env: env(WRONG_PASSWORD) });
    const logger = createLogger({ level: 'debug', format: 'json', stream: logs });
    const error = await runPipeline({ loaded, only: [], fullRefresh: false, dryRun: false, logger, signal: new AbortController().signal }).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(KafkaError);
    expect(error).toMatchObject({ code: 'KAFKA_AUTH_FAILED', exitCode: 5 });
    const chain: string[] = [];
    for (let e: unknown = error; e instanceof Error; e = e.cause) chain.push(e.message, e.stack ?? '');
    expect(leaks(inspect(error, { depth: 10, showHidden: true }), ...chain, Buffer.concat(logged).toString('utf8'))).toBe(0);
  });
});
