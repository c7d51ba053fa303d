/**
 * A seeded generator of adversarial page bodies for the response fuzzer: it takes a page the
 * simulator really served and breaks it one way — a record field of the wrong JSON kind, a
 * record that is not an object, `data` missing or not a list, a `total` of the wrong kind, JSON
 * cut short, 10,000 levels of nesting, a huge string, bytes that are not UTF-8, an empty or an
 * HTML body — and says what it broke, so a test can tell which outcome is right. The same
 * (page, seed) always gives the same bytes: a failing case replays from its printed seed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FaultAction } from '../../lib/simulator';
import { pick, rngFor, type Rng } from '../../lib/simulator/random';
import { SCHEMAS_DIR } from './pipeline';

export type JsonKind = 'string' | 'number' | 'boolean' | 'null' | 'object' | 'array';
const KINDS: readonly JsonKind[] = ['string', 'number', 'boolean', 'null', 'object', 'array'];

export const MUTATIONS = [
  'field-type',
  'record-not-object',
  'id-over-2^53',
  'deep-nesting-field',
  'deep-nesting-undeclared',
  'deep-nesting-key',
  'deep-nesting-body',
  'huge-string-valid',
  'huge-string-wrong-field',
  'non-utf8',
  'empty-200',
  'html-200',
  'html-502',
  'missing-data',
  'data-not-array',
  'total-wrong-type',
  'truncated-json',
] as const;
export type Mutation = (typeof MUTATIONS)[number];

export interface FuzzedResponse {
  mutation: Mutation;
  /** What was done, e.g. `data[3].urgency = 17 (number)`. */
  description: string;
  status: number;
  contentType: string;
  body: Buffer;
  /** Records that must be dead-lettered, by page index, with the field path the reason names (`null`: the record as a whole). */
  invalid: { index: number; path: string | null }[];
}

/** Nesting depth of the deep-nesting mutations: deeper than any recursive walker survives. */
export const DEEP_LEVELS = 10_000;
/** Big enough to matter, small enough that a record holding it still fits one Kafka message. */
const HUGE_CHARS = 256 * 1024;
const JSON_TYPE = 'application/json; charset=utf-8';
const HTML_PAGE = '<!DOCTYPE html><html><head><title>Service Unavailable</title></head><body><h1>We will be back soon</h1><p>Maintenance in progress.</p></body></html>';
/** 0xFF never occurs in UTF-8; 0xC3 0x28 is a lead byte followed by a non-continuation byte. */
const INVALID_UTF8 = Buffer.from([0xff, 0xfe, 0xc3, 0x28]);
/** Stands in for raw text that JSON.stringify cannot produce (a number over 2^53, deep nesting, bad bytes). */
const RAW = '\u0000r2k-fuzz-raw\u0000';

type Envelope = { data: Record<string, unknown>[]; [key: string]: unknown };

/**
 * The JSON kinds each top-level field of an Avro record schema accepts, read from the .avsc
 * file directly (not through lib/validation, which is what the fuzzer tests).
 */
export function acceptedKinds(schemaFile = path.join(SCHEMAS_DIR, 'incidents.avsc')): Record<string, JsonKind[]> {
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as { fields: { name: string; type: unknown }[] };
  const kindsOf = (type: unknown): JsonKind[] => {
    if (Array.isArray(type)) return type.flatMap(kindsOf);
    const name = typeof type === 'string' ? type : (type as { type: string }).type;
    switch (name) {
      case 'null':
        return ['null'];
      case 'boolean':
        return ['boolean'];
      case 'int':
      case 'long':
      case 'float':
      case 'double':
        return ['number'];
      case 'string':
      case 'enum':
        return ['string'];
      case 'array':
        return ['array'];
      default:
        return ['object'];
    }
  };
  return Object.fromEntries(schema.fields.map((f) => [f.name, kindsOf(f.type)]));
}

