import { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSSASLAuthenticationError } from 'kafkajs';
import { ExitCode, KafkaError } from '../../../lib/errors';
import { clearSecrets, registerSecrets } from '../../../lib/secrets/registry';
import { kafkaFailure, tlsProblem } from '../../../lib/sink/kafka';

const BROKER = '10.0.0.7:9094';

/** kafkajs's shape after its retries ran out on a socket error: the Node code sits on the cause. */
function connectionFailure(message: string, code: string): KafkaJSNumberOfRetriesExceeded {
  const cause = new KafkaJSConnectionError(`Connection error: ${message}`, { broker: BROKER, code });
  return new KafkaJSNumberOfRetriesExceeded(cause, { retryCount: 8, retryTime: 5000 });
}

/** kafkajs's typings declare this constructor without arguments; at runtime it takes the message like every KafkaJSError. */
const saslError = (message: string): Error => new (KafkaJSSASLAuthenticationError as unknown as new (m: string) => Error)(message);

afterEach(() => clearSecrets());

describe('kafkaFailure: SASL authentication', () => {
  const rejected = saslError('SASL SCRAM SHA512 authentication failed: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512');

  it('names the user, the mechanism, the brokers and the config keys to check; exit 5, not retriable', () => {
    const error = kafkaFailure(rejected, 'connecting to Kafka', { brokers: [BROKER], sasl: { mechanism: 'scram-sha-512', username: 'etl' } });
    expect(error).toBeInstanceOf(KafkaError);
    expect(error).toMatchObject({ code: 'KAFKA_AUTH_FAILED', retriable: false, exitCode: ExitCode.KAFKA, cause: rejected });
    expect(error.message).toBe(
      'connecting to Kafka failed: 10.0.0.7:9094 rejected SASL SCRAM-SHA-512 authentication as user "etl": SASL SCRAM SHA512 authentication failed: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512 — check kafka.sasl.username and kafka.sasl.password (or the secret it references), and that the broker has this user for kafka.sasl.mechanism.',
    );
  });

  it('is recognised anywhere in the cause chain, and with only a broker list', () => {
    const wrapped = new KafkaJSNumberOfRetriesExceeded(rejected, { retryCount: 0, retryTime: 0 });
    const error = kafkaFailure(wrapped, 'replaying topic t', [BROKER]);
    expect(error.code).toBe('KAFKA_AUTH_FAILED');
    expect(error.message).toContain('10.0.0.7:9094 rejected SASL authentication:');
  });

  it('never repeats a registered secret that a broker message might echo', () => {
    registerSecrets('hunter2-secret');
    const error = kafkaFailure(saslError('bad password hunter2-secret'), 'connecting to Kafka', { brokers: [BROKER], sasl: { mechanism: 'plain', username: 'etl' } });
    expect(error.message).not.toContain('hunter2-secret');
  });
});

describe('kafkaFailure: TLS', () => {
  it.each([
    ['an untrusted CA', 'unable to verify the first certificate', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', /kafka\.ssl\.ca \(a PEM file path or the PEM text\)/],
    ['a self-signed certificate', 'self-signed certificate in certificate chain', 'SELF_SIGNED_CERT_IN_CHAIN', /kafka\.ssl\.ca/],
    ['a host the certificate does not name', "Hostname/IP does not match certificate's altnames", 'ERR_TLS_CERT_ALTNAME_INVALID', /does not name the host in kafka\.brokers/],
    ['an expired certificate', 'certificate has expired', 'CERT_HAS_EXPIRED', /outside its validity period/],
    ['TLS to a PLAINTEXT listener', 'Client network socket disconnected before secure TLS connection was established', 'ECONNRESET', /SSL or SASL_SSL listener\? .*remove kafka\.ssl/],
  ])('%s: KAFKA_TLS naming the brokers, with the fix; not retriable', (_label, message, code, hint) => {
    const error = kafkaFailure(connectionFailure(message, code), 'connecting to Kafka', { brokers: [BROKER] });
    expect(error).toMatchObject({ code: 'KAFKA_TLS', retriable: false, exitCode: ExitCode.KAFKA });
    expect(error.message).toContain(`connecting to Kafka failed: TLS connection to ${BROKER}: Connection error: ${message} — `);
    expect(error.message).toMatch(hint);
  });

  it('a refused connection is not a TLS problem: it stays KAFKA_UNREACHABLE', () => {
    const refused = connectionFailure('connect ECONNREFUSED 10.0.0.7:9094', 'ECONNREFUSED');
    expect(tlsProblem(refused)).toBeUndefined();
    const error = kafkaFailure(refused, 'connecting to Kafka', [BROKER]);
    expect(error.code).toBe('KAFKA_UNREACHABLE');
    expect(error.message).toMatch(/is the broker running and reachable at 10\.0\.0\.7:9094\?/);
  });
});

describe('kafkaFailure: no answer (a request timed out, the coordinator not found)', () => {
  const timedOut = (): Error => {
    const error = new Error('Request Produce(key: 0, version: 7) timed out');
    error.name = 'KafkaJSRequestTimeoutError';
    return error;
  };

  it('names the broker, the timeout and the attempts, and says how to go on; exit 5, retriable', () => {
    const wrapped = new KafkaJSNumberOfRetriesExceeded(timedOut(), { retryCount: 8, retryTime: 5000 });
    const error = kafkaFailure(wrapped, 'publishing to Kafka (topics t)', { brokers: [BROKER], request_timeout_ms: 3000 });
    expect(error).toMatchObject({ code: 'KAFKA_UNREACHABLE', retriable: true, exitCode: ExitCode.KAFKA });
    expect(error.message).toContain(`no answer from the broker at ${BROKER}`);
    expect(error.message).toContain('kafka.request_timeout_ms (3000 ms), 9 attempts');
    expect(error.message).toContain('Run again to resume from the last committed page');
  });

  it('without a retries wrapper or a configured timeout, says neither count nor value', () => {
    const coordinator = new Error('Failed to find group coordinator');
    coordinator.name = 'KafkaJSGroupCoordinatorNotFound';
    const error = kafkaFailure(coordinator, 'committing', [BROKER]);
    expect(error.code).toBe('KAFKA_UNREACHABLE');
    expect(error.message).toContain('within kafka.request_timeout_ms. Is the broker running');
  });
});
