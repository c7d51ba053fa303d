/**
 * Jest globalSetup of the integration project: one real Kafka broker and one Schema Registry
 * for the whole run, on free ports and a fresh temp dir, so tests never see leftovers and never
 * clash with a developer's `npm run kafka:start` broker on 9092. Set KAFKA_BROKERS (REGISTRY_URL)
 * to use a running broker (registry) instead. Tests find them through process.env.KAFKA_BROKERS
 * (spec/support/kafka.ts testBrokers()) and process.env.REGISTRY_URL.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { RunningBroker, startBroker } from '../../scripts/kafka/broker';
import { freePorts } from '../../scripts/kafka/ports';
import { startRegistry, type RunningRegistry } from '../../scripts/registry/registry';

/** What globalSetup started, for globalTeardown (same process, separately loaded module). */
export interface StartedTestBroker {
  broker?: RunningBroker;
  registry?: RunningRegistry;
  workDir: string;
  killOnExit: () => void;
}

const STARTED = Symbol.for('rest2kafka.integration.broker');

/** Hands over, once, what globalSetup started; undefined when it used KAFKA_BROKERS and REGISTRY_URL. */
export function takeStartedTestBroker(): StartedTestBroker | undefined {
  const holder = globalThis as { [STARTED]?: StartedTestBroker };
  const started = holder[STARTED];
  delete holder[STARTED];
  return started;
}

export default async function globalSetup(): Promise<void> {
  const useBrokers = process.env.KAFKA_BROKERS;
  const useRegistry = process.env.REGISTRY_URL;
  if (useBrokers) console.log(`\nIntegration tests use the broker(s) in KAFKA_BROKERS: ${useBrokers}`);
  if (useRegistry) console.log(`\nIntegration tests use the Schema Registry at REGISTRY_URL: ${useRegistry}`);
  if (useBrokers && useRegistry) return;
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'rest2kafka-it-'));
  const [port, controllerPort, registryPort] = await freePorts(3);
  const started: StartedTestBroker = { workDir, killOnExit: () => undefined };
  // globalTeardown does not run when jest itself dies; the JVMs must not outlive it then either.
  started.killOnExit = (): void => {
    for (const pid of [started.broker?.pid, started.registry?.pid]) {
      try {
        if (pid !== undefined) process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', started.killOnExit);
  (globalThis as { [STARTED]?: StartedTestBroker })[STARTED] = started;
  // Started side by side: both JVMs spend their first seconds loading classes. Each is recorded
  // as soon as it runs, so killOnExit finds it even when the other fails to start. Generous
  // timeouts: several jest runs (and other JVMs) can share the machine.
  const log = (line: string): void => console.log(line);
  await Promise.all([
    useBrokers ? undefined : startBroker({ workDir, port, controllerPort, readyTimeoutMs: 120_000, log }).then((b) => void (started.broker = b)),
    useRegistry ? undefined : startRegistry({ workDir: path.join(workDir, 'registry'), port: registryPort, readyTimeoutMs: 120_000, log }).then((r) => void (started.registry = r)),
  ]);
  const { broker, registry } = started;
  if (broker) {
    process.env.KAFKA_BROKERS = broker.brokers.join(',');
    console.log(`\nKafka for integration tests at ${process.env.KAFKA_BROKERS}, ready in ${(broker.startupMs / 1000).toFixed(1)} s (log ${broker.logFile})`);
  }
  if (registry) {
    process.env.REGISTRY_URL = registry.url;
    console.log(`Schema Registry (Apicurio) for integration tests at ${registry.url}, ready in ${(registry.startupMs / 1000).toFixed(1)} s (log ${registry.logFile})`);
  }
}
