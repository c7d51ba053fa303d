/**
 * The response fuzzer (issue 5 §2 "API"): page 1 of a 3-page `rest2kafka run` is replaced by an
 * adversarial body from spec/support/response-fuzz.ts — every mutation once (the table below
 * says which outcome is right and why), then R2K_FAULT_ITERATIONS random ones from
 * R2K_FAULT_SEED. Each ends either with exit 0, every broken record dead-lettered with its
 * field path and every valid one published, or with exit 3 and one message naming the
 * resource, the page and what was wrong — never exit 1, never a stack trace, and the state
 * never past page 0. With the fault cleared, a rerun converges (the oracle). The sentinel API
 * key appears in no output and no dead letter.
 */
import { startSimulator, type SimulatorHandle } from '../../../lib/simulator';
import { rngFor } from '../../../lib/simulator/random';
import { readAllFromStart, testBrokers } from '../../support/kafka';
import { assertOracle, checkOracle } from '../../support/oracle';
import { incidentsResource, runCli, writePipeline, type TestPipeline } from '../../support/pipeline';
import { acceptedKinds, faultActionOf, mutate, MUTATIONS, randomMutations, type FuzzedResponse, type Mutation } from '../../support/response-fuzz';
import { deadLetterSecretHits, SENTINEL, secretHits, spawnRun } from './harness';
import { incidentId as id } from '../../../lib/simulator/naming';

const ITERATIONS = Number(process.env.R2K_FAULT_ITERATIONS ?? 3);
const SEED = Number(process.env.R2K_FAULT_SEED ?? Date.now() % 100_000);
const TOTAL = 300;
const LIMIT = 100;
/** The fuzzed page: page 0 is committed before it, page 2 is never reached when it fails. */
const PAGE = 1;
/** 1 attempt + the pipeline's 3 retries: a retriable status on all of them exhausts the budget. */
const ATTEMPTS = 4;

/** Exit 0: `whole` is what a dead letter without a field path (the record as a whole) says. Exit 3: what the error says. */
type Outcome = { exit: 0; whole?: RegExp } | { exit: 3; says: RegExp };

/**
 * The right outcome of each mutation. A bad record is a value: dead-lettered, the rest of the
 * page published. A bad page (no list of records, no JSON, a total that cannot drive paging)
 * is a broken stream: exit 3, since guessing would publish the wrong data or stop paging early.
 */
const OUTCOMES: Record<Mutation, Outcome> = {
  'field-type': { exit: 0 },
  // Keying comes before validation: a record that is not an object has no primary key.
  'record-not-object': { exit: 0, whole: /record is not a JSON object but/ },
  // The id is a number, not the string the schema declares (and has already lost precision).
  'id-over-2^53': { exit: 0 },
  'deep-nesting-field': { exit: 0 },
  // Regression: hashing the page's keys for resume overflowed the stack and failed the page.
  'deep-nesting-key': { exit: 0 },
  // Valid under schema_contract evolve, but no JSON encoder recurses 10,000 levels.
  'deep-nesting-undeclared': { exit: 0, whole: /cannot be encoded .*nested too deeply/ },
  // `data` is then one object, not a list: a selector problem, not 10,000 records.
  'deep-nesting-body': { exit: 3, says: /data_selector "data" .*single object|matched an object/ },
  // A long value of the right type is valid data (it still fits one Kafka message).
  'huge-string-valid': { exit: 0 },
  'huge-string-wrong-field': { exit: 0 },
  // Regression: JSON is UTF-8 (RFC 8259 §8.1); the bad bytes were published as U+FFFD, silently.
  'non-utf8': { exit: 3, says: /not valid UTF-8/ },
  'empty-200': { exit: 3, says: /empty body/ },
  'html-200': { exit: 3, says: /is HTML, not JSON/ },
  // 502 is retriable; an HTML error page on every attempt exhausts the retries.
  'html-502': { exit: 3, says: /gave up after 4 attempts.*502/s },
  'missing-data': { exit: 3, says: /data_selector "data" matched nothing/ },
  'data-not-array': { exit: 3, says: /data_selector "data"/ },
  // Regression: the paginator's error did not say which page.
  'total-wrong-type': { exit: 3, says: /Total "items" at "total" is not an integer/ },
  'truncated-json': { exit: 3, says: /malformed JSON .* at byte \d+/ },
};

let sim: SimulatorHandle;
let page: string;
const fields = acceptedKinds();
const pipelines: TestPipeline[] = [];
const rows: string[] = [];

beforeAll(async () => {
  sim = await startSimulator({ port: 0, incidents: TOTAL, services: 3, apiKey: SENTINEL });
  const response = await fetch(`${sim.url}/v1/incidents?offset=${PAGE * LIMIT}&limit=${LIMIT}&api_key=${encodeURIComponent(SENTINEL)}`);
  page = await response.text();
});

afterAll(async () => {
  await sim?.close();
  for (const p of pipelines) await p.remove();
  console.log(`response fuzzer (seed ${SEED}, ${ITERATIONS} random cases; R2K_FAULT_SEED=${SEED} replays them)\n${rows.join('\n')}`);
});

