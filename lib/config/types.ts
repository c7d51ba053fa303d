/**
 * Typed form of dlt's `rest_api_source` config (see shared/reference/dlt-rest-api.md) plus
 * rest2kafka's own pipeline settings. Unions are keyed on `type`, as in dlt.
 *
 * These are the *validated* shapes: `lib/config/schema.ts` turns raw JSON/YAML/module input
 * into them (or a ConfigError with the exact path), and `lib/config/defaults.ts` applies
 * `resource_defaults` and dlt's defaults, producing {@link ResolvedResource}s and a
 * {@link PipelineConfig} whose settings with a default are no longer optional.
 *
 * Written by hand beside the validator's specs rather than derived from them: a spec is a
 * plain `(value, path, ctx) => unknown` function, chosen so every message (paths,
 * did-you-mean, masked secrets) is exactly ours; typing the specs (or moving to zod/valibot)
 * would mean rewriting the validator and re-creating each message on top of another library's.
 * `spec/unit/config/` pins both sides: the invalid-config table and the defaults.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type HttpMethod = 'GET' | 'POST';

// ---------------------------------------------------------------- auth

export interface BearerAuthConfig { type: 'bearer'; token: string }
export interface ApiKeyAuthConfig {
  type: 'api_key';
  /** Default `Authorization`. */
  name?: string;
  api_key: string;
  /** Default `header`; `param` is a synonym of `query`. */
  location?: 'header' | 'query' | 'param' | 'cookie';
}
export interface HttpBasicAuthConfig { type: 'http_basic'; username: string; password: string }
export interface OAuth2ClientCredentialsConfig {
  type: 'oauth2_client_credentials';
  access_token_url: string;
  client_id: string;
  client_secret: string;
  /** Extra form fields for the token request; may override the standard ones. Default `{}`. */
  access_token_request_data?: Record<string, string>;
  /** Seconds; default 3600. */
  default_token_expiration?: number;
  access_token?: string;
}
/** A module config may supply its own auth: anything with `apply`. */
export interface CustomAuthConfig {
  type: 'custom';
  apply: (request: import('../http/request').PageRequest) => import('../http/request').PageRequest | Promise<import('../http/request').PageRequest>;
}
export type AuthConfig =
  | BearerAuthConfig
  | ApiKeyAuthConfig
  | HttpBasicAuthConfig
  | OAuth2ClientCredentialsConfig
  | CustomAuthConfig;
export type AuthType = AuthConfig['type'];

// ---------------------------------------------------------------- paginators

interface RangeCommon {
  /** JSONPath; default `"total"`; `null` disables. */
  total_path?: string | null;
  stop_after_empty_page?: boolean;
  has_more_path?: string | null;
}
export interface OffsetPaginatorConfig extends RangeCommon {
  type: 'offset';
  limit: number;
  offset?: number;
  offset_param?: string | null;
  offset_body_path?: string | null;
  limit_param?: string | null;
  limit_body_path?: string | null;
  maximum_offset?: number | null;
}
export interface PageNumberPaginatorConfig extends RangeCommon {
  type: 'page_number';
  base_page?: number;
  page?: number | null;
  page_param?: string | null;
  page_body_path?: string | null;
  maximum_page?: number | null;
}
export interface CursorPaginatorConfig {
  type: 'cursor';
  cursor_path?: string;
  cursor_param?: string | null;
  cursor_body_path?: string | null;
  stop_after_empty_page?: boolean;
  has_more_path?: string | null;
}
export interface JsonLinkPaginatorConfig { type: 'json_link'; next_url_path?: string }
export interface HeaderLinkPaginatorConfig { type: 'header_link'; links_next_key?: string }
export interface HeaderCursorPaginatorConfig { type: 'header_cursor'; cursor_key?: string; cursor_param?: string }
export interface SinglePageConfig { type: 'single_page' }
/** Auto-detect from the first response. */
export interface AutoPaginatorConfig { type: 'auto' }
/** A module config may supply a paginator object implementing `lib/pagination/types.ts`. */
export interface CustomPaginatorConfig { type: 'custom'; paginator: import('../pagination/types').Paginator }
export type PaginatorConfig =
  | OffsetPaginatorConfig
  | PageNumberPaginatorConfig
  | CursorPaginatorConfig
  | JsonLinkPaginatorConfig
  | HeaderLinkPaginatorConfig
  | HeaderCursorPaginatorConfig
  | SinglePageConfig
  | AutoPaginatorConfig
  | CustomPaginatorConfig;