function valueOfKind(kind: JsonKind, rng: Rng): unknown {
  switch (kind) {
    case 'string':
      return pick(rng, ['', 'yes', '42', '2024-13-45T99:99:99Z']);
    case 'number':
      return pick(rng, [0, -1, 17, 3.5, 1e308]);
    case 'boolean':
      return rng() < 0.5;
    case 'null':
      return null;
    case 'object':
      return pick(rng, [{}, { nested: { value: 1 } }]);
    case 'array':
      return pick(rng, [[], [1, 'two', null]]);
  }
}

/** Serialises `envelope`, then swaps the {@link RAW} placeholder string for `raw` bytes. */
function withRaw(envelope: unknown, raw: Buffer): Buffer {
  const [before, after] = JSON.stringify(envelope).split(JSON.stringify(RAW));
  return Buffer.concat([Buffer.from(before), raw, Buffer.from(after)]);
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

/**
 * Breaks `page` (a body the simulator served: `{"data": [...], "total": N, ...}`) one way.
 * `fields` says which JSON kinds each record field accepts (see {@link acceptedKinds}).
 *
 * @example
 * const fuzzed = mutate('field-type', pageText, rngFor(seed, 0, 1), acceptedKinds());
 * await sim.control.setFaults({ script: [{ request: 2, action: faultActionOf(fuzzed) }] });
 */
export function mutate(mutation: Mutation, page: string, rng: Rng, fields: Record<string, JsonKind[]>): FuzzedResponse {
  const envelope = JSON.parse(page) as Envelope;
  const data = envelope.data;
  if (data.length === 0) throw new Error('mutate needs a page with records');
  const index = Math.floor(rng() * data.length);
  const at = (description: string, body: Buffer, invalid: FuzzedResponse['invalid'] = [], status = 200, contentType = JSON_TYPE): FuzzedResponse => ({
    mutation,
    description,
    status,
    contentType,
    body,
    invalid,
  });
  const record = { ...data[index] };
  const replaced = (value: unknown) => ({ ...envelope, data: data.map((r, i) => (i === index ? { ...record, ...(value as object) } : r)) });

  switch (mutation) {
    case 'field-type': {
      const field = pick(rng, Object.keys(fields));
      const kind = pick(rng, KINDS.filter((k) => !fields[field].includes(k)));
      const value = valueOfKind(kind, rng);
      return at(`data[${index}].${field} = ${JSON.stringify(value)} (${kind})`, json(replaced({ [field]: value })), [{ index, path: field }]);
    }
    case 'record-not-object': {
      const value = valueOfKind(pick(rng, ['string', 'number', 'boolean', 'null', 'array'] as const), rng);
      const body = { ...envelope, data: data.map((r, i) => (i === index ? value : r)) };
      return at(`data[${index}] = ${JSON.stringify(value)}`, json(body), [{ index, path: null }]);
    }
    case 'id-over-2^53':
      // 2^53 + 1: JSON.parse rounds it to 2^53, so the number cannot even be read back exactly.
      return at(`data[${index}].id = 9007199254740993`, withRaw(replaced({ id: RAW }), Buffer.from('9007199254740993')), [{ index, path: 'id' }]);
    case 'deep-nesting-field': {
      const field = pick(rng, Object.keys(fields).filter((f) => !fields[f].includes('array')));
      const deep = `${'['.repeat(DEEP_LEVELS)}${']'.repeat(DEEP_LEVELS)}`;
      return at(`data[${index}].${field} = ${DEEP_LEVELS} nested arrays`, withRaw(replaced({ [field]: RAW }), Buffer.from(deep)), [{ index, path: field }]);
    }
    case 'deep-nesting-undeclared': {
      const deep = `${'{"a":'.repeat(DEEP_LEVELS)}1${'}'.repeat(DEEP_LEVELS)}`;
      return at(`data[${index}].metadata = ${DEEP_LEVELS} nested objects`, withRaw(replaced({ metadata: RAW }), Buffer.from(deep)), [{ index, path: null }]);
    }
    case 'deep-nesting-key': {
      const deep = `${'['.repeat(DEEP_LEVELS)}${']'.repeat(DEEP_LEVELS)}`;
      return at(`data[${index}].id = ${DEEP_LEVELS} nested arrays`, withRaw(replaced({ id: RAW }), Buffer.from(deep)), [{ index, path: 'id' }]);
    }
    case 'deep-nesting-body': {
      const deep = `${'{"a":'.repeat(DEEP_LEVELS)}1${'}'.repeat(DEEP_LEVELS)}`;
      return at(`data = ${DEEP_LEVELS} nested objects`, withRaw({ ...envelope, data: RAW }, Buffer.from(deep)));
    }
    case 'huge-string-valid': {
      const field = pick(rng, Object.keys(fields).filter((f) => f !== 'id' && fields[f].includes('string')));
      return at(`data[${index}].${field} = ${HUGE_CHARS} chars`, json(replaced({ [field]: 'h'.repeat(HUGE_CHARS) })));
    }
    case 'huge-string-wrong-field': {
      const field = pick(rng, Object.keys(fields).filter((f) => !fields[f].includes('string')));
      return at(`data[${index}].${field} = ${HUGE_CHARS} chars (string)`, json(replaced({ [field]: 'w'.repeat(HUGE_CHARS) })), [{ index, path: field }]);
    }
    case 'non-utf8': {
      const field = pick(rng, Object.keys(fields).filter((f) => f !== 'id' && fields[f].includes('string')));
      const bytes = Buffer.concat([Buffer.from('"caf'), INVALID_UTF8, Buffer.from('"')]);
      return at(`data[${index}].${field} holds the bytes ${INVALID_UTF8.toString('hex')}`, withRaw(replaced({ [field]: RAW }), bytes));
    }
    case 'empty-200':
      return at('an empty 200 body', Buffer.alloc(0));
    case 'html-200':
      return at('an HTML page with 200', Buffer.from(HTML_PAGE), [], 200, 'text/html; charset=utf-8');
    case 'html-502':
      return at('an HTML page with 502', Buffer.from(HTML_PAGE), [], 502, 'text/html; charset=utf-8');
    case 'missing-data': {
      const rest: Record<string, unknown> = { ...envelope };
      delete rest.data;
      return at('no "data" key', json(rest));
    }
    case 'data-not-array': {
      const value = pick(rng, [{ items: data }, data[0], 'none', 42, true]);
      return at(`data = ${typeof value === 'object' ? 'an object' : JSON.stringify(value)}`, json({ ...envelope, data: value }));
    }
    case 'total-wrong-type': {
      const value = pick(rng, ['many', true, { count: envelope.total }, [envelope.total], 'x'.repeat(HUGE_CHARS)]);
      const shown = typeof value === 'string' && value.length > 20 ? `${value.length} chars` : JSON.stringify(value);
      return at(`total = ${shown}`, json({ ...envelope, total: value }));
    }
    case 'truncated-json': {
      const text = Buffer.from(page);
      const cut = 1 + Math.floor(rng() * (text.length - 2));
      return at(`cut after byte ${cut} of ${text.length}`, text.subarray(0, cut));
    }
  }
}

/**
 * `count` mutations drawn from `seed`: the mutation, then its details, each from its own
 * draw-sequence so changing one case never changes another.
 */
export function randomMutations(page: string, seed: number, count: number, fields: Record<string, JsonKind[]>): FuzzedResponse[] {
  return Array.from({ length: count }, (_, i) => {
    const rng = rngFor(seed, i, 0xf022);
    return mutate(pick(rng, MUTATIONS), page, rng, fields);
  });
}

/** The simulator fault that serves `fuzzed` verbatim. */
export function faultActionOf(fuzzed: FuzzedResponse): FaultAction {
  return { kind: 'body', status: fuzzed.status, contentType: fuzzed.contentType, body: fuzzed.body.toString('base64'), encoding: 'base64' };
}
