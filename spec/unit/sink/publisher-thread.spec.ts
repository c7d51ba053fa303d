import { ExitCode, FencedError, KafkaError } from '../../../lib/errors';
import { reviveError, transferError } from '../../../lib/sink/publisher-thread';

/** What crosses the thread boundary: structured cloning, as postMessage does it. */
const across = (error: unknown) => reviveError(structuredClone(transferError(error)));

describe('errors from the publisher thread', () => {
  it('a fenced producer stays a FencedError, with its message and exit code', () => {
    const revived = across(new FencedError('publishing: the producer was fenced (PRODUCER_FENCED): another instance started'));
    expect(revived).toBeInstanceOf(FencedError);
    expect(revived.message).toBe('publishing: the producer was fenced (PRODUCER_FENCED): another instance started');
    expect((revived as FencedError).exitCode).toBe(ExitCode.FENCED);
  });

  it('a Kafka failure keeps its code, retriable flag and exit code', () => {
    const revived = across(new KafkaError('publishing to Kafka (topics t) failed: no answer', { code: 'KAFKA_UNREACHABLE', retriable: true }));
    expect(revived).toBeInstanceOf(KafkaError);
    expect(revived).toMatchObject({ code: 'KAFKA_UNREACHABLE', retriable: true, message: 'publishing to Kafka (topics t) failed: no answer' });
    expect((revived as KafkaError).exitCode).toBe(ExitCode.KAFKA);
  });

  it('anything else is an internal error that says where it happened and keeps the thread stack', () => {
    const bug = new TypeError('cannot read properties of undefined');
    const revived = across(bug);
    expect(revived).not.toBeInstanceOf(KafkaError);
    expect(revived.message).toBe('publisher thread: cannot read properties of undefined');
    expect(revived.stack).toContain('in the publisher thread: TypeError: cannot read properties of undefined');
  });
});