interface DeadLetterValue {
  resource: string;
  page: number;
  key: string | null;
  reason: string;
  paths: string[];
}

/** Runs the pipeline with page 1 replaced by `fuzzed`, checks the outcome, clears the fault, reruns, checks the oracle. */
async function fuzzRun(label: string, fuzzed: FuzzedResponse): Promise<void> {
  await sim.control.reset();
  const action = faultActionOf(fuzzed);
  // A retriable status is served on every attempt of the page, anything else once.
  const requests = fuzzed.status >= 500 ? ATTEMPTS : 1;
  await sim.control.setFaults({ script: Array.from({ length: requests }, (_, i) => ({ request: PAGE + 1 + i, action })) });
  const p = await writePipeline(`fuzz-${label}`, { simulator: { url: sim.url, apiKey: SENTINEL }, resources: [incidentsResource({}, LIMIT)], client: { page_concurrency: 1 } });
  pipelines.push(p);
  const oracle = { control: sim.control, resources: [{ resource: 'incidents' as const, topic: p.topic('incidents') }], stateTopic: p.stateTopic, pipeline: p.name };
  const expected = OUTCOMES[fuzzed.mutation];
  const context = `${fuzzed.mutation}: ${fuzzed.description} (seed ${SEED})`;

  // A child process: a crash (stack overflow, abort) shows as its exit, not as jest dying.
  const child = spawnRun(['run', '--config', p.file], { KAFKA_BROKERS: testBrokers().join(',') });
  const code = await child.exited;
  const stderr = child.stderr();
  const error = stderr.split('\n').find((l) => l.startsWith('error ['));
  rows.push(`${String(code).padEnd(4)} ${context}${error ? `\n       ${error.slice(0, 240)}` : ''}`);
  expect({ context, code, stackLines: stderr.split('\n').filter((l) => /^\s{4}at /.test(l)) }).toEqual({ context, code: expected.exit, stackLines: [] });

  const afterFirst = await checkOracle(oracle);
  const keys = afterFirst.records.get(p.topic('incidents'))!.map((r) => r.key);
  if (expected.exit === 3) {
    expect({ context, error }).toEqual({ context, error: expect.stringContaining('resource "incidents"') });
    expect(error).toContain(`page ${PAGE}`);
    expect(stderr).toMatch(expected.says);
      // Nothing of the broken page or after it is published, and the state is not ahead of the
    // data (it may lag it: a commit's markers reach the state and data partitions separately).
    const done = afterFirst.states.get('incidents')?.run?.next_index ?? 0;
    expect(done).toBeLessThanOrEqual(PAGE);
    expect([0, PAGE * LIMIT]).toContain(keys.length);
    expect(keys.length).toBeGreaterThanOrEqual(done * LIMIT);
    expect(keys).toEqual(Array.from({ length: keys.length }, (_, i) => id(i)));
  } else {
    const letters = (await readAllFromStart(p.deadLetterTopic)).map((r) => JSON.parse(r.value!.toString('utf8')) as DeadLetterValue);
    expect(letters).toHaveLength(fuzzed.invalid.length);
    for (const [n, { path }] of fuzzed.invalid.entries()) {
      expect(letters[n]).toMatchObject({ resource: 'incidents', page: PAGE });
      if (path === null) expect({ context, reason: letters[n].reason }).toEqual({ context, reason: expect.stringMatching(expected.whole!) });
      // A primary-key field that cannot be a key is rejected by keying, before validation.
      else expect({ context, paths: letters[n].paths, reason: letters[n].reason }).toEqual({ context, paths: [path], reason: expect.stringMatching(`${path}: expected|primary key ${path} `) });
    }
    // Every valid record of every page published: all ids but the broken records'.
    const broken = new Set(fuzzed.invalid.map((r) => id(PAGE * LIMIT + r.index)));
    expect(new Set(keys)).toEqual(new Set(Array.from({ length: TOTAL }, (_, i) => id(i)).filter((k) => !broken.has(k))));
  }

  await sim.control.setFaults({});
  const rerun = await runCli(['run', '--config', p.file]);
  expect({ context, code: rerun.code, stderr: rerun.code === 0 ? '' : rerun.stderr }).toEqual({ context, code: 0, stderr: '' });
  await assertOracle(oracle);
  expect(secretHits(child.stdout(), stderr, rerun.stdout, rerun.stderr)).toBe(0);
  expect(await deadLetterSecretHits(p.deadLetterTopic)).toBe(0);
}

describe('every mutation once', () => {
  it.each(MUTATIONS.map((m, i) => [m, i] as const))('%s', async (mutation, i) => {
    await fuzzRun(mutation.replace(/\W/g, ''), mutate(mutation, page, rngFor(SEED, i, 0x7ab1e), fields));
  });
});

describe(`${ITERATIONS} random mutations from the seed`, () => {
  it.each(Array.from({ length: ITERATIONS }, (_, i) => [i]))('random case %i', async (i) => {
    const [fuzzed] = randomMutations(page, SEED + i, 1, fields);
    await fuzzRun(`random${i}`, fuzzed);
  });
});
