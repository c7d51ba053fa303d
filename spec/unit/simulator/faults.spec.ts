import { ConfigError } from '../../../lib/errors';
import { rateLimitFaultHeaders } from '../../../lib/simulator/data-endpoints';
import { parseFaultConfig } from '../../../lib/simulator/fault-config';
import { decideFault, type FaultConfig } from '../../../lib/simulator/faults';

const kinds = (config: FaultConfig, seed: number, n: number) =>
  Array.from({ length: n }, (_, i) => decideFault(config, seed, i + 1).action?.kind ?? null);

describe('decideFault', () => {
  const rated: FaultConfig = { rules: [{ action: { kind: 'status', status: 503 }, rate: 0.2 }] };

  it('is reproducible from the seed and differs across seeds', () => {
    expect(kinds(rated, 5, 200)).toEqual(kinds(rated, 5, 200));
    expect(kinds(rated, 5, 200)).not.toEqual(kinds(rated, 6, 200));
    expect(kinds({ ...rated, seed: 6 }, 5, 200)).toEqual(kinds(rated, 6, 200));
  });

  it('fires at roughly the configured rate', () => {
    const fired = kinds(rated, 1, 5000).filter((k) => k !== null).length;
    expect(fired).toBeGreaterThan(900);
    expect(fired).toBeLessThan(1100);
  });

  it('fires on every request of a burst and nowhere else', () => {
    const config: FaultConfig = { rules: [{ action: { kind: 'reset' }, burst: { from: 3, count: 2 } }] };
    expect(kinds(config, 1, 6)).toEqual([null, null, 'reset', 'reset', null, null]);
  });

  it('lets a script entry win over the rules, and takes the first rule that fires', () => {
    const config: FaultConfig = {
      rules: [
        { action: { kind: 'malformed' }, burst: { from: 1, count: 10 } },
        { action: { kind: 'truncated' }, rate: 1 },
      ],
      script: [{ request: 4, action: { kind: 'rate-limit', retryAfter: 2 } }],
    };
    expect(kinds(config, 1, 5)).toEqual(['malformed', 'malformed', 'malformed', 'rate-limit', 'malformed']);
    expect(kinds(config, 1, 12).slice(10)).toEqual(['truncated', 'truncated']);
  });

  it('draws latency within the range, fixed when min equals max', () => {
    const ranged = Array.from({ length: 500 }, (_, k) => decideFault({ latency: { minMs: 10, maxMs: 20 } }, 1, k + 1).latencyMs);
    expect(Math.min(...ranged)).toBe(10);
    expect(Math.max(...ranged)).toBe(20);
    expect(decideFault({ latency: { minMs: 50, maxMs: 50 } }, 1, 9).latencyMs).toBe(50);
    expect(decideFault({}, 1, 9)).toEqual({ action: null, latencyMs: 0 });
  });
});

describe('parseFaultConfig', () => {
  it('normalises latency shorthands and keeps valid rules', () => {
    expect(parseFaultConfig({ latency: 30 })).toEqual({ latency: { minMs: 30, maxMs: 30 } });
    expect(parseFaultConfig({ latency: { ms: 5 } })).toEqual({ latency: { minMs: 5, maxMs: 5 } });
    const config = {
      seed: 3,
      latency: { minMs: 1, maxMs: 9 },
      rules: [
        { action: { kind: 'rate-limit', retryAfter: null }, rate: 0.5 },
        { action: { kind: 'rate-limit', bare: true, retryAfter: 3 }, burst: { from: 7, count: 1 } },
      ],
      script: [
        { request: 2, action: { kind: 'body', preset: 'html' } },
        { request: 3, action: { kind: 'body', status: 200, contentType: 'text/plain', body: 'x' } },
        { request: 4, action: { kind: 'body', status: 200, contentType: 'application/json', body: '/w==', encoding: 'base64' } },
      ],
    };
    expect(parseFaultConfig(config)).toEqual(config);
  });

  it.each([
    [[], 'faults: must be an object'],
    [{ rules: [{ action: { kind: 'status', status: 501 }, rate: 1 }] }, 'faults.rules[0].action.status: must be one of 500, 502, 503, 504'],
    [{ rules: [{ action: { kind: 'explode' }, rate: 1 }] }, 'faults.rules[0].action.kind: "explode" is not a fault; known: status, rate-limit, reset, malformed, truncated, body'],
    [{ rules: [{ action: { kind: 'reset' } }] }, 'faults.rules[0]: needs a rate, a burst, or both'],
    [{ rules: [{ action: { kind: 'reset' }, rate: 2 }] }, 'faults.rules[0].rate: must be a number between 0 and 1'],
    [{ rules: [{ action: { kind: 'reset' }, burst: { from: 0, count: 1 } }] }, 'faults.rules[0].burst.from: must be an integer ≥ 1'],
    [{ script: [{ request: 1, action: { kind: 'body', preset: 'xml' } }] }, 'faults.script[0].action.preset: must be one of html, empty, wrong-types'],
    [{ script: [{ request: 1, action: { kind: 'rate-limit', retryAfterFormat: 'minutes' } }] }, 'faults.script[0].action.retryAfterFormat: must be "seconds" or "http-date"'],
    [{ script: [{ request: 1, action: { kind: 'truncated', framing: 'gzip' } }] }, 'faults.script[0].action.framing: must be "content-length" or "chunked"'],
    [{ script: [{ request: 1, action: { kind: 'body', status: 200, contentType: 'text/plain', body: 'x', encoding: 'hex' } }] }, 'faults.script[0].action.encoding: must be "utf8" or "base64"'],
    [{ script: [{ request: 1, action: { kind: 'rate-limit', bare: 'yes' } }] }, 'faults.script[0].action.bare: must be true or false'],
    [{ latency: { minMs: 10, maxMs: 5 } }, 'faults.latency.maxMs: must be an integer ≥ 10'],
    [{ latncy: 5 }, 'faults.latncy: unknown key; known: seed, latency, rules, script'],
  ])('rejects %j with its path', (input, message) => {
    expect(() => parseFaultConfig(input)).toThrow(new ConfigError(message));
    expect(() => parseFaultConfig(input)).toThrow(ConfigError);
  });
});

describe('rateLimitFaultHeaders', () => {
  const request = { 'x-request-id': 'sim-5', 'ratelimit-limit': 960, 'ratelimit-remaining': 12, 'ratelimit-reset': 0 };
  const now = Date.UTC(2025, 0, 2);

  it('keeps the rate-limit headers of a plain 429 and adds Retry-After: 1', () => {
    expect(rateLimitFaultHeaders({ kind: 'rate-limit' }, request, now)).toEqual({ ...request, 'retry-after': 1 });
  });

  it('sends a bare 429 with Retry-After only, default 1 second or as configured', () => {
    expect(rateLimitFaultHeaders({ kind: 'rate-limit', bare: true }, request, now)).toEqual({ 'x-request-id': 'sim-5', 'retry-after': 1 });
    expect(rateLimitFaultHeaders({ kind: 'rate-limit', bare: true, retryAfter: 4 }, request, now)).toEqual({ 'x-request-id': 'sim-5', 'retry-after': 4 });
    expect(rateLimitFaultHeaders({ kind: 'rate-limit', bare: true, retryAfter: 2, retryAfterFormat: 'http-date' }, request, now)).toEqual({
      'x-request-id': 'sim-5',
      'retry-after': 'Thu, 02 Jan 2025 00:00:02 GMT',
    });
  });
});
