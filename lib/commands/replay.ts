import type { Kafka } from 'kafkajs';
import { applyKafkaDefaults } from '../config/defaults';
import type { ResolvedKafkaConfig } from '../config/types';
import { loadConfig } from '../config/load';
import { ConfigError, KafkaError } from '../errors';
import { progressDisplay, type ProgressDisplay } from '../observability/progress';
import type { Logger } from '../observability/logger';
import { avroColumns } from '../replay/duckdb-columns';
import { jsonlSink } from '../replay/jsonl';
import { replayOutput } from '../replay/output';
import { formatReplaySummary, replayProgressText, type ReplaySummaryRow } from '../replay/progress';
import { replayTopic, type ReplayProgress } from '../replay/replay-topic';
import { replayToDuckdb } from '../replay/to-duckdb';
import { createAvroValueDecoder, type AvroValueDecoder } from '../sink/decode-value';
import { createKafka, kafkaFailure } from '../sink/kafka';
import { requireTopic } from '../sink/read-topic';
import { topicName } from '../sink/resource-sinks';
import { createSchemaRegistry } from '../sink/schema-registry';
import { loadSchemas, type CompiledSchema } from '../validation/schemas';
import { parseFlags } from './args';
import { commandLogger, OUTPUT_HELP, OUTPUT_OPTIONS, stderrIsTty } from './output';
import type { Command, CommandIO } from './types';

/** A topic to replay: the resource it belongs to (when a config named it), its schema and the Avro decoder. */
interface Source {
  name: string;
  topic: string;
  schema?: CompiledSchema;
  /** Absent with --raw, or with --topic and no --registry: Avro values stay base64. */
  avro?: AvroValueDecoder;
}

export const replayCommand: Command = {
  name: 'replay',
  summary: "rebuild a resource's current state from its compacted topic (the consumer's full refresh)",
  help: `Usage: rest2kafka replay --config FILE --resource NAME [--raw | --summary]
       rest2kafka replay --config FILE [--resource NAME] --to duckdb:FILE [--full]
       rest2kafka replay --topic TOPIC [--brokers HOST:PORT,...] [--registry URL] [--to duckdb:FILE] [--summary]

Reads the topic from the beginning to its current end as a read_committed consumer, applies
tombstones (a null value deletes its key), and writes the current state. It reads the topic
twice between the same offsets, first the keys, then the values of each key's latest record,
so its memory grows with the number of keys, never with the values.

Targets:
  jsonl (default)       one JSON line per live key on stdout, {"key": "<key>", "value": <record>},
                        per partition in the order of each key's latest write (not key order)
  duckdb:FILE           one table per resource (all of the config's resources unless --resource
                        names one; the topic's name with --topic) holding the live records, plus
                        the column _r2k_key; columns from schemas/<resource>.avsc, else inferred.
                        Replaying into the same file again applies only the records written
                        since (the offsets reached are stored in the table _r2k_offsets).

Options:
  -c, --config FILE     pipeline file (brokers, topics and schemas come from it; the API's
                        secrets are not needed)
  -r, --resource NAME   the resource whose topic to replay
  -t, --topic TOPIC     replay this topic instead (needs --brokers or KAFKA_BROKERS)
  -b, --brokers LIST    comma-separated brokers (default KAFKA_BROKERS or 127.0.0.1:9092)
      --registry URL    Schema Registry (Confluent API) to decode Confluent-framed Avro values by
                        their schema id; with --config it replaces delivery.schema_registry
      --to TARGET       jsonl (default) or duckdb:FILE
      --full            duckdb: rebuild the tables instead of refreshing them
      --raw             jsonl: print Avro values undecoded, as {"avro_base64": "…"}
  -s, --summary         print only counts (one pass): records read, live keys, tombstoned keys
${OUTPUT_HELP}; no progress line and no summary table
  -h, --help            show this help

Progress (records read, rate, ETA) and a summary table go to stderr. JSON values are printed as
they are. With --config, Avro values are decoded: Confluent-framed ones with the writer schema
their id names in delivery.schema_registry (else the local .avsc), bare ones with the .avsc whose
fingerprint the record names; --topic with --config decodes the same way. --topic without
--config decodes Confluent-framed values through --registry only. A value with no schema known,
or any with --raw, is printed as {"avro_base64": "…"}.
Exit codes: 0 ok, 1 DuckDB (the table is left as it was), 2 config or usage, 5 Kafka, 8 Schema Registry, 130 interrupted (Ctrl-C stops it at once).`,
  async run(argv, io) {
    const { values } = parseFlags('replay', argv, {
      config: { type: 'string', short: 'c' },
      resource: { type: 'string', short: 'r' },
      topic: { type: 'string', short: 't' },
      brokers: { type: 'string', short: 'b' },
      registry: { type: 'string' },
      to: { type: 'string' },
      full: { type: 'boolean' },
      raw: { type: 'boolean' },
      summary: { type: 'boolean', short: 's' },
      ...OUTPUT_OPTIONS,
    });
    const duckdbFile = targetFile(values.to);
    if (values.summary && duckdbFile) throw new ConfigError('replay: --summary prints counts only; it does not go with --to duckdb:FILE', { code: 'USAGE' });
    if (values.full && !duckdbFile) throw new ConfigError('replay: --full rebuilds a DuckDB table; it needs --to duckdb:FILE', { code: 'USAGE' });
    // DuckDB's columns are the record's fields: base64 text has none to fill.
    if (values.raw && duckdbFile) throw new ConfigError('replay: --raw prints Avro values undecoded in JSONL; it does not go with --to duckdb:FILE', { code: 'USAGE' });
    const progress = values.quiet ? null : progressDisplay(io.stderr, stderrIsTty(io));
    const logger = commandLogger('replay', values, io, progress?.stream);
    const { kafkaConfig, sources } = await resolveSources(values, io, duckdbFile !== undefined);
    const kafka = createKafka(kafkaConfig, logger);
    const rows: ReplaySummaryRow[] = [];
    try {
      await requireTopics(kafka, sources, kafkaConfig.brokers, values.topic !== undefined);
      if (values.summary) {
        const { name, topic } = sources[0];
        const counts = await replayTopic(kafka, topic, { onProgress: onProgress(progress, name), signal: io.signal });
        progress?.clear();
        io.stdout.write(`${JSON.stringify({ topic, records_read: counts.records, live_keys: counts.liveKeys, tombstoned_keys: counts.tombstonedKeys })}\n`);
        return 0;
      }
      if (duckdbFile) rows.push(...(await toDuckdb(kafka, sources, duckdbFile, { full: values.full ?? false, signal: io.signal }, progress, logger)));
      else rows.push(await toJsonl(kafka, sources[0], io, progress, logger));
    } catch (error) {
      // With --topic the brokers come from --brokers, not from a config the advice could name.
      const advice = values.config === undefined ? { brokers: 'Pass the brokers as --brokers HOST:PORT,... (default KAFKA_BROKERS, else 127.0.0.1:9092).' } : {};
      throw kafkaFailure(error, `replaying ${sources.map((s) => `topic ${s.topic}`).join(', ')}`, kafkaConfig, advice);
    } finally {
      progress?.clear();
    }
    if (progress) io.stderr.write(formatReplaySummary(rows));
    return 0;
  },
};

