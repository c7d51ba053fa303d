/**
 * The client-secret sentinel: pipelines authenticating with dlt's `oauth2_client_credentials`
 * against the simulator's token endpoint, the client secret a `$secret` from the environment.
 * A clean run whose token expires and is fetched again mid-run, a run that dead-letters
 * records, a wrong secret (exit 4), a token endpoint failing past the retry budget (exit 3)
 * and one answering a malformed body around a live token (exit 4). In every case the secret
 * in each form it could leak in (raw, percent-encoded, form-encoded as the token request sends
 * it, HTTP Basic's base64 of `id:secret`, its random core) and every access token the
 * simulator issued appear in no stdout, stderr, /metrics or /readyz answer, dead-letter or
 * state record, nor in the error object, stack or cause chain an in-process run throws.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { inspect } from 'node:util';
import { runCommand } from '../../../lib/commands/run';
import { ACCESS_TOKEN_PREFIX, startSimulator, TOKEN_PATH, type OAuthOptions, type SimulatorHandle, type SimulatorOptions } from '../../../lib/simulator';
import { incidentId as id } from '../../../lib/simulator/naming';
import { freePorts } from '../../../scripts/kafka/ports';
import { readAllFromStart, testBrokers } from '../../support/kafka';
import { assertOracle, checkOracle } from '../../support/oracle';
import { incidentsResource, parseSummary, writePipeline, type TestPipeline } from '../../support/pipeline';
import { capture } from '../extraction/cli';
import { incidentsOracle, SENTINEL, secretHits, spawnRun } from './harness';

const CLIENT_ID = 'sim-client-7d2e';
// `+`, `/` and `=` make the percent-, form- and Basic-encoded forms differ from the raw one.
const CLIENT_SECRET = 'CLIENTSECRET-4b7e1a9d+/=';
/** What the wrong-secret case sends; the simulator expects CLIENT_SECRET. */
const WRONG_SECRET = 'CLIENTSECRET-0c5f27e3+/=';

const FORBIDDEN = [CLIENT_SECRET, WRONG_SECRET]
  .flatMap((secret) => [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ k: secret }).toString().slice(2),
    Buffer.from(`${CLIENT_ID}:${secret}`).toString('base64'),
    Buffer.from(`${CLIENT_ID}:${encodeURIComponent(secret)}`).toString('base64'),
  ])
  // The random cores catch a partial leak; the prefix catches any issued token, seen or not.
  .concat(['4b7e1a9d', '0c5f27e3', ACCESS_TOKEN_PREFIX]);

/** The forbidden forms found in `texts` (and the API-key sentinel's hits), for a readable failure. */
function leaks(...texts: string[]): string[] {
  const text = texts.join('\n');
  return [...FORBIDDEN.filter((form) => text.includes(form)), ...(secretHits(text) > 0 ? ['the API-key sentinel'] : [])];
}

const LIMIT = 60;
const sims: SimulatorHandle[] = [];
const pipelines: TestPipeline[] = [];

afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
  await Promise.all(pipelines.map((p) => p.remove()));
});

type ScenarioOptions = Omit<Partial<SimulatorOptions>, 'oauth'> & { oauth?: Partial<OAuthOptions> };

/** A simulator with a token endpoint for CLIENT_ID/CLIENT_SECRET, and an incidents pipeline that authenticates there. */
async function setup(label: string, options: ScenarioOptions): Promise<{ sim: SimulatorHandle; p: TestPipeline }> {
  const sim = await startSimulator({ port: 0, services: 3, apiKey: SENTINEL, ...options, oauth: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, ...options.oauth } });
  sims.push(sim);
  const auth = { type: 'oauth2_client_credentials', access_token_url: `${sim.url}${TOKEN_PATH}`, client_id: CLIENT_ID, client_secret: { $secret: 'oauth_client_secret' } };
  const p = await writePipeline(label, { simulator: { url: sim.url, apiKey: SENTINEL }, resources: [incidentsResource({}, LIMIT)], client: { page_concurrency: 1, max_retries: 2, auth } });
  pipelines.push(p);
  return { sim, p };
}

const env = (secret = CLIENT_SECRET) => ({ KAFKA_BROKERS: testBrokers().join(','), OAUTH_CLIENT_SECRET: secret });

interface Served {
  code: number | NodeJS.Signals;
  stdout: string;
  stderr: string;
  /** /metrics and /readyz as scraped once `until` matched stderr. */
  metrics: string;
  readyz: string;
}

/**
 * `run --interval 1h --metrics-port N --log-level debug` as a child process: once stderr
 * matches `until` (the first run's summary, or its failure), the ops endpoints are scraped
 * while the process still serves them, then SIGTERM stops it.
 */
