/** `rest2kafka simulator`: runs the incident-management API simulator until interrupted. */
import { parseArgs } from 'node:util';
import { ConfigError } from '../errors';
import { DEFAULT_OPTIONS, startSimulator, type FaultAction, type FaultConfig, type SimulatorOptions } from '../simulator';
import { parseFaultConfig } from '../simulator/fault-config';
import type { Command } from './types';

const FAULT_KINDS: Readonly<Record<string, FaultAction>> = {
  '429': { kind: 'rate-limit' },
  '429-bare': { kind: 'rate-limit', bare: true },
  '500': { kind: 'status', status: 500 },
  '502': { kind: 'status', status: 502 },
  '503': { kind: 'status', status: 503 },
  '504': { kind: 'status', status: 504 },
  reset: { kind: 'reset' },
  malformed: { kind: 'malformed' },
  truncated: { kind: 'truncated' },
  html: { kind: 'body', preset: 'html' },
  empty: { kind: 'body', preset: 'empty' },
  'wrong-types': { kind: 'body', preset: 'wrong-types' },
};

const help = `Usage: rest2kafka simulator [options]

Runs the incident-management API simulator, api_key in the query on every /v1 endpoint:
  GET /v1/incidents, /v1/services        offset/limit paging (max 100) with total; updated_since;
                                          sort=created_at|updated_at
  GET /v1/incidents/{id}/log_entries     an incident's history: offset/limit paging with total,
                                          1 to 300 entries per incident; 404 for an unknown id
  GET /v1/alerts                         every incident's alerts: cursor paging (cursor, limit),
                                          next_cursor null on the last page, no total
Latency and faults apply to every /v1 endpoint. Stops on Ctrl-C (SIGINT) or SIGTERM.

Control endpoints (no api_key; JSON bodies; update and delete take "ids":[...] or "count"):
  POST /_sim/update   {"resource":"incidents","count":7}   updates records (updated_at moves on);
                      optional "patch":{...} sets fields
  POST /_sim/delete   {"resource":"incidents","ids":["INC00000042"]}   hard-deletes records
  POST /_sim/insert   {"resource":"incidents","count":5}   adds records
  POST /_sim/reset    back to the seeded dataset
  GET  /_sim/info, /_sim/stats   seed, live counts, clock; requests and faults served
  GET  /_sim/faults, PUT /_sim/faults <fault config>   the injected faults (as --faults takes)
  GET  /_sim/snapshot/<resource>   JSON lines: a header, then every live record

Options:
  --host <host>                 interface to listen on (default ${DEFAULT_OPTIONS.host})
  --port <n>                    port; 0 picks a free one (default ${DEFAULT_OPTIONS.port})
  --api-key <key>               the api_key clients must send (default: $SIMULATOR_API_KEY, else ${DEFAULT_OPTIONS.apiKey})
  --seed <n>                    dataset and fault seed (default ${DEFAULT_OPTIONS.seed})
  --incidents <n>               base incident count (default ${DEFAULT_OPTIONS.incidents}; millions are fine)
  --services <n>                base service count (default ${DEFAULT_OPTIONS.services})
  --page-ties <n>               consecutive records sharing one updated_at (default ${DEFAULT_OPTIONS.pageTies})
  --latency-ms <ms|min-max>     delay every data response, fixed or uniformly random (e.g. 50 or 10-200)
  --rate-limit-per-minute <n>   enforce a token bucket and send ratelimit-* headers (e.g. 960)
  --rate-limit-burst <n>        bucket size (default: 10 seconds' worth of requests)
  --fault <kind>:<rate>         inject a fault into that fraction of data requests; repeatable.
                                kinds: ${Object.keys(FAULT_KINDS).join(', ')}
                                (429 carries ratelimit-* headers when the rate limit is on;
                                429-bare never does: only Retry-After: 1)
  --fault <kind>@<n>            inject the fault into data request #n only (counted from 1)
  --faults <json>               a whole fault config (latency, rules, script), as PUT /_sim/faults takes
  -h, --help                    show this help

Examples:
  rest2kafka simulator --port 8080
  rest2kafka simulator --incidents 1000000 --latency-ms 50 --rate-limit-per-minute 960
  rest2kafka simulator --fault 503:0.05 --fault reset:0.01 --seed 7
  rest2kafka simulator --rate-limit-per-minute 960 --fault 429-bare@5
  rest2kafka simulator --faults '{"script":[{"request":5,"action":{"kind":"rate-limit","bare":true,"retryAfter":2}}]}'

Exit codes:
  0    stopped by a signal
  2    invalid option, or the port is in use
`;