/** The file of `--to duckdb:FILE`; undefined for JSONL. */
function targetFile(to: string | undefined): string | undefined {
  if (to === undefined || to === 'jsonl') return undefined;
  const file = /^duckdb:(.+)$/.exec(to)?.[1];
  if (!file) throw new ConfigError(`replay: --to must be jsonl or duckdb:FILE, got "${to}"`, { code: 'USAGE' });
  return file;
}

/**
 * The Kafka settings and the topics to replay. A config is loaded without resolving the
 * source's secrets: replay never calls the API (issue 16), so an unset API key must not stop it.
 */
async function resolveSources(values: { config?: string; resource?: string; topic?: string; brokers?: string; registry?: string; raw?: boolean }, io: CommandIO, many: boolean): Promise<{ kafkaConfig: ResolvedKafkaConfig; sources: Source[] }> {
  const registryFlag = values.registry === undefined ? undefined : registryUrl(values.registry);
  if (values.config) {
    const loaded = await loadConfig(values.config, { env: io.env, resolveSourceSecrets: false });
    const published = loaded.resources.filter((r) => r.selected && r.writeDisposition !== 'skip');
    const chosen = values.resource ? published.filter((r) => r.name === values.resource) : many ? published : [];
    if (chosen.length === 0) throw new ConfigError(`replay: --resource must name one of: ${published.map((r) => r.name).join(', ')}`, { code: 'USAGE' });
    const { schemas_dir: schemasDir } = loaded.pipeline.delivery;
    const registry = registryFlag ?? loaded.pipeline.delivery.schema_registry;
    const schemas = loadSchemas(schemasDir!);
    // One decoder for all topics: a registry schema id means the same schema in each.
    const avro = values.raw ? undefined : createAvroValueDecoder({ schemas: schemas.values(), registry: registry && createSchemaRegistry(registry) });
    const sources = chosen.map((r) => ({ name: r.name, topic: values.topic ?? topicName(loaded.pipeline, r), schema: schemas.get(r.name), avro }));
    return { kafkaConfig: loaded.pipeline.kafka, sources };
  }
  if (values.topic) {
    const brokers = (values.brokers ?? io.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean);
    const avro = registryFlag && !values.raw ? createAvroValueDecoder({ registry: createSchemaRegistry(registryFlag) }) : undefined;
    return { kafkaConfig: applyKafkaDefaults({ brokers }), sources: [{ name: values.topic, topic: values.topic, avro }] };
  }
  throw new ConfigError('replay: give --config FILE --resource NAME, or --topic TOPIC. See rest2kafka replay --help.', { code: 'USAGE' });
}