async function serve(p: TestPipeline, secret: string, until: RegExp): Promise<Served> {
  const [port] = await freePorts(1);
  const child = spawnRun(['run', '--config', p.file, '--log-level', 'debug', '--interval', '1h', '--metrics-port', String(port)], env(secret));
  let metrics = '';
  let readyz = '';
  try {
    for (let waited = 0; !until.test(child.stderr()); waited += 50) {
      if (waited > 30_000 || child.process.exitCode !== null) throw new Error(`the service never logged ${until}:\n${child.stderr().slice(-2000)}`);
      await sleep(50);
    }
    metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    readyz = await (await fetch(`http://127.0.0.1:${port}/readyz`)).text();
  } finally {
    child.process.kill('SIGTERM');
  }
  return { code: await child.exited, stdout: child.stdout(), stderr: child.stderr(), metrics, readyz };
}

const SUMMARY = /^resource\s{2,}topic/m;

/** Every value, key and header of the dead-letter and state topics, aborted transactions included. */
async function storedTexts(p: TestPipeline): Promise<{ deadLetters: number; states: number; texts: string[] }> {
  const read = (topic: string) => readAllFromStart(topic, { readUncommitted: true }).catch(() => []);
  const [deadLetters, states] = [await read(p.deadLetterTopic), await read(p.stateTopic)];
  const texts = [...deadLetters, ...states].map((r) => `${r.key} ${r.value?.toString('utf8')} ${JSON.stringify(r.headers)}`);
  return { deadLetters: deadLetters.length, states: states.length, texts };
}

describe('runs that succeed', () => {
  it('a clean run publishes everything; the token expires mid-run and is fetched again; nothing holds the secret or a token', async () => {
    const TOTAL = 1500;
    // 25 pages in sequence, each held 220 ms: 5.5 s of fetching against a 5 s token, which
    // rest2kafka refreshes at 90% of its life (4.5 s), so the run needs a second token. The
    // 500 ms margin is what a loaded CI machine may take between a request leaving and the
    // simulator checking its token.
    const { sim, p } = await setup('oauth-clean', { incidents: TOTAL, faults: { latency: { minMs: 220, maxMs: 220 } }, oauth: { tokenTtlSeconds: 5 } });
    const run = await serve(p, CLIENT_SECRET, SUMMARY);

    expect(run.code).toBe(0);
    expect(parseSummary(run.stderr).get('incidents')).toMatchObject({ records: TOTAL, pages: TOTAL / LIMIT });
    await assertOracle(incidentsOracle(sim, p), { noDuplicates: true });
    const stats = await sim.control.stats();
    expect(stats.byPath[TOKEN_PATH]?.[200]).toBeGreaterThanOrEqual(2);
    // Every page was accepted on a bearer token (the api_key is never sent). A token that
    // expired in flight would cost one 401 and a renewed token, not the run.
    expect(stats.byPath['/v1/incidents']?.[200]).toBe(TOTAL / LIMIT);
    expect(run.metrics).toContain(`rest2kafka_records_published_total{resource="incidents"} ${TOTAL}`);

    const stored = await storedTexts(p);
    expect(stored.states).toBeGreaterThan(0);
    expect(leaks(run.stdout, run.stderr, run.metrics, run.readyz, ...stored.texts)).toEqual([]);
  });

  it('records that fail validation are dead-lettered; neither the dead letters nor their headers hold the secret or a token', async () => {
    const TOTAL = 120;
    const { sim, p } = await setup('oauth-dead-letter', { incidents: TOTAL });
    // Out-of-range priorities fail schema validation.
    const invalid = [id(7), id(100)];
    await sim.control.update('incidents', invalid, { priority: 5 });
    const run = await serve(p, CLIENT_SECRET, SUMMARY);

    expect(run.code).toBe(0);
    expect(parseSummary(run.stderr).get('incidents')).toMatchObject({ records: TOTAL - invalid.length, deadLettered: invalid.length });
    expect(run.metrics).toContain(`rest2kafka_records_dead_lettered_total{resource="incidents"} ${invalid.length}`);
    expect((await checkOracle(incidentsOracle(sim, p))).lost).toEqual(invalid.map((key) => `incidents/${key}`));

    const stored = await storedTexts(p);
    expect(stored.deadLetters).toBe(invalid.length);
    expect(leaks(run.stdout, run.stderr, run.metrics, run.readyz, ...stored.texts)).toEqual([]);
  });
});

