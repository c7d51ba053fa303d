/**
 * Fault injection for `/v1/*`: what goes wrong with data request #k is a pure function of the
 * fault config, its seed and k, so a failing test replays exactly. Requests are numbered from
 * 1 in arrival order, counting those that passed authentication and the rate limit.
 */
import { rngFor } from './random';

/** Adversarial 200 answers for fuzzing response handling. */
export type BodyPreset = 'html' | 'empty' | 'wrong-types';

export type FaultAction =
  | { kind: 'status'; status: 500 | 502 | 503 | 504 }
  /**
   * 429; `retryAfter` seconds (default 1) sent as seconds or an HTTP date, or no header when
   * `null`. `bare`: no `ratelimit-*` headers either, even with the rate limit on.
   */
  | { kind: 'rate-limit'; retryAfter?: number | null; retryAfterFormat?: 'seconds' | 'http-date'; bare?: boolean }
  /** The connection is reset before any response byte. */
  | { kind: 'reset' }
  /** A complete 200 whose body is not valid JSON. */
  | { kind: 'malformed' }
  /**
   * A 200 whose body stops halfway and the connection closes: with `content-length` framing
   * (the default) the header promises more bytes than arrive; with `chunked` the terminating
   * chunk never comes. node-fetch 2 reports the chunked case as "Premature close" but waits
   * for the content-length case until its `timeout`, so both are worth testing.
   */
  | { kind: 'truncated'; framing?: 'content-length' | 'chunked' }
  /**
   * A preset adversarial body, or exactly the given status, content type and body. `base64`
   * carries bytes a JSON string cannot (a body that is not valid UTF-8).
   */
  | { kind: 'body'; preset: BodyPreset }
  | { kind: 'body'; status: number; contentType: string; body: string; encoding?: 'utf8' | 'base64' };

export type FaultKind = FaultAction['kind'];

/** A fault that fires at random with probability `rate`, on requests `burst.from … from+count−1`, or both. */
export interface FaultRule {
  action: FaultAction;
  rate?: number;
  burst?: { from: number; count: number };
}

export interface FaultConfig {
  /** Seed of the random decisions; defaults to the simulator's seed. */
  seed?: number;
  /** Delay before every data response, drawn uniformly from [minMs, maxMs]. */
  latency?: { minMs: number; maxMs: number } | null;
  /** Checked in order; the first that fires wins. */
  rules?: FaultRule[];
  /** Exactly these requests fail this way; takes precedence over `rules`. */
  script?: { request: number; action: FaultAction }[];
}

export interface FaultDecision {
  action: FaultAction | null;
  latencyMs: number;
}

const LATENCY_SALT = 0x1a7e;
const RULE_SALT = 0xfa17;

/**
 * The fault (if any) and the delay for data request `k`.
 *
 * @example decideFault({ rules: [{ action: { kind: 'status', status: 503 }, rate: 0.1 }] }, 42, 7)
 */
export function decideFault(config: FaultConfig, defaultSeed: number, k: number): FaultDecision {
  const seed = config.seed ?? defaultSeed;
  const latency = config.latency;
  let latencyMs = 0;
  if (latency) {
    const span = latency.maxMs - latency.minMs;
    latencyMs = latency.minMs + (span > 0 ? Math.floor(rngFor(seed, k, LATENCY_SALT)() * (span + 1)) : 0);
  }
  const scripted = config.script?.find((s) => s.request === k);
  if (scripted) return { action: scripted.action, latencyMs };
  const rules = config.rules ?? [];
  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r] as FaultRule;
    const inBurst = rule.burst !== undefined && k >= rule.burst.from && k < rule.burst.from + rule.burst.count;
    if (inBurst || (rule.rate !== undefined && rngFor(seed, k, RULE_SALT + r)() < rule.rate)) {
      return { action: rule.action, latencyMs };
    }
  }
  return { action: null, latencyMs };
}
