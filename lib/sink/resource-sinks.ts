/**
 * The Kafka side of each resource, derived from the config once per run: its topic (name,
 * cleanup policy matching the write disposition), key encoding, schema and value encoder.
 */
import { existsSync } from 'node:fs';
import type { PipelineConfig, ResolvedResource } from '../config/types';
import { ConfigError } from '../errors';
import { compileKey } from '../keying/primary-key';
import type { Logger } from '../observability/logger';
import { loadSchemas, type CompiledSchema } from '../validation/schemas';
import { createValueEncoder } from './encode';
import type { ResourceSink } from './prepare';
import { createSchemaRegistry, subjectName, type SchemaRegistry } from './schema-registry';
import { pipelineWriter } from './topic-owner';
import type { TopicSpec } from './topics';

export function loadSchemaDir(pipeline: PipelineConfig, logger: Logger): Map<string, CompiledSchema> {
  const dir = pipeline.delivery.schemas_dir;
  if (!dir || !existsSync(dir)) {
    logger.info('no schema directory; records are published without schema validation', { schemas_dir: dir });
    return new Map();
  }
  return loadSchemas(dir);
}

/** The data topic of a resource: `topics.prefix` + `topics.name` with `{name}`/`{table_name}`. */
export function topicName(pipeline: PipelineConfig, resource: ResolvedResource): string {
  const template = pipeline.topics.name;
  return `${pipeline.topics.prefix}${template.replace(/\{name\}/g, resource.name).replace(/\{table_name\}/g, resource.tableName)}`;
}

export function buildSinks(pipeline: PipelineConfig, resources: readonly ResolvedResource[], schemas: Map<string, CompiledSchema>): Map<string, ResourceSink> {
  const format = pipeline.delivery.value_format;
  const sinks = new Map<string, ResourceSink>();
  for (const resource of resources) {
    const compacted = resource.writeDisposition !== 'append';
    if (compacted && resource.primaryKey.length === 0) {
      throw new ConfigError(`resource "${resource.name}" has write_disposition ${resource.writeDisposition} but no primary_key: a compacted topic needs a key per record. Set primary_key (or resource_defaults.primary_key), or use write_disposition append.`, { context: { resource: resource.name, path: 'primary_key' } });
    }
    if (pipeline.delivery.schema_registry && format !== 'avro') {
      throw new ConfigError('delivery.schema_registry is set but delivery.value_format is json: the registry holds Avro schemas. Set value_format: avro, or remove schema_registry.', { context: { path: 'delivery.schema_registry' } });
    }
    const schema = schemas.get(resource.name) ?? null;
    if (format === 'avro' && !schema) {
      throw new ConfigError(`delivery.value_format is avro but resource "${resource.name}" has no schema ${resource.name}.avsc in ${pipeline.delivery.schemas_dir}. Write one with: rest2kafka schema --config FILE --resource ${resource.name}`, { context: { resource: resource.name } });
    }
    const hardDelete = Object.entries(resource.columns).find(([, hint]) => hint.hard_delete)?.[0] ?? null;
    sinks.set(resource.name, {
      resource: resource.name,
      topic: topicName(pipeline, resource),
      deadLetterTopic: pipeline.delivery.dead_letter_topic,
      keyOf: compileKey(resource.primaryKey),
      requireKey: compacted,
      hardDeleteColumn: hardDelete,
      schema,
      contract: resource.schemaContract,
      encoder: createValueEncoder(format, schema ?? undefined),
      writer: pipelineWriter(pipeline, resource.name),
    });
  }
  return sinks;
}

/**
 * With `delivery.schema_registry`, registers (or finds) each resource's schema under its subject
 * and switches its encoder to the Confluent wire format. Runs before anything is published, so
 * a schema the registry rejects stops the run with nothing half-written.
 *
 * @example await registerSchemas(pipeline, sinks, log) // sinks now frame values with the ids
 * @throws {SchemaRegistryError} unreachable, credentials refused, incompatible or invalid schema.
 */
export async function registerSchemas(pipeline: PipelineConfig, sinks: Map<string, ResourceSink>, logger: Logger, registry?: SchemaRegistry): Promise<void> {
  const config = pipeline.delivery.schema_registry;
  if (!config) return;
  const client = registry ?? createSchemaRegistry(config);
  for (const [name, sink] of sinks) {
    const subject = subjectName(config.subject_name_strategy, sink.topic, sink.schema!.json);
    const id = await client.register(subject, sink.schema!.json);
    logger.info('schema registered', { resource: name, subject, schema_id: id });
    sinks.set(name, { ...sink, encoder: createValueEncoder('avro', sink.schema!, id) });
  }
}

/**
 * Configs the state topic is created with. Every committed batch writes a state record, and
 * with the broker's defaults (segment.ms 7 days, segment.bytes 1 GiB) the active segment never
 * rolls, so compaction never runs: a service at `--interval 1s` wrote ~3 records a second, and
 * every start-up read all of them. Rolling hourly lets the cleaner keep the topic to the latest
 * state per resource plus about an hour of history.
 */
const STATE_TOPIC_CONFIGS: Readonly<Record<string, string>> = { 'segment.ms': String(60 * 60 * 1000) };

export function topicSpecs(pipeline: PipelineConfig, resources: readonly ResolvedResource[], sinks: Map<string, ResourceSink>): TopicSpec[] {
  const t = pipeline.topics;
  const specs: TopicSpec[] = resources.map((r) => ({
    topic: sinks.get(r.name)!.topic,
    cleanupPolicy: r.writeDisposition === 'append' ? 'delete' : 'compact',
    partitions: t.partitions,
    replicationFactor: t.replication_factor,
    configs: t.configs,
    purpose: `resource ${r.name} (${r.writeDisposition})`,
  }));
  specs.push({ topic: pipeline.delivery.state_topic, cleanupPolicy: 'compact', partitions: 1, replicationFactor: t.replication_factor, configs: STATE_TOPIC_CONFIGS, purpose: 'pipeline state' });
  specs.push({ topic: pipeline.delivery.dead_letter_topic, cleanupPolicy: 'delete', partitions: 1, replicationFactor: t.replication_factor, purpose: 'dead letters' });
  return specs;
}