function integerFlag(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min) throw new ConfigError(`--${name}: expected an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  return n;
}

function latencyFlag(value: string | undefined): FaultConfig['latency'] {
  if (value === undefined) return undefined;
  const match = /^(\d+)(?:-(\d+))?$/.exec(value);
  const minMs = Number(match?.[1]);
  const maxMs = match?.[2] === undefined ? minMs : Number(match[2]);
  if (!match || maxMs < minMs) throw new ConfigError(`--latency-ms: expected <ms> or <min>-<max> (min ≤ max), got ${JSON.stringify(value)}`);
  return { minMs, maxMs };
}

type FaultFlag = { rule: { action: FaultAction; rate: number } } | { script: { request: number; action: FaultAction } };

function faultFlag(value: string): FaultFlag {
  const [, kind = '', separator, amount = ''] = /^(.*)([:@])([^:@]*)$/.exec(value) ?? [];
  const action = FAULT_KINDS[kind];
  const n = Number(amount);
  if (action && separator === ':' && amount !== '' && n >= 0 && n <= 1) return { rule: { action, rate: n } };
  if (action && separator === '@' && /^\d+$/.test(amount) && Number.isSafeInteger(n) && n >= 1) return { script: { request: n, action } };
  throw new ConfigError(`--fault: expected <kind>:<rate> with rate from 0 to 1, or <kind>@<n> with n ≥ 1, and kind one of ${Object.keys(FAULT_KINDS).join(', ')}; got ${JSON.stringify(value)}`);
}

function faultsJson(value: string | undefined): FaultConfig {
  if (value === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw new ConfigError('--faults: not valid JSON', { cause: error });
  }
  return parseFaultConfig(parsed, '--faults');
}

/** The simulator options that `argv` and `env` ask for (throws {@link ConfigError}). */
export function simulatorOptionsFromArgs(argv: string[], env: NodeJS.ProcessEnv): Partial<SimulatorOptions> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'api-key': { type: 'string' },
        seed: { type: 'string' },
        incidents: { type: 'string' },
        services: { type: 'string' },
        'page-ties': { type: 'string' },
        'latency-ms': { type: 'string' },
        'rate-limit-per-minute': { type: 'string' },
        'rate-limit-burst': { type: 'string' },
        fault: { type: 'string', multiple: true },
        faults: { type: 'string' },
      },
    }));
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}. See rest2kafka simulator --help.`, { cause: error });
  }
  const faults = faultsJson(values.faults);
  const latency = latencyFlag(values['latency-ms']);
  if (latency) faults.latency = latency;
  const flags = (values.fault ?? []).map(faultFlag);
  const rules = flags.flatMap((f) => ('rule' in f ? [f.rule] : []));
  const script = flags.flatMap((f) => ('script' in f ? [f.script] : []));
  if (rules.length > 0) faults.rules = [...(faults.rules ?? []), ...rules];
  if (script.length > 0) faults.script = [...(faults.script ?? []), ...script];
  const perMinute = integerFlag('rate-limit-per-minute', values['rate-limit-per-minute'], 1);
  const burst = integerFlag('rate-limit-burst', values['rate-limit-burst'], 1);
  if (burst !== undefined && perMinute === undefined) throw new ConfigError('--rate-limit-burst needs --rate-limit-per-minute');
  const options: Partial<SimulatorOptions> = {
    host: values.host,
    port: integerFlag('port', values.port, 0),
    apiKey: values['api-key'] ?? (env.SIMULATOR_API_KEY || undefined),
    seed: integerFlag('seed', values.seed, 0),
    incidents: integerFlag('incidents', values.incidents, 0),
    services: integerFlag('services', values.services, 0),
    pageTies: integerFlag('page-ties', values['page-ties'], 1),
    faults,
    rateLimit: perMinute === undefined ? undefined : { perMinute, ...(burst !== undefined && { burst }) },
  };
  // Unset flags must not override the defaults with `undefined`.
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}

export const simulatorCommand: Command = {
  name: 'simulator',
  summary: 'run the incident-management API simulator (for the demo, tests and benchmarks)',
  help,
  async run(argv, io) {
    const options = simulatorOptionsFromArgs(argv, io.env);
    const sim = await startSimulator(options);
    const { incidents, services, seed } = { ...DEFAULT_OPTIONS, ...options };
    io.stderr.write(`simulator listening on ${sim.url} (${incidents} incidents, ${services} services, seed ${seed}); press Ctrl-C to stop\n`);
    if (!io.signal.aborted) await new Promise((resolve) => io.signal.addEventListener('abort', resolve, { once: true }));
    await sim.close();
    return 0;
  },
};
