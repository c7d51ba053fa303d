/**
 * The config fuzzer (issue 5 §3): seeded random mutations of examples/pipeline.yaml — wrong
 * types, unknown keys, missing fields, absurd numbers, unicode, 100k-character strings, nulls,
 * arrays for objects — through validateConfig. Every one must end in a valid config or in a
 * ConfigError / SecretMissingError whose message names the path it is about; never another
 * exception type. Reproduce a failure with R2K_FUZZ_SEED=<seed printed in the failure>.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { validateConfig } from '../../../lib/config/validate';
import { ConfigError, SecretMissingError } from '../../../lib/errors';
import { clearSecrets } from '../../../lib/secrets/registry';
import { mulberry32 } from '../../../lib/simulator/random';

const EXAMPLE = parse(readFileSync(path.resolve(__dirname, '../../../examples/pipeline.yaml'), 'utf8')) as Record<string, unknown>;
const BASE_SEED = Number(process.env.R2K_FUZZ_SEED ?? 20_241_128);
const MUTATIONS = Number(process.env.R2K_FUZZ_RUNS ?? 500);
const ENV = { API_KEY: 'fuzz-key' };

afterAll(() => clearSecrets());

type Json = unknown;
type Container = Record<string, Json> | Json[];

const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)];

/** Odd values of every JSON type (plus what a JS/TS module config could hold). */
function oddValue(random: () => number): Json {
  const values: (() => Json)[] = [
    () => null,
    () => true,
    () => 0,
    () => -1,
    () => 1e308,
    () => -1e308,
    () => Number.MAX_SAFE_INTEGER + 2,
    () => 0.5,
    () => Number.NaN,
    () => Infinity,
    () => '',
    () => ' ',
    () => 'x'.repeat(100_000),
    () => 'ünïcödé 🚀 \u0000 \u202e سلام',
    () => '${UNSET_VARIABLE}',
    () => '{incremental.start_value}',
    () => [],
    () => [null],
    () => ['a', 1, {}],
    () => ({}),
    () => ({ $secret: 'no_such_secret' }),
    () => ({ $secret: 42 }),
    () => ({ type: 'ofset' }),
    () => ({ nested: { deeper: { deepest: [1, [2, [3]]] } } }),
  ];
  return pick(random, values)();
}

/** Every container in `root` with the path to it. */
function containers(root: Container, at = ''): { node: Container; path: string }[] {
  const found: { node: Container; path: string }[] = [{ node: root, path: at }];
  const entries: [string, Json][] = Array.isArray(root) ? root.map((v, i) => [`[${i}]`, v]) : Object.entries(root).map(([k, v]) => [at ? `.${k}` : k, v]);
  for (const [step, value] of entries) {
    if (value !== null && typeof value === 'object') found.push(...containers(value as Container, `${at}${step}`));
  }
  return found;
}

/** Applies one random mutation to `root` in place; returns what it did. */
function mutate(root: Container, random: () => number): string {
  const { node, path: where } = pick(random, containers(root));
  const keys: (string | number)[] = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
  const set = (k: string | number, v: Json) => ((node as Record<string | number, Json>)[k] = v);
  const get = (k: string | number) => (node as Record<string | number, Json>)[k];
  const kind = keys.length === 0 ? 'add' : pick(random, ['replace', 'replace', 'delete', 'add', 'wrap', 'stringify', 'number']);
  const key = keys.length ? pick(random, keys) : 0;
  switch (kind) {
    case 'replace': {
      const value = oddValue(random);
      set(key, value);
      return `${where}[${String(key)}] = ${show(value)}`;
    }
    case 'delete':
      if (Array.isArray(node)) node.splice(key as number, 1);
      else delete node[key as string];
      return `delete ${where}[${String(key)}]`;
    case 'add': {
      const name = pick(random, ['unknown_key', 'Pipeline_Name', 'ünïcode', '', '__proto__', 'constructor', 'x'.repeat(1000)]);
      const value = oddValue(random);
      if (Array.isArray(node)) node.push(value);
      else Object.defineProperty(node, name, { value, enumerable: true, writable: true, configurable: true });
      return `${where}.${name.slice(0, 20)} += ${show(value)}`;
    }
    case 'wrap':
      set(key, [get(key)]);
      return `${where}[${String(key)}] wrapped in an array`;
    case 'stringify':
      set(key, JSON.stringify(get(key)) ?? 'undefined');
      return `${where}[${String(key)}] as a string`;
    default:
      set(key, pick(random, [-1, 0, 1e9, 2 ** 31, -(2 ** 63), 1.5]));
      return `${where}[${String(key)}] = absurd number`;
  }
}

