/**
 * The Kafka client's lifecycle and the one place kafkajs errors become rest2kafka errors.
 * Everything else in lib/sink talks to kafkajs through the client made here.
 */
import { Kafka, KafkaConfig as KafkajsConfig, logLevel, SASLOptions } from 'kafkajs';
import type { ResolvedKafkaConfig } from '../config/types';
import { FencedError, KafkaError, Rest2KafkaError } from '../errors';
import { redact } from '../secrets/redact';
import type { Logger } from '../observability/logger';
import { registerCodecs } from './codecs';

/**
 * `retries` per request: fewer for a quick check (`rest2kafka check`), which should not wait a
 * run's full budget for a broker that is down.
 *
 * @example const kafka = createKafka(applyKafkaDefaults({ brokers: ['127.0.0.1:9092'] }), logger)
 */
export function createKafka(config: ResolvedKafkaConfig, logger: Logger, retries = 8): Kafka {
  registerCodecs();
  const options: KafkajsConfig = {
    clientId: config.client_id,
    brokers: config.brokers,
    connectionTimeout: config.connection_timeout_ms,
    requestTimeout: config.request_timeout_ms,
    // A short first backoff matters: kafkajs retries CONCURRENT_TRANSACTIONS (the previous
    // commit's markers still being written) with this backoff, so the default 300 ms made every
    // back-to-back transaction cost ~300 ms (kafkajs#1315); 25 ms measured ~40 ms per commit.
    // The cap keeps an unreachable broker reported within seconds.
    retry: { retries, initialRetryTime: 25, maxRetryTime: 5000 },
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

/** What {@link kafkaFailure} says about the connection: the brokers, and the SASL user when there is one. */
export interface KafkaTarget {
  brokers: readonly string[];
  sasl?: { mechanism: string; username: string };
  request_timeout_ms?: number;
}

/** How the caller's user sets what {@link kafkaFailure} advises on; each default speaks of the config. */
export interface KafkaAdvice {
  /** Where the brokers come from, e.g. a command's flag: "Pass --brokers HOST:PORT,…". */
  brokers?: string;
}

/**
 * Wraps any kafkajs failure in a KafkaError (or FencedError) that says what was being done,
 * against which brokers, and what to check. Errors that are already ours pass through.
 * `target` is the kafka config (so a SASL failure can name the user and mechanism) or just
 * the broker list; `advice` names what the user sets when it is not the config.
 *
 * @example throw kafkaFailure(error, 'connecting to Kafka', pipeline.kafka)
 */
export function kafkaFailure(error: unknown, doing: string, target: KafkaTarget | readonly string[], advice: KafkaAdvice = {}): Rest2KafkaError {
  if (error instanceof Rest2KafkaError) return error;
  const { brokers, sasl } = isBrokerList(target) ? { brokers: target, sasl: undefined } : target;
  const type = kafkaErrorType(error);
  const message = redact(error instanceof Error ? error.message : String(error));
  if (type && FENCED.has(type)) {
    return new FencedError(
      `${doing}: the producer was fenced (${type}): another rest2kafka instance with the same transactional id started, or this one stalled past delivery.transaction_timeout_ms. Nothing from the unfinished transaction is visible to read_committed consumers; run again to resume from the last committed page.`,
      { cause: error },
    );
  }
  if (isSaslFailure(error)) {
    const who = sasl ? `SASL ${sasl.mechanism.toUpperCase()} authentication as user "${redact(sasl.username)}"` : 'SASL authentication';
    return new KafkaError(
      `${doing} failed: ${brokers.join(',')} rejected ${who}: ${message} — check kafka.sasl.username and kafka.sasl.password (or the secret it references), and that the broker has this user for kafka.sasl.mechanism.`,
      { cause: error, retriable: false, code: 'KAFKA_AUTH_FAILED' },
    );
  }
  const tls = tlsProblem(error);
  if (tls) {
    return new KafkaError(`${doing} failed: TLS connection to ${brokers.join(',')}: ${message} — ${tls}`, { cause: error, retriable: false, code: 'KAFKA_TLS' });
  }
  const chain = causeChain(error) as { name?: string; retryCount?: number }[];
  if (chain.some((e) => NO_ANSWER.has(e.name ?? ''))) {
    const timeout = isBrokerList(target) || target.request_timeout_ms === undefined ? '' : ` (${target.request_timeout_ms} ms)`;
    const retries = chain.find((e) => e.name === 'KafkaJSNumberOfRetriesExceeded')?.retryCount;
    const attempts = retries === undefined ? '' : `, ${retries + 1} attempts`;
    return new KafkaError(
      `${doing} failed: ${message} — no answer from the broker at ${brokers.join(',')}: a connection was lost, or a request got no reply within kafka.request_timeout_ms${timeout}${attempts}. Is the broker running, reachable and responsive (not paused, overloaded or behind a stalled network)? Run again to resume from the last committed page; raise kafka.request_timeout_ms if the broker is only slow.`,
      { cause: error, retriable: true, code: 'KAFKA_UNREACHABLE' },
    );
  }
  const unreachable = /connect|ECONNREFUSED|ETIMEDOUT|ENOTFOUND|broker.*not.*available|Connection error/i.test(message);
  const hint = unreachable
    ? `is the broker running and reachable at ${brokers.join(',')}? ${advice.brokers ?? 'Set kafka.brokers in the config or KAFKA_BROKERS.'}`
    : type === 'UNKNOWN_TOPIC_OR_PARTITION'
      ? 'the topic does not exist: was it deleted while rest2kafka was running? The next run creates missing topics.'
      : 'see the Kafka error above; the broker log has details.';
  return new KafkaError(`${doing} failed: ${message}${type ? ` (${type})` : ''} — ${hint}`, {
    cause: error,
    retriable: (error as { retriable?: boolean } | null)?.retriable === true,
    code: unreachable ? 'KAFKA_UNREACHABLE' : 'KAFKA',
  });
}

// A request timeout, or the transaction coordinator not found: kafkajs's coordinator lookup
// tries each broker and drops their errors (brokerPool.withBroker), so after a dropped or
// stalled connection "Failed to find group coordinator" is all that is left of the cause.
const NO_ANSWER = new Set(['KafkaJSRequestTimeoutError', 'KafkaJSGroupCoordinatorNotFound']);

function isBrokerList(target: KafkaTarget | readonly string[]): target is readonly string[] {
  return Array.isArray(target);
}

function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e: unknown = error; e && chain.length < 8; ) {
    chain.push(e);
    e = (e as { originalError?: unknown }).originalError ?? (e as { cause?: unknown }).cause;
  }
  return chain;
}