export type PaginatorType = PaginatorConfig['type'];

// ---------------------------------------------------------------- incremental

export interface IncrementalConfig {
  cursor_path: string;
  initial_value?: JsonValue;
  end_value?: JsonValue;
  start_param?: string | null;
  end_param?: string | null;
  last_value_func?: 'max' | 'min';
  primary_key?: string | string[];
  row_order?: 'asc' | 'desc' | null;
  /** Seconds for datetimes, days for dates, units for numbers. */
  lag?: number | null;
  on_cursor_value_missing?: 'raise' | 'include' | 'exclude';
  range_start?: 'open' | 'closed';
  range_end?: 'open' | 'closed';
  /** Module configs only. */
  convert?: (value: JsonValue) => JsonValue;
}
/** Form (C): `params.<name> = { type: "incremental", ... }`. */
export interface IncrementalParamConfig extends Omit<IncrementalConfig, 'end_value' | 'end_param'> {
  type: 'incremental';
}
/** Legacy form: `params.<name> = { type: "resolve", resource, field }`. */
export interface ResolveParamConfig { type: 'resolve'; resource: string; field: string }
export type ParamValue = string | number | boolean | null | IncrementalParamConfig | ResolveParamConfig;

// ---------------------------------------------------------------- endpoint and resource

export type ResponseAction =
  | { status_code?: number; content?: string; action: 'ignore' | string | ResponseCallback | ResponseCallback[] }
  | ResponseCallback;
/** Called with each response; may mutate status/body. */
export type ResponseCallback = (response: { status: number; headers: Record<string, string>; body: string }) => void;

export interface EndpointConfig {
  path?: string;
  method?: HttpMethod;
  params?: Record<string, ParamValue>;
  json?: JsonValue;
  data?: Record<string, string> | [string, string][] | string;
  headers?: Record<string, string>;
  paginator?: PaginatorConfig | null;
  data_selector?: string | null;
  response_actions?: ResponseAction[];
  incremental?: IncrementalConfig;
  auth?: AuthConfig | null;
}

export type WriteDisposition = 'append' | 'replace' | 'merge' | 'skip';
export interface WriteDispositionObject {
  disposition: WriteDisposition;
  strategy?: 'delete-insert' | 'upsert' | 'insert-only' | 'scd2';
}
export type SchemaContractMode = 'evolve' | 'freeze' | 'discard_row' | 'discard_value';

export interface ColumnHint {
  data_type?: string;
  nullable?: boolean;
  primary_key?: boolean;
  /** A truthy value in this column marks the record deleted: rest2kafka publishes a tombstone. */
  hard_delete?: boolean;
  [hint: string]: unknown;
}

export type ProcessingStep =
  | { filter: (record: Record<string, unknown>) => boolean }
  | { map: (record: Record<string, unknown>) => Record<string, unknown> }
  | { yield_map: (record: Record<string, unknown>) => Iterable<Record<string, unknown>> };

export interface ResourceConfig {
  name: string;
  endpoint?: EndpointConfig | string;
  primary_key?: string | string[];
  merge_key?: string | string[];
  write_disposition?: WriteDisposition | WriteDispositionObject;
  table_name?: string;
  columns?: Record<string, ColumnHint>;
  schema_contract?: SchemaContractMode;
  selected?: boolean;
  parallelized?: boolean;
  processing_steps?: ProcessingStep[];
  include_from_parent?: string[];
  max_table_nesting?: number;
}

export interface ClientConfig {
  base_url: string;
  headers?: Record<string, string>;
  auth?: AuthConfig | null;
  paginator?: PaginatorConfig | null;
  // rest2kafka extensions (not in dlt); see README "HTTP settings". Defaults from the seed
  // where it has one; validateConfig fills them all in.
  /** Per-request timeout in ms (connect + read). Default 60000. */
  timeout_ms?: number;
  /** Retries after the first attempt (seed: 3). Default 3. */
  max_retries?: number;
  /** Seconds; the wait before retry n is `backoff_factor · 2^(n−1)` unless `Retry-After` says otherwise (seed: 2). Default 2. */
  backoff_factor?: number;
  /** Cap on one wait, `Retry-After` included, in ms. Default 300000. */
  max_retry_delay_ms?: number;
  /** Statuses retried (network errors and timeouts always are). Default `[429, 500, 502, 503, 504]`. */
  retry_statuses?: number[];
  /** Pages fetched concurrently when the total is known (still emitted in order). Default 8. */
  page_concurrency?: number;
  /** Resources extracted concurrently. Default 2. */
  resource_concurrency?: number;
  /** Request chains of a dependent resource run at once, one per parent record. Default 16. */
  child_concurrency?: number;
}

