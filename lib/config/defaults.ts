/**
 * dlt's defaults and `resource_defaults` merge (shared/reference/dlt-rest-api.md §5, §12), and
 * rest2kafka's own pipeline defaults. Pure: input is an already validated config.
 */
import { parentsOf } from './placeholders';
import type {
  ClientConfig,
  ClientDefaulted,
  CoordinationConfig,
  ColumnHint,
  DeliveryConfig,
  EndpointConfig,
  KafkaConfig,
  PipelineConfig,
  ResolvedClientConfig,
  ResolvedKafkaConfig,
  ResolvedResource,
  ResourceConfig,
  SourceConfig,
  TopicsConfig,
} from './types';
import { isPlainObject } from './values';

type ResourceDefaults = Omit<ResourceConfig, 'name'>;

/**
 * Every resource of `source` with `resource_defaults` merged in and dlt's defaults applied.
 *
 * @example
 * resolveResources({ client: { base_url: 'https://x' }, resource_defaults: { primary_key: 'id' },
 *   resources: ['incidents'] })[0]
 * // → { name: 'incidents', endpoint: { path: 'incidents', method: 'GET' }, primaryKey: ['id'],
 * //     writeDisposition: 'append', tableName: 'incidents', parent: null, ... }
 */
export function resolveResources(source: SourceConfig): ResolvedResource[] {
  const defaults = source.resource_defaults ?? {};
  return source.resources.map((entry) => {
    // A string is both the resource name and its endpoint path.
    const resource: ResourceConfig = typeof entry === 'string' ? { name: entry, endpoint: { path: entry } } : entry;
    return resolveResource(mergeResource(defaults, resource));
  });
}

function resolveResource(r: ResourceConfig): ResolvedResource {
  const endpoint = singleEntityRule({
    ...toEndpoint(r.endpoint),
    path: toEndpoint(r.endpoint).path ?? r.name,
    method: toEndpoint(r.endpoint).method ?? 'GET',
  });
  const disposition = r.write_disposition;
  return {
    name: r.name,
    tableName: r.table_name ?? r.name,
    endpoint,
    primaryKey: toList(r.primary_key),
    mergeKey: toList(r.merge_key),
    writeDisposition: (typeof disposition === 'object' ? disposition.disposition : disposition) ?? 'append',
    columns: r.columns ?? {},
    schemaContract: r.schema_contract ?? 'evolve',
    selected: r.selected ?? true,
    processingSteps: r.processing_steps ?? [],
    includeFromParent: r.include_from_parent ?? [],
    parallelized: r.parallelized ?? null,
    parent: parentsOf(endpoint)[0] ?? null,
  };
}

/**
 * dlt §12.2: resource keys replace default keys shallowly, and so do endpoint keys, except
 * that `params` and `json` merge one level deep (resource wins) and `columns` merge per
 * column. An explicit `null` in the resource replaces the default.
 */
export function mergeResource(defaults: ResourceDefaults, resource: ResourceConfig): ResourceConfig {
  const merged = { ...defined(defaults), ...defined(resource) } as ResourceConfig;
  if (defaults.endpoint !== undefined && resource.endpoint !== undefined) {
    merged.endpoint = mergeEndpoint(toEndpoint(defaults.endpoint), toEndpoint(resource.endpoint));
  }
  if (defaults.columns && resource.columns) merged.columns = mergeColumns(defaults.columns, resource.columns);
  return merged;
}

function mergeEndpoint(defaults: EndpointConfig, endpoint: EndpointConfig): EndpointConfig {
  const merged: EndpointConfig = { ...defined(defaults), ...defined(endpoint) };
  if (isPlainObject(defaults.params) && isPlainObject(endpoint.params)) merged.params = { ...defaults.params, ...endpoint.params };
  if (isPlainObject(defaults.json) && isPlainObject(endpoint.json)) merged.json = { ...defaults.json, ...endpoint.json };
  return merged;
}

function mergeColumns(defaults: Record<string, ColumnHint>, columns: Record<string, ColumnHint>): Record<string, ColumnHint> {
  const merged = { ...defaults };
  for (const [name, hint] of Object.entries(columns)) merged[name] = { ...defaults[name], ...hint };
  return merged;
}

/**
 * dlt §4.5: a path whose last segment holds a `{placeholder}` fetches one entity, so a missing
 * (or null) paginator becomes `single_page` and a missing (or null) selector becomes `$`.
 * Runs after the merge, so it bypasses only the client paginator.
 */