function show(value: Json): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…(${text.length})` : text;
}

interface Outcome {
  seed: number;
  mutations: string[];
  outcome: string;
}

function fuzzOnce(seed: number): Outcome {
  const random = mulberry32(seed);
  const config = structuredClone(EXAMPLE);
  const mutations = Array.from({ length: 1 + Math.floor(random() * 3) }, () => mutate(config, random));
  try {
    validateConfig(config, { env: ENV });
    return { seed, mutations, outcome: 'valid' };
  } catch (error) {
    if (!(error instanceof ConfigError) && !(error instanceof SecretMissingError)) {
      return { seed, mutations, outcome: `UNEXPECTED ${error instanceof Error ? `${error.name}: ${error.message}\n${error.stack}` : String(error)}` };
    }
    const at = error.context.path;
    if (typeof at !== 'string') return { seed, mutations, outcome: `NO PATH in context: ${error.message}` };
    const named = at === '' ? error.message.includes('(top level)') : error.message.includes(at);
    return { seed, mutations, outcome: named ? 'error naming its path' : `PATH NOT IN MESSAGE (${at}): ${error.message.slice(0, 300)}` };
  }
}

it(`${MUTATIONS} seeded mutations of examples/pipeline.yaml each end in a valid config or a ConfigError naming its path`, () => {
  const failures: Outcome[] = [];
  const tally = new Map<string, number>();
  for (let i = 0; i < MUTATIONS; i++) {
    const result = fuzzOnce(BASE_SEED + i);
    const label = result.outcome === 'valid' || result.outcome === 'error naming its path' ? result.outcome : 'failure';
    tally.set(label, (tally.get(label) ?? 0) + 1);
    if (label === 'failure') failures.push(result);
  }
  // Reproduce one with R2K_FUZZ_SEED=<seed> R2K_FUZZ_RUNS=1.
  expect(failures.slice(0, 5)).toEqual([]);
  // The fuzzer is not vacuous: most mutations are rejected, some survive.
  expect(tally.get('error naming its path') ?? 0).toBeGreaterThan(MUTATIONS / 2);
});

it('the unmutated example is valid (the fuzzer starts from a good config)', () => {
  expect(() => validateConfig(structuredClone(EXAMPLE), { env: ENV })).not.toThrow();
});

describe('regressions the fuzzer found', () => {
  it('kafka.brokers as a { $secret } reference resolves to one broker instead of throwing a TypeError', () => {
    const config = structuredClone(EXAMPLE) as { kafka: Record<string, unknown> };
    config.kafka.brokers = { $secret: 'brokers' };
    expect(validateConfig(config, { env: { ...ENV, BROKERS: 'kafka-1:9092' } }).config.kafka.brokers).toEqual(['kafka-1:9092']);
  });

  it('a 100k-character enum value is rejected naming its path (no edit-distance table of 100k × n)', () => {
    const config = structuredClone(EXAMPLE) as { source: { resources: { endpoint: { paginator: { type: string } } }[] } };
    config.source.resources[0].endpoint.paginator.type = 'x'.repeat(100_000);
    expect(() => validateConfig(config, { env: ENV })).toThrow(/source\.resources\[0\]\.endpoint\.paginator/);
  });
});
