/**
 * The Kafka client's lifecycle and the one place kafkajs errors become rest2kafka errors.
 * Everything else in lib/sink talks to kafkajs through the client made here.
 */
import { Kafka, KafkaConfig as KafkajsConfig, logLevel, SASLOptions } from 'kafkajs';
import type { KafkaConfig } from '../config/types';
import { FencedError, KafkaError, Rest2KafkaError } from '../errors';
import { redact } from '../http/redact';
import type { Logger } from '../observability/logger';

/** @example const kafka = createKafka({ brokers: ['127.0.0.1:9092'] }, logger) */
export function createKafka(config: KafkaConfig, logger: Logger): Kafka {
  const options: KafkajsConfig = {
    clientId: config.client_id ?? 'rest2kafka',
    brokers: config.brokers,
    connectionTimeout: config.connection_timeout_ms ?? 30000,
    requestTimeout: config.request_timeout_ms ?? 30000,
    // A short first backoff matters: kafkajs retries CONCURRENT_TRANSACTIONS (the previous
    // commit's markers still being written) with this backoff, so the default 300 ms made every
    // back-to-back transaction cost ~300 ms (kafkajs#1315); 25 ms measured ~40 ms per commit.
    // The cap keeps an unreachable broker reported within seconds.
    retry: { retries: 8, initialRetryTime: 25, maxRetryTime: 5000 },
    logLevel: logLevel.WARN,
    logCreator: () => (entry) => {
      const { message, ...extra } = entry.log;
      const fields = { namespace: entry.namespace, ...extra };
      // kafkajs logs retriable hiccups (e.g. CONCURRENT_TRANSACTIONS) at ERROR; they are noise
      // unless they end the run, and then the error reaches the CLI with its own message.
      logger.debug(`kafkajs: ${message}`, fields);
    },
  };
  if (config.ssl !== undefined) options.ssl = config.ssl;
  if (config.sasl) {
    options.sasl = {
      mechanism: config.sasl.mechanism,
      username: config.sasl.username,
      password: config.sasl.password,
    } as SASLOptions;
  }
  return new Kafka(options);
}

const FENCED = new Set(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED']);

/**
 * Wraps any kafkajs failure in a KafkaError (or FencedError) that says what was being done,
 * against which brokers, and what to check. Errors that are already ours pass through.
 */
export function kafkaFailure(error: unknown, doing: string, brokers: readonly string[]): Rest2KafkaError {
  if (error instanceof Rest2KafkaError) return error;
  const type = kafkaErrorType(error);
  const message = redact(error instanceof Error ? error.message : String(error));
  if (type && FENCED.has(type)) {
    return new FencedError(
      `${doing}: the producer was fenced (${type}): another rest2kafka instance with the same transactional id started, or this one stalled past delivery.transaction_timeout_ms. Nothing from the unfinished transaction is visible to read_committed consumers; run again to resume from the last committed page.`,
      { cause: error },
    );
  }
  const unreachable = /connect|ECONNREFUSED|ETIMEDOUT|ENOTFOUND|broker.*not.*available|Connection error/i.test(message);
  const hint = unreachable
    ? `is the broker running and reachable at ${brokers.join(',')}? Set kafka.brokers in the config or KAFKA_BROKERS.`
    : type === 'UNKNOWN_TOPIC_OR_PARTITION'
      ? 'the topic does not exist: was it deleted while rest2kafka was running? The next run creates missing topics.'
      : 'see the Kafka error above; the broker log has details.';
  return new KafkaError(`${doing} failed: ${message}${type ? ` (${type})` : ''} — ${hint}`, {
    cause: error,
    retriable: (error as { retriable?: boolean } | null)?.retriable === true,
    code: unreachable ? 'KAFKA_UNREACHABLE' : 'KAFKA',
  });
}

/** The Kafka protocol error name (`type`) of a kafkajs error or of any error in its cause chain. */
export function kafkaErrorType(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 8; depth++) {
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string') return type;
    e = (e as { originalError?: unknown; cause?: unknown }).originalError ?? (e as { cause?: unknown }).cause;
  }
  return undefined;
}
