/**
 * Field tables for a pipeline file: the dlt source under `source` and rest2kafka's settings
 * (`pipeline_name`, `kafka`, `topics`, `delivery`) beside it. Defaults are in `defaults.ts`
 * and documented on each key in `types.ts`.
 */
import { hasTemplate } from './interpolate';
import { isPem } from './kafka-tls';
import { literal, secretString } from './schema-client';
import { source } from './schema';
import { COMPRESSIONS, COORDINATION_MODES, SUBJECT_NAME_STRATEGIES } from './types';
import { arrayOf, bool, byType, int, map, num, object, oneOf, recordOf, required, str, type Spec } from './validator';

/** Kafka topic names: 1–249 of `[A-Za-z0-9._-]` (templates are checked once substituted). */
const topicChars = (value: string): string | undefined =>
  value === '' || hasTemplate(value) || /^[A-Za-z0-9._-]{1,249}$/.test(value) ? undefined : `"${value}" is not a valid Kafka topic name (letters, digits, . _ - only)`;

const topicName = str({ nonEmpty: true, check: topicChars });

/** `{name}` and `{table_name}` are the only placeholders of a topic name template. */
const topicTemplate = str({
  nonEmpty: true,
  check: (value) => {
    const unknown = [...value.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]).find((f) => f !== 'name' && f !== 'table_name');
    if (unknown !== undefined) return `"{${unknown}}" is not a topic name placeholder; known: {name}, {table_name}`;
    return topicChars(value.replace(/\{(name|table_name)\}/g, 'x'));
  },
});

const brokers: Spec = byType({
  array: arrayOf(str({ nonEmpty: true }), { nonEmpty: true }),
  // A single comma-separated string, as KAFKA_BROKERS holds.
  // str() also accepts a { $secret } reference (resolved later): keep it whole, as one entry.
  string: map(str({ nonEmpty: true }), (s: string | object) => (typeof s !== 'string' || hasTemplate(s) ? [s] : s.split(',').map((b) => b.trim()).filter(Boolean))),
}, 'a list of host:port strings');

/** PEM key text is a secret (masked, and a literal one draws a warning); the path of a key file is not. */
const sslKey: Spec = (value, path, ctx) => (typeof value === 'string' && !isPem(value) ? str()(value, path, ctx) : secretString()(value, path, ctx));

const kafka = object('a kafka object', {
  brokers,
  client_id: str({ nonEmpty: true }),
  ssl: byType({
    boolean: bool,
    object: object('an ssl object', { ca: str(), cert: str(), key: sslKey, rejectUnauthorized: bool }),
  }, 'a boolean or an ssl object'),
  sasl: object('a sasl object', {
    mechanism: required(oneOf(['plain', 'scram-sha-256', 'scram-sha-512'], 'a SASL mechanism')),
    username: required(str()),
    password: required(secretString()),
  }),
  connection_timeout_ms: int({ min: 1 }),
  request_timeout_ms: int({ min: 1 }),
});

const topicConfigValue = byType({ string: str(), number: map(num(), String), boolean: map(bool, String) }, 'a string');

const topics = object('a topics object', {
  name: topicTemplate,
  prefix: str({ check: topicChars }),
  partitions: int({ min: 1 }),
  replication_factor: int({ min: 1 }),
  configs: recordOf(topicConfigValue),
});

/**
 * The registry's URL. Credentials in it are refused without echoing it: they would reach logs
 * and messages that redact only values registered as secrets.
 */
const registryUrl = str({
  nonEmpty: true,
  check: (value) => {
    if (/^[a-z]+:\/\/[^/@\s]*@/i.test(value)) return 'holds credentials (user:password@); put them in delivery.schema_registry.username and password instead, where the password is a secret';
    return hasTemplate(value) || /^https?:\/\/[^/\s]+/.test(value) ? undefined : `"${value}" is not an http(s) URL`;
  },
});

const schemaRegistry = object('a schema_registry object', {
  url: required(registryUrl),
  username: str(),
  password: secretString(),
  subject_name_strategy: oneOf(SUBJECT_NAME_STRATEGIES, 'a subject name strategy'),
});

const delivery = object('a delivery object', {
  value_format: oneOf(['json', 'avro'], 'a value format'),
  transactions: bool,
  transactional_id: str({ nonEmpty: true }),
  transaction_timeout_ms: int({ min: 1 }),
  state_topic: topicName,
  dead_letter_topic: topicName,
  on_invalid: oneOf(['dead_letter', 'fail'], 'an on_invalid mode'),
  schemas_dir: str({ nonEmpty: true }),
  schema_registry: schemaRegistry,
  compression: oneOf(COMPRESSIONS, 'a compression codec'),
});

const coordination = object('a coordination object', {
  mode: oneOf(COORDINATION_MODES, 'a coordination mode'),
  group_id: str({ nonEmpty: true }),
  topic: topicName,
  // Kafka's group.min.session.timeout.ms is 6000 by default: the broker refuses less.
  session_timeout_ms: int({ min: 6000 }),
  heartbeat_interval_ms: int({ min: 100 }),
});

/** A pipeline file (a config object with a `source` key). */
export const pipeline: Spec = object('a pipeline config (source, kafka, topics, delivery, coordination)', {
  // Part of default topic names, so it must be a valid topic name itself.
  pipeline_name: (value, path, ctx) => {
    const name = literal({ nonEmpty: true })(value, path, ctx);
    return typeof name === 'string' ? topicName(name, path, ctx) : name;
  },
  source: required(source),
  kafka,
  topics,
  delivery,
  coordination,
});