interface Failure {
  name: string;
  options: ScenarioOptions;
  secret: string;
  exitCode: number;
  errorCode: string;
  /** The `error [...]` line, with `TOKEN_URL` standing for the token endpoint's URL. */
  shows: RegExp;
  /** The token endpoint's answers, by status. */
  tokenAnswers: Record<string, number>;
}

const failures: Failure[] = [
  {
    name: 'a wrong client secret',
    options: {},
    secret: WRONG_SECRET,
    exitCode: 4,
    errorCode: 'AUTH_FAILED',
    shows: /^error \[AUTH_FAILED\]: resource "incidents": oauth2_client_credentials: the token endpoint TOKEN_URL answered 401 Unauthorized \(error: invalid_client\); check client_id, client_secret/,
    tokenAnswers: { 401: 1 },
  },
  {
    name: 'a token endpoint answering 503 past the retry budget',
    options: { oauth: { faults: { rules: [{ action: { kind: 'status', status: 503 }, rate: 1 }] } } },
    secret: CLIENT_SECRET,
    exitCode: 3,
    errorCode: 'RETRIES_EXHAUSTED',
    shows: /^error \[RETRIES_EXHAUSTED\]: resource "incidents" page 0: gave up after 3 attempts .*: oauth2_client_credentials: the token endpoint TOKEN_URL answered 503 Service Unavailable/,
    tokenAnswers: { 503: 3 },
  },
  {
    // The body carries a token the simulator issued and accepts: quoting the body would leak it.
    name: 'a token endpoint answering malformed JSON around a live token',
    options: { oauth: { faults: { script: [{ request: 1, action: { kind: 'malformed' } }] } } },
    secret: CLIENT_SECRET,
    exitCode: 4,
    errorCode: 'AUTH_FAILED',
    shows: /^error \[AUTH_FAILED\]: resource "incidents": oauth2_client_credentials: malformed JSON in the response of request \(200 from TOKEN_URL\) at byte \d+/,
    tokenAnswers: { 200: 1 },
  },
];

describe.each(failures)('$name', (failure) => {
  let sim: SimulatorHandle;
  let p: TestPipeline;
  let shows: RegExp;

  beforeAll(async () => {
    ({ sim, p } = await setup(`oauth-${failure.errorCode.toLowerCase()}`, failure.options));
    const tokenUrl = `${sim.url}${TOKEN_PATH}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    shows = new RegExp(failure.shows.source.replace('TOKEN_URL', tokenUrl), 'm');
  });
  beforeEach(() => sim.control.reset());

  it(`a run exits ${failure.exitCode} with a message naming the auth type and the token URL; no data request is sent; nothing holds the secret`, async () => {
    const child = spawnRun(['run', '--config', p.file, '--log-level', 'debug'], env(failure.secret));
    expect(await child.exited).toBe(failure.exitCode);
    expect(child.stderr()).toMatch(shows);
    const stats = await sim.control.stats();
    expect(stats.byPath[TOKEN_PATH]).toEqual(failure.tokenAnswers);
    expect(stats.byPath['/v1/incidents']).toBeUndefined();
    const stored = await storedTexts(p);
    expect(leaks(child.stdout(), child.stderr(), ...stored.texts)).toEqual([]);
  });

  it('as a service: /readyz names the failure; neither /metrics nor the logs hold the secret', async () => {
    const run = await serve(p, failure.secret, /run failed; retrying at the next interval/);
    expect(run.code).toBe(0);
    expect(run.readyz).toBe(`not ready: last run failed: ${failure.errorCode}\n`);
    expect(run.metrics).toContain('# TYPE rest2kafka_records_published_total counter');
    expect(leaks(run.stdout, run.stderr, run.metrics, run.readyz)).toEqual([]);
  });

  it('in process: the thrown error holds the secret nowhere (message, stack, cause chain, context)', async () => {
    const stderr = capture();
    const io = { stdout: capture(), stderr, env: env(failure.secret), signal: new AbortController().signal };
    const error = await runCommand.run(['--config', p.file, '--log-level', 'debug'], io).then(
      (code): Error & { context?: unknown } => new Error(`run returned ${code}; expected it to throw`),
      (e: unknown) => e as Error & { context?: unknown },
    );
    expect(error).toMatchObject({ code: failure.errorCode, exitCode: failure.exitCode });
    expect(`error [${failure.errorCode}]: ${error.message}`).toMatch(shows);
    const seen = [inspect(error, { depth: Infinity, showHidden: true }), JSON.stringify(error.context ?? null), stderr.text()];
    for (let e: unknown = error; e instanceof Error; e = e.cause) seen.push(e.message, e.stack ?? '', inspect(e, { depth: Infinity, showHidden: true }));
    expect(leaks(...seen)).toEqual([]);
  });
});