function isSaslFailure(error: unknown): boolean {
  return causeChain(error).some((e) => (e as { name?: unknown }).name === 'KafkaJSSASLAuthenticationError');
}

// Node's certificate verification codes (https://nodejs.org/api/tls.html, X509_V_ERR_* without
// the prefix): the chain does not lead to a CA the client trusts.
const UNTRUSTED = /^(UNABLE_TO_GET_ISSUER_CERT|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|CERT_UNTRUSTED|CERT_SIGNATURE_FAILURE|CERT_CHAIN_TOO_LONG)$/;

/**
 * The advice for a TLS failure, or undefined when the error is not one. kafkajs reports every
 * socket error as a retriable connection error, so the Node error code in the chain is what
 * tells a certificate problem (retrying cannot fix it) from a broker that is down.
 */
export function tlsProblem(error: unknown): string | undefined {
  for (const e of causeChain(error)) {
    const code = String((e as { code?: unknown }).code ?? '');
    const message = String((e as { message?: unknown }).message ?? '');
    if (UNTRUSTED.test(code)) {
      return "the broker's certificate is not signed by a CA this client trusts: give the CA certificate that signed it as kafka.ssl.ca (a PEM file path or the PEM text).";
    }
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
      return "the broker's certificate does not name the host in kafka.brokers: connect by a host name or address the certificate lists.";
    }
    if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
      return "the broker's certificate is outside its validity period: renew it on the broker (or check this machine's clock).";
    }
    if (/before secure TLS connection was established|wrong version number|ERR_SSL_/i.test(`${code} ${message}`)) {
      return 'the TLS handshake failed: is this an SSL or SASL_SSL listener? Point kafka.brokers at one, or remove kafka.ssl for a PLAINTEXT listener.';
    }
  }
  return undefined;
}

/** The Kafka protocol error name (`type`) of a kafkajs error or of any error in its cause chain. */
export function kafkaErrorType(error: unknown): string | undefined {
  for (const e of causeChain(error)) {
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string') return type;
  }
  return undefined;
}