function singleEntityRule<E extends EndpointConfig & { path: string }>(endpoint: E): E {
  const last = endpoint.path.replace(/\/+$/, '').split('/').pop() ?? '';
  if (!/\{[A-Za-z0-9._-]+\}/.test(last)) return endpoint;
  return {
    ...endpoint,
    paginator: endpoint.paginator ?? { type: 'single_page' },
    data_selector: endpoint.data_selector ?? '$',
  };
}

function toEndpoint(endpoint: EndpointConfig | string | undefined): EndpointConfig {
  if (endpoint === undefined) return {};
  return typeof endpoint === 'string' ? { path: endpoint } : endpoint;
}

function toList(key: string | string[] | undefined): string[] {
  if (key === undefined) return [];
  return typeof key === 'string' ? [key] : [...key];
}

/** Own keys whose value is not `undefined` (an explicit `null` is kept: it overrides). */
function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

// ---------------------------------------------------------------- client and pipeline

/** rest2kafka's HTTP settings under `client`, defaults from the seed (3 retries, factor 2). */
export const CLIENT_DEFAULTS = {
  timeout_ms: 60_000,
  max_retries: 3,
  backoff_factor: 2,
  max_retry_delay_ms: 300_000,
  retry_statuses: [429, 500, 502, 503, 504],
  page_concurrency: 8,
  resource_concurrency: 2,
  child_concurrency: 16,
} as const satisfies Pick<Required<ClientConfig>, ClientDefaulted>;

/** `client` with every rest2kafka HTTP setting filled in. */
export function applyClientDefaults(client: ClientConfig): ResolvedClientConfig {
  return { ...CLIENT_DEFAULTS, retry_statuses: [...CLIENT_DEFAULTS.retry_statuses], ...defined(client) } as ResolvedClientConfig;
}

/** A pipeline file before defaults: only `source` is required. */
export interface RawPipelineConfig {
  pipeline_name?: string;
  source: SourceConfig;
  kafka?: Partial<KafkaConfig>;
  topics?: TopicsConfig;
  delivery?: DeliveryConfig;
  coordination?: CoordinationConfig;
}

/**
 * Kafka client settings with their defaults: a pipeline's `kafka` block, or `replay --topic`'s
 * brokers alone.
 *
 * @example createKafka(applyKafkaDefaults({ brokers: ['127.0.0.1:9092'] }), logger)
 */
export function applyKafkaDefaults(kafka: KafkaConfig): ResolvedKafkaConfig {
  return { client_id: 'rest2kafka', connection_timeout_ms: 30_000, request_timeout_ms: 30_000, ...defined(kafka), brokers: kafka.brokers };
}

/**
 * rest2kafka's settings with every default filled in (each default is documented on its key
 * in `types.ts`). `KAFKA_BROKERS` (comma-separated) in `env` overrides `kafka.brokers`.
 */
export function applyPipelineDefaults(raw: RawPipelineConfig, options: { env?: NodeJS.ProcessEnv } = {}): PipelineConfig {
  const name = raw.pipeline_name ?? 'rest2kafka';
  const envBrokers = (options.env?.KAFKA_BROKERS ?? '').split(',').map((b) => b.trim()).filter((b) => b !== '');
  const { schema_registry: registry, ...delivery } = raw.delivery ?? {};
  return {
    pipeline_name: name,
    source: { ...raw.source, client: applyClientDefaults(raw.source.client) },
    kafka: applyKafkaDefaults({ ...raw.kafka, brokers: envBrokers.length > 0 ? envBrokers : (raw.kafka?.brokers ?? ['127.0.0.1:9092']) }),
    topics: { name: '{table_name}', prefix: '', partitions: 1, replication_factor: 1, configs: {}, ...defined(raw.topics ?? {}) },
    delivery: {
      value_format: 'json',
      transactions: true,
      transactional_id: `rest2kafka-${name}`,
      transaction_timeout_ms: 60_000,
      state_topic: `${name}.state`,
      dead_letter_topic: `${name}.dead-letter`,
      on_invalid: 'dead_letter',
      // No schemas_dir: load.ts resolves it next to the config file and must see whether it was set.
      compression: 'none',
      ...defined(delivery),
      ...(registry ? { schema_registry: { ...registry, subject_name_strategy: registry.subject_name_strategy ?? 'topic' } } : {}),
    },
    coordination: {
      mode: 'standby',
      group_id: `rest2kafka-${name}`,
      topic: `${name}.coordination`,
      session_timeout_ms: 30_000,
      heartbeat_interval_ms: 3_000,
      ...defined(raw.coordination ?? {}),
    },
  };
}
