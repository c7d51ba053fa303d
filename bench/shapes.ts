/**
 * The API shapes the pipeline scenarios pull, written once as dlt `rest_api_source` resources,
 * so that rest2kafka and dlt (scripts/dlt/rest_api_load.py) run the very same config, and the record counts a
 * run must deliver, computed from the simulator's own generator rather than from the run.
 */
import { DEFAULT_OPTIONS } from '../lib/simulator';
import { logEntryCount } from '../lib/simulator/log-entries';

export const PAGE_SIZE = 100;

export interface Shape {
  /** The source's `resources`, parents first. */
  resources: readonly Record<string, unknown>[];
  /** Records per resource from a fresh simulator with `incidents` incidents (default seed and services). */
  expected(incidents: number): Record<string, number>;
}

const offsetPaging = { type: 'offset', limit: PAGE_SIZE };
const incidents = { name: 'incidents', endpoint: { path: '/v1/incidents', data_selector: 'data', paginator: offsetPaging } };
const services = { name: 'services', endpoint: { path: '/v1/services', data_selector: 'data', paginator: offsetPaging } };

/** examples/pipeline.yaml's incidents resource alone. */
export const INCIDENTS: Shape = { resources: [incidents], expected: (n) => ({ incidents: n }) };

/** The seed config, examples/pipeline.yaml: incidents and services. */
export const SEED: Shape = { resources: [incidents, services], expected: (n) => ({ incidents: n, services: DEFAULT_OPTIONS.services }) };

export interface FanOutOptions {
  /** dlt's `parallelized` on the child; unset leaves rest2kafka's default (child_concurrency chains). */
  parallelized?: boolean;
  /**
   * Read only the first `n` entries of each incident, in one request (`single_page`, `limit=n`)
   * instead of all of them in pages of 100: 100,000 incidents then give ~0.9M entries rather
   * than ~6.6M, which the broker and kcat could not take in minutes on two cores.
   */
  firstEntries?: number;
}

/**
 * examples/incident-children.yaml's incidents and their dependent log_entries: one to three
 * child pages per incident (or one, with `firstEntries`).
 */
export function fanOut({ parallelized, firstEntries }: FanOutOptions = {}): Shape {
  const paging = firstEntries === undefined ? { paginator: offsetPaging } : { params: { limit: firstEntries }, paginator: { type: 'single_page' } };
  const logEntries = {
    name: 'log_entries',
    ...(parallelized !== undefined && { parallelized }),
    endpoint: { path: '/v1/incidents/{resources.incidents.id}/log_entries', data_selector: 'data', ...paging },
  };
  return { resources: [incidents, logEntries], expected: (n) => ({ incidents: n, log_entries: logEntriesOf(n, firstEntries ?? Infinity) }) };
}

/** Log entries of the first `incidents` incidents, at most `cap` of each. */
export function logEntriesOf(incidents: number, cap = Infinity): number {
  let total = 0;
  for (let i = 0; i < incidents; i++) total += Math.min(cap, logEntryCount(DEFAULT_OPTIONS.seed, i));
  return total;
}

export function totalOf(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

const auth = (apiKey: unknown) => ({ type: 'api_key', name: 'api_key', api_key: apiKey, location: 'query' });

/**
 * A rest2kafka pipeline config for `shape`, with bench names: the seed's retry policy, `client`
 * settings as given (none: the defaults), JSON values into compacted single-partition topics.
 */
export function pipelineConfig(name: string, baseUrl: string, brokers: string[], shape: Shape, client: Record<string, unknown>, schemasDir: string): object {
  return {
    pipeline_name: name,
    source: {
      client: { base_url: baseUrl, auth: auth({ $secret: 'api_key' }), max_retries: 3, backoff_factor: 2, retry_statuses: [429, 500, 502, 503, 504], ...client },
      resource_defaults: { primary_key: 'id', write_disposition: 'merge' },
      resources: shape.resources,
    },
    kafka: { brokers, client_id: 'rest2kafka-bench' },
    topics: { name: '{table_name}', prefix: `${name}.`, partitions: 1, replication_factor: 1 },
    delivery: { value_format: 'json', transactions: true, on_invalid: 'dead_letter', schemas_dir: schemasDir },
  };
}

/**
 * The same source as dlt's `rest_api_source` takes it: dlt has no `$secret` (the key is given
 * as is) and its retries are runtime settings, not `client` keys (its defaults stand).
 */
export function dltSource(baseUrl: string, apiKey: string, shape: Shape): object {
  return { client: { base_url: baseUrl, auth: auth(apiKey) }, resource_defaults: { primary_key: 'id', write_disposition: 'merge' }, resources: shape.resources };
}