/** A missing topic fails before anything is read, saying what to check: a typo, or a resource never published. */
async function requireTopics(kafka: Kafka, sources: Source[], brokers: readonly string[], byFlag: boolean): Promise<void> {
  for (const source of sources) {
    try {
      await requireTopic(kafka, source.topic);
    } catch (error) {
      if (!(error instanceof KafkaError) || error.code !== 'KAFKA_TOPIC_MISSING') throw error;
      const check = byFlag ? 'check the name given to --topic, and --brokers' : `has rest2kafka run published resource ${source.name} yet? (run creates its topics; see also topics.* in the config)`;
      throw new KafkaError(`replay: topic "${source.topic}" does not exist on ${brokers.join(',')}: ${check}`, { code: error.code, retriable: false, cause: error });
    }
  }
}

/**
 * The --registry URL as a registry config. Credentials in it are refused without being echoed:
 * redaction only knows secrets a config declares, so they would reach logs and errors.
 */
function registryUrl(text: string): { url: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError('replay: --registry must be an http(s) URL, e.g. http://127.0.0.1:8081', { code: 'USAGE' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError('replay: --registry must be an http(s) URL, e.g. http://127.0.0.1:8081', { code: 'USAGE' });
  if (url.username || url.password) throw new ConfigError('replay: --registry must not hold credentials; give them in a config as delivery.schema_registry.username and password', { code: 'USAGE' });
  return { url: text };
}

async function toJsonl(kafka: Kafka, source: Source, io: CommandIO, progress: ProgressDisplay | null, logger: Logger): Promise<ReplaySummaryRow> {
  const started = Date.now();
  const output = replayOutput(io.stdout);
  const counts = await replayTopic(kafka, source.topic, { sink: jsonlSink(output, source.avro), onProgress: onProgress(progress, source.name), signal: io.signal }).catch(async (error: unknown) => {
    await output.finish().catch(() => undefined); // the lines handed over still reach the file; the replay's error is the one to report
    throw error;
  });
  await output.finish();
  warnVanished(logger, source, counts.vanished);
  return { name: source.name, topic: source.topic, target: 'jsonl', ...counts, durationMs: Date.now() - started };
}

async function toDuckdb(kafka: Kafka, sources: Source[], file: string, { full, signal }: { full: boolean; signal: AbortSignal }, progress: ProgressDisplay | null, logger: Logger): Promise<ReplaySummaryRow[]> {
  // Loaded here, not at start-up: DuckDB's native module costs every other command ~140 ms.
  const { openDuckdb } = await import('../replay/duckdb-file');
  const db = await openDuckdb(file, signal);
  const rows: ReplaySummaryRow[] = [];
  try {
    for (const source of sources) {
      const started = Date.now();
      const result = await replayToDuckdb(kafka, {
        db,
        file,
        table: source.name,
        topic: source.topic,
        columns: source.schema && avroColumns(source.schema.type),
        avro: source.avro,
        full,
        signal,
        onProgress: onProgress(progress, source.name),
        onRebuild: (reason) => logger.warn(`replay: rebuilding table ${source.name} instead of refreshing it: ${reason}`, { resource: source.name }),
      });
      warnVanished(logger, source, result.vanished);
      logger.info(`replay: table ${source.name} has ${result.rows} rows`, { resource: source.name, rows: result.rows, refreshed: result.refreshed });
      rows.push({ name: source.name, topic: source.topic, target: `duckdb (${result.refreshed ? 'refresh' : 'full'})`, ...result, durationMs: Date.now() - started });
    }
  } finally {
    db.close();
  }
  return rows;
}

function onProgress(progress: ProgressDisplay | null, name: string): ((p: ReplayProgress) => void) | undefined {
  if (!progress) return undefined;
  let started = Date.now();
  let phase = '';
  return (p) => {
    if (p.phase !== phase) {
      if (phase) started = Date.now();
      phase = p.phase;
    }
    progress.show(replayProgressText(name, p, Date.now() - started));
  };
}

function warnVanished(logger: Logger, source: Source, vanished: number): void {
  if (vanished === 0) return;
  logger.warn(`replay: ${vanished} keys of ${source.topic} are missing from the output: newer records were written while replaying and the log cleaner compacted away the ones this replay had chosen; replay again for their current values`, { topic: source.topic, vanished });
}
