import { setTimeout as sleep } from 'node:timers/promises';
import { Kafka, logLevel } from 'kafkajs';

/** The cluster id the broker at `brokers` reports, or null when it does not answer metadata now. */
export async function probeClusterId(brokers: string[]): Promise<string | null> {
  const admin = new Kafka({
    clientId: 'rest2kafka-broker-probe',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 2000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    return (await admin.describeCluster()).clusterId;
  } catch {
    return null;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Polls until the broker answers a metadata request with the expected cluster id, so a broker
 * of another cluster on the same port never passes for ours. Fails early when `stillRunning`
 * says the process has gone, and after `timeoutMs` otherwise.
 */
export async function waitForBroker(options: {
  brokers: string[];
  clusterId: string;
  timeoutMs: number;
  stillRunning: () => boolean;
}): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const answered = await probeClusterId(options.brokers);
    if (answered === options.clusterId) return;
    if (answered !== null) {
      throw new Error(`${options.brokers.join(',')} answers for cluster ${answered}, not ours (${options.clusterId})`);
    }
    if (!options.stillRunning()) throw new Error('the broker process exited during start-up');
    if (Date.now() > deadline) throw new Error(`the broker did not answer on ${options.brokers.join(',')} within ${options.timeoutMs / 1000} s`);
    await sleep(250);
  }
}
