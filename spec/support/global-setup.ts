/**
 * Jest globalSetup of the integration project: one real Kafka broker for the whole run,
 * on free ports and a fresh temp dir, so tests never see leftovers and never clash with a
 * developer's `npm run kafka:start` broker on 9092. Set KAFKA_BROKERS to use a running one instead.
 * Tests find the broker through process.env.KAFKA_BROKERS (spec/support/kafka.ts testBrokers()).
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { RunningBroker, startBroker } from '../../scripts/kafka/broker';
import { freePorts } from '../../scripts/kafka/ports';

/** What globalSetup started, for globalTeardown (same process, separately loaded module). */
export interface StartedTestBroker {
  broker: RunningBroker;
  workDir: string;
  killOnExit: () => void;
}

const STARTED = Symbol.for('rest2kafka.integration.broker');

/** Hands over, once, the broker globalSetup started; undefined when it used KAFKA_BROKERS. */
export function takeStartedTestBroker(): StartedTestBroker | undefined {
  const holder = globalThis as { [STARTED]?: StartedTestBroker };
  const started = holder[STARTED];
  delete holder[STARTED];
  return started;
}

export default async function globalSetup(): Promise<void> {
  if (process.env.KAFKA_BROKERS) {
    console.log(`\nIntegration tests use the broker(s) in KAFKA_BROKERS: ${process.env.KAFKA_BROKERS}`);
    return;
  }
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'rest2kafka-it-'));
  const [port, controllerPort] = await freePorts(2);
  // Generous: several jest runs (and other JVMs) can share the machine.
  const broker = await startBroker({ workDir, port, controllerPort, readyTimeoutMs: 120_000, log: (line) => console.log(line) });
  // globalTeardown does not run when jest itself dies; the JVM must not outlive it then either.
  const killOnExit = (): void => {
    try {
      process.kill(broker.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', killOnExit);
  (globalThis as { [STARTED]?: StartedTestBroker })[STARTED] = { broker, workDir, killOnExit };
  process.env.KAFKA_BROKERS = broker.brokers.join(',');
  console.log(`\nKafka for integration tests at ${process.env.KAFKA_BROKERS}, ready in ${(broker.startupMs / 1000).toFixed(1)} s (log ${broker.logFile})`);
}
