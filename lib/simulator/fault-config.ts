/**
 * Validates a fault config arriving as JSON (`PUT /_sim/faults`, `--faults`). Errors name the
 * path and the allowed values, like the rest of rest2kafka's config validation.
 */
import { ConfigError } from '../errors';
import type { BodyPreset, FaultAction, FaultConfig, FaultRule } from './faults';

const STATUSES = [500, 502, 503, 504];
const PRESETS: readonly BodyPreset[] = ['html', 'empty', 'wrong-types'];
const KINDS = ['status', 'rate-limit', 'reset', 'malformed', 'truncated', 'body'];

type Json = Record<string, unknown>;

function fail(path: string, message: string): never {
  throw new ConfigError(`${path}: ${message}`, { context: { path } });
}

function object(value: unknown, path: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'must be an object');
  return value as Json;
}

function integer(value: unknown, path: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) fail(path, `must be an integer ≥ ${min}`);
  return value;
}

function onlyKeys(obj: Json, path: string, allowed: readonly string[]): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) fail(`${path}.${key}`, `unknown key; known: ${allowed.join(', ')}`);
  }
}

export function parseFaultAction(value: unknown, path: string): FaultAction {
  const obj = object(value, path);
  const kind = obj.kind;
  switch (kind) {
    case 'status':
      onlyKeys(obj, path, ['kind', 'status']);
      if (!STATUSES.includes(obj.status as number)) fail(`${path}.status`, `must be one of ${STATUSES.join(', ')}`);
      return { kind, status: obj.status as 500 | 502 | 503 | 504 };
    case 'rate-limit': {
      onlyKeys(obj, path, ['kind', 'retryAfter', 'retryAfterFormat', 'bare']);
      const action: FaultAction & { kind: 'rate-limit' } = { kind };
      if (typeof obj.bare === 'boolean') action.bare = obj.bare;
      else if (obj.bare !== undefined) fail(`${path}.bare`, 'must be true or false');
      if (obj.retryAfter === null) action.retryAfter = null;
      else if (obj.retryAfter !== undefined) action.retryAfter = integer(obj.retryAfter, `${path}.retryAfter`, 0);
      const format = obj.retryAfterFormat;
      if (format === 'seconds' || format === 'http-date') action.retryAfterFormat = format;
      else if (format !== undefined) fail(`${path}.retryAfterFormat`, 'must be "seconds" or "http-date"');
      return action;
    }
    case 'reset':
    case 'malformed':
      onlyKeys(obj, path, ['kind']);
      return { kind };
    case 'truncated':
      onlyKeys(obj, path, ['kind', 'framing']);
      if (obj.framing === undefined) return { kind };
      if (obj.framing !== 'content-length' && obj.framing !== 'chunked') fail(`${path}.framing`, 'must be "content-length" or "chunked"');
      return { kind, framing: obj.framing };
    case 'body': {
      if (obj.preset !== undefined) {
        onlyKeys(obj, path, ['kind', 'preset']);
        if (!PRESETS.includes(obj.preset as BodyPreset)) fail(`${path}.preset`, `must be one of ${PRESETS.join(', ')}`);
        return { kind, preset: obj.preset as BodyPreset };
      }
      onlyKeys(obj, path, ['kind', 'status', 'contentType', 'body', 'encoding']);
      if (typeof obj.contentType !== 'string') fail(`${path}.contentType`, 'must be a string (or give a preset)');
      if (typeof obj.body !== 'string') fail(`${path}.body`, 'must be a string (or give a preset)');
      const action: FaultAction & { kind: 'body' } = { kind, status: integer(obj.status, `${path}.status`, 100), contentType: obj.contentType, body: obj.body };
      if (obj.encoding === 'utf8' || obj.encoding === 'base64') action.encoding = obj.encoding;
      else if (obj.encoding !== undefined) fail(`${path}.encoding`, 'must be "utf8" or "base64"');
      return action;
    }
    default:
      return fail(`${path}.kind`, `${JSON.stringify(kind)} is not a fault; known: ${KINDS.join(', ')}`);
  }
}

function parseRule(value: unknown, path: string): FaultRule {
  const obj = object(value, path);
  onlyKeys(obj, path, ['action', 'rate', 'burst']);
  const rule: FaultRule = { action: parseFaultAction(obj.action, `${path}.action`) };
  if (obj.rate !== undefined) {
    if (typeof obj.rate !== 'number' || !(obj.rate >= 0 && obj.rate <= 1)) fail(`${path}.rate`, 'must be a number between 0 and 1');
    rule.rate = obj.rate;
  }
  if (obj.burst !== undefined) {
    const burst = object(obj.burst, `${path}.burst`);
    onlyKeys(burst, `${path}.burst`, ['from', 'count']);
    rule.burst = { from: integer(burst.from, `${path}.burst.from`, 1), count: integer(burst.count, `${path}.burst.count`, 1) };
  }
  if (rule.rate === undefined && rule.burst === undefined) fail(path, 'needs a rate, a burst, or both');
  return rule;
}

/**
 * Latency as a number of ms, `{ms}`, or `{minMs, maxMs}`; normalised to a range.
 */
function parseLatency(value: unknown, path: string): FaultConfig['latency'] {
  if (value === null) return null;
  if (typeof value === 'number') {
    const ms = integer(value, path, 0);
    return { minMs: ms, maxMs: ms };
  }
  const obj = object(value, path);
  if (obj.ms !== undefined) {
    onlyKeys(obj, path, ['ms']);
    const ms = integer(obj.ms, `${path}.ms`, 0);
    return { minMs: ms, maxMs: ms };
  }
  onlyKeys(obj, path, ['minMs', 'maxMs']);
  const minMs = integer(obj.minMs, `${path}.minMs`, 0);
  const maxMs = integer(obj.maxMs, `${path}.maxMs`, minMs);
  return { minMs, maxMs };
}

/**
 * A validated {@link FaultConfig} from untrusted JSON.
 *
 * @example parseFaultConfig({ rules: [{ action: { kind: 'reset' }, burst: { from: 3, count: 2 } }] }, 'faults')
 */
export function parseFaultConfig(value: unknown, path = 'faults'): FaultConfig {
  const obj = object(value, path);
  onlyKeys(obj, path, ['seed', 'latency', 'rules', 'script']);
  const config: FaultConfig = {};
  if (obj.seed !== undefined) config.seed = integer(obj.seed, `${path}.seed`, 0);
  if (obj.latency !== undefined) config.latency = parseLatency(obj.latency, `${path}.latency`);
  if (obj.rules !== undefined) {
    if (!Array.isArray(obj.rules)) fail(`${path}.rules`, 'must be an array');
    config.rules = obj.rules.map((r, i) => parseRule(r, `${path}.rules[${i}]`));
  }
  if (obj.script !== undefined) {
    if (!Array.isArray(obj.script)) fail(`${path}.script`, 'must be an array');
    config.script = obj.script.map((s, i) => {
      const entry = object(s, `${path}.script[${i}]`);
      onlyKeys(entry, `${path}.script[${i}]`, ['request', 'action']);
      return { request: integer(entry.request, `${path}.script[${i}].request`, 1), action: parseFaultAction(entry.action, `${path}.script[${i}].action`) };
    });
  }
  return config;
}
