import { loadConfig } from '../config/load';
import { topicName } from '../sink/resource-sinks';
import { ConfigError } from '../errors';
import { createKafka, kafkaFailure } from '../sink/kafka';
import { readTopic } from '../sink/read-topic';
import { parseFlags } from './args';
import { commandLogger, OUTPUT_HELP, OUTPUT_OPTIONS } from './output';
import type { Command } from './types';

export const replayCommand: Command = {
  name: 'replay',
  summary: "rebuild a resource's current state from its compacted topic (the consumer's full refresh)",
  help: `Usage: rest2kafka replay --config FILE --resource NAME [--summary]
       rest2kafka replay --topic TOPIC [--brokers HOST:PORT,...] [--summary]

Reads the topic from the beginning to its current end as a read_committed consumer, applies
tombstones (a null value deletes its key), and prints the current state: one JSON line per
live key, {"key": "<key>", "value": <record>}, in key order. This is how a downstream team
rebuilds a table from the topic.

Options:
  -c, --config FILE     pipeline file (brokers and the resource's topic come from it)
  -r, --resource NAME   the resource whose topic to replay
  -t, --topic TOPIC     replay this topic instead (needs --brokers or KAFKA_BROKERS)
  -b, --brokers LIST    comma-separated brokers (default KAFKA_BROKERS or 127.0.0.1:9092)
  -s, --summary         print only counts: records read, live keys, tombstoned keys
${OUTPUT_HELP}
  -h, --help            show this help

Values are printed as JSON when they are JSON; Avro values are printed base64-encoded.
Exit codes: 0 ok, 2 config or usage, 5 Kafka.`,
  async run(argv, io) {
    const { values } = parseFlags('replay', argv, {
      config: { type: 'string', short: 'c' },
      resource: { type: 'string', short: 'r' },
      topic: { type: 'string', short: 't' },
      brokers: { type: 'string', short: 'b' },
      summary: { type: 'boolean', short: 's' },
      ...OUTPUT_OPTIONS,
    });
    const logger = commandLogger('replay', values, io);
    let topic: string;
    let kafkaConfig;
    if (values.config) {
      const loaded = await loadConfig(values.config, { env: io.env });
      const resource = loaded.resources.find((r) => r.name === values.resource);
      if (!resource) throw new ConfigError(`replay: --resource must name one of: ${loaded.resources.map((r) => r.name).join(', ')}`, { code: 'USAGE' });
      topic = values.topic ?? topicName(loaded.pipeline, resource);
      kafkaConfig = loaded.pipeline.kafka;
    } else if (values.topic) {
      topic = values.topic;
      kafkaConfig = { brokers: (values.brokers ?? io.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim()).filter(Boolean) };
    } else {
      throw new ConfigError('replay: give --config FILE --resource NAME, or --topic TOPIC. See rest2kafka replay --help.', { code: 'USAGE' });
    }
    const kafka = createKafka(kafkaConfig, logger);
    const latest = new Map<string, Buffer | null>();
    let read = 0;
    try {
      await readTopic(kafka, topic, (records) => {
        read += records.length;
        for (const r of records) if (r.key) latest.set(r.key.toString('utf8'), r.value);
      });
    } catch (error) {
      throw kafkaFailure(error, `replaying topic ${topic}`, kafkaConfig);
    }
    const live = [...latest].filter(([, v]) => v !== null).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (values.summary) {
      io.stdout.write(`${JSON.stringify({ topic, records_read: read, live_keys: live.length, tombstoned_keys: latest.size - live.length })}\n`);
      return 0;
    }
    let out = '';
    for (const [key, value] of live) {
      out += `${JSON.stringify({ key, value: decode(value!) })}\n`;
      if (out.length > 1 << 16) {
        io.stdout.write(out);
        out = '';
      }
    }
    io.stdout.write(out);
    return 0;
  },
};

function decode(value: Buffer): unknown {
  try {
    return JSON.parse(value.toString('utf8'));
  } catch {
    return { avro_base64: value.toString('base64') };
  }
}