export interface SourceConfig {
  client: ClientConfig;
  resources: (ResourceConfig | string)[];
  resource_defaults?: Omit<ResourceConfig, 'name'>;
}

/**
 * `T` after `config/defaults.ts` filled in the defaults of the keys `K`: those keys are
 * required, so no stage after config loading repeats a default.
 */
export type Resolved<T, K extends keyof T> = T & { [P in K]-?: Exclude<T[P], undefined> };

/** The `client` settings with a default (`CLIENT_DEFAULTS`). */
export type ClientDefaulted = 'timeout_ms' | 'max_retries' | 'backoff_factor' | 'max_retry_delay_ms' | 'retry_statuses' | 'page_concurrency' | 'resource_concurrency' | 'child_concurrency';
export type ResolvedClientConfig = Resolved<ClientConfig, ClientDefaulted>;
export type ResolvedSourceConfig = Omit<SourceConfig, 'client'> & { client: ResolvedClientConfig };

// ---------------------------------------------------------------- resolved form

/** A resource after `resource_defaults` and dlt's defaults: what the pipeline runs. */
export interface ResolvedResource {
  name: string;
  tableName: string;
  endpoint: EndpointConfig & { path: string; method: HttpMethod };
  primaryKey: string[];
  mergeKey: string[];
  writeDisposition: WriteDisposition;
  columns: Record<string, ColumnHint>;
  schemaContract: SchemaContractMode;
  selected: boolean;
  processingSteps: ProcessingStep[];
  includeFromParent: string[];
  /** dlt's `parallelized` as configured (`null`: not set); `false` runs child requests one at a time. */
  parallelized: boolean | null;
  /** Name of the parent resource for dependent resources, else null. */
  parent: string | null;
}

// ---------------------------------------------------------------- rest2kafka pipeline settings

/** A reference to a named secret, resolved at load time (env, then `.dlt/secrets.toml`). */
export interface SecretRef { $secret: string }

export type ValueFormat = 'json' | 'avro';

export interface KafkaSaslConfig {
  mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  username: string;
  password: string;
}

export interface KafkaConfig {
  /** Default `["127.0.0.1:9092"]`; env `KAFKA_BROKERS` (comma-separated) overrides. */
  brokers: string[];
  /** Default `rest2kafka`. */
  client_id?: string;
  /**
   * TLS to the brokers: `true` trusts the system CAs. `ca`, `cert` and `key` are PEM text or
   * the path of a PEM file (relative to the config file), read at start-up. Default off.
   */
  ssl?: boolean | { ca?: string; cert?: string; key?: string; rejectUnauthorized?: boolean };
  /** SASL authentication (over `ssl` unless the listener is SASL_PLAINTEXT). Default off. */
  sasl?: KafkaSaslConfig;
  /** Default 30000. */
  connection_timeout_ms?: number;
  /** Default 30000. */
  request_timeout_ms?: number;
}

export interface TopicsConfig {
  /** Topic name template; `{name}` = resource name, `{table_name}` = table name. Default `{table_name}`. */
  name?: string;
  /** Prefix prepended to every data topic. Default `""`. */
  prefix?: string;
  /** Default 1. */
  partitions?: number;
  /** Default 1. */
  replication_factor?: number;
  /** Extra topic configs set when rest2kafka creates a topic. */
  configs?: Record<string, string>;
}

/** How a value schema's registry subject is named (Confluent's TopicNameStrategy and friends). */
export const SUBJECT_NAME_STRATEGIES = ['topic', 'record', 'topic_record'] as const;
export type SubjectNameStrategy = (typeof SUBJECT_NAME_STRATEGIES)[number];

/** A Confluent-compatible Schema Registry (Confluent, Apicurio's ccompat API, Karapace, Redpanda). */
export interface SchemaRegistryConfig {
  /** Base URL of the Confluent API, e.g. `http://registry:8081` (Apicurio: `…/apis/ccompat/v7`). */
  url: string;
  /** HTTP basic auth user (Confluent Cloud: the API key). */
  username?: string;
  /** HTTP basic auth password; a secret (redacted everywhere). */
  password?: string;
  /** `topic` (default): `<topic>-value`; `record`: the schema's full name; `topic_record`: `<topic>-<full name>`. */
  subject_name_strategy?: SubjectNameStrategy;
}

/** Kafka's record batch compression codecs (all of them). */
export const COMPRESSIONS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
export type Compression = (typeof COMPRESSIONS)[number];

export interface DeliveryConfig {
  /** Default `json`. */
  value_format?: ValueFormat;
  /** Default true: each page's records and its state update commit in one Kafka transaction. */
  transactions?: boolean;
  /** Default `rest2kafka-<pipeline>`; must be stable per pipeline to fence zombies. */
  transactional_id?: string;
  /** Default 60000. */
  transaction_timeout_ms?: number;
  /** Default `<pipeline>.state`. */
  state_topic?: string;
  /** Default `<pipeline>.dead-letter`. */
  dead_letter_topic?: string;
  /** `dead_letter` (default) publishes invalid records there; `fail` stops the run. */
  on_invalid?: 'dead_letter' | 'fail';
  /** Directory holding `<resource>.avsc`. Default `schemas` next to the config file. */
  schemas_dir?: string;
  /**
   * With `value_format: avro`, register each resource's schema here before publishing and write
   * values in the Confluent wire format (magic byte, schema id, Avro body). Default none: bare
   * Avro with a fingerprint header.
   */
  schema_registry?: SchemaRegistryConfig;
  /** Compression codec for produced record batches. Default `none`. */
  compression?: Compression;
}

/** How instances of one pipeline share its work (`run --interval` only; a one-shot `run` never joins). */
export const COORDINATION_MODES = ['standby', 'distributed', 'none'] as const;
export type CoordinationMode = (typeof COORDINATION_MODES)[number];

/**
 * Instances of one pipeline run as a Kafka consumer group on a small coordination topic, one
 * partition per unit of work: Kafka's group protocol decides who runs what, and transactional
 * fencing stays the safety net.
 */
export interface CoordinationConfig {
  /**
   * `standby` (default): one instance runs the whole pipeline, the others wait and take over
   * when it leaves or dies. `distributed`: each root resource with its dependent resources is a
   * unit, spread over the instances (each unit has its own transactional id,
   * `<transactional_id>-<root resource>`). `none`: no group; a second instance fences the first.
   */
  mode?: CoordinationMode;
  /** Consumer group id. Default `rest2kafka-<pipeline>`. */
  group_id?: string;
  /** Coordination topic (holds no records; its partitions are the units). Default `<pipeline>.coordination`. */
  topic?: string;
  /** How long a dead instance keeps its work before the group reassigns it. Default 30000. */
  session_timeout_ms?: number;
  /** Default 3000; at most a third of `session_timeout_ms`. */
  heartbeat_interval_ms?: number;
}

export type ResolvedKafkaConfig = Resolved<KafkaConfig, 'client_id' | 'connection_timeout_ms' | 'request_timeout_ms'>;
export type ResolvedTopicsConfig = Required<TopicsConfig>;
export type ResolvedSchemaRegistryConfig = Resolved<SchemaRegistryConfig, 'subject_name_strategy'>;
/** Every delivery setting but `schemas_dir` (resolved by `load.ts` against the config file) and the registry (none by default). */
export type ResolvedDeliveryConfig = Resolved<
  Omit<DeliveryConfig, 'schema_registry'> & { schema_registry?: ResolvedSchemaRegistryConfig },
  'value_format' | 'transactions' | 'transactional_id' | 'transaction_timeout_ms' | 'state_topic' | 'dead_letter_topic' | 'on_invalid' | 'compression'
>;

/** A pipeline file after defaults: the dlt source under `source`, rest2kafka's settings beside it. */
export interface PipelineConfig {
  /** Pipeline name: part of state keys and default topic names. Default `rest2kafka`. */
  pipeline_name: string;
  source: ResolvedSourceConfig;
  kafka: ResolvedKafkaConfig;
  topics: ResolvedTopicsConfig;
  delivery: ResolvedDeliveryConfig;
  coordination: Required<CoordinationConfig>;
}
