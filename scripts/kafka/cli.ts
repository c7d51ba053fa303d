/**
 * `kafka.sh start|stop|provision`: the local development broker in `.kafka/`, behind
 * `npm run kafka:start` / `npm run kafka:stop`. The work is done by broker.ts and
 * provision.ts, which the integration tests' globalSetup calls directly.
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_CONTROLLER_PORT, DEFAULT_PORT, pidFileOf, startBroker } from './broker';
import { parseExtraConfig } from './config';
import { kafkaHome, scriptFile } from './paths';
import { isKafkaProcess, readPidFile, terminate } from './process';
import { ensureJars, pomVersions, updateLock } from './provision';
import { probeClusterId } from './ready';
import { dispatch } from '../dispatch';

const USAGE = `Usage: bash scripts/kafka/kafka.sh <command>
  start               start the local broker in the background (npm run kafka:start)
  stop                stop it (npm run kafka:stop)
  provision           fetch the broker jars into .kafka/jars if they are not there yet
  provision --update-lock   regenerate scripts/kafka/jars.lock from pom.xml (needs mvn)

Environment (start):
  KAFKA_PORT=9092  KAFKA_CONTROLLER_PORT=9093  KAFKA_DATA_DIR=.kafka/data  KAFKA_HEAP=512m
  KAFKA_EXTRA_CONFIG="key=value,key=value"   server.properties overrides
Environment (provision):
  KAFKA_PROVISION=maven|download  KAFKA_JARS_DIR=.kafka/jars  MAVEN_REPO_URL=<Maven Central mirror>`;

function shown(file: string): string {
  return path.relative(process.cwd(), file) || '.';
}

function portFrom(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name}="${text}" is not a TCP port`);
  return port;
}

async function kafkaVersion(): Promise<string> {
  return pomVersions(await readFile(scriptFile('pom.xml'), 'utf8')).kafka;
}

async function start(): Promise<void> {
  const port = portFrom('KAFKA_PORT', DEFAULT_PORT);
  const pidFile = pidFileOf(kafkaHome);
  const pid = await readPidFile(pidFile);
  if (pid !== null && isKafkaProcess(pid)) {
    if ((await probeClusterId([`127.0.0.1:${port}`])) === null) {
      throw new Error(`a broker (pid ${pid}, from ${shown(pidFile)}) runs but does not answer on 127.0.0.1:${port}; npm run kafka:stop first`);
    }
    console.log(`Kafka is already running at 127.0.0.1:${port} (pid ${pid}).`);
    return;
  }
  if (pid !== null) await rm(pidFile, { force: true });

  const broker = await startBroker({
    workDir: kafkaHome,
    port,
    controllerPort: portFrom('KAFKA_CONTROLLER_PORT', DEFAULT_CONTROLLER_PORT),
    dataDir: process.env.KAFKA_DATA_DIR || undefined,
    extraConfig: parseExtraConfig(process.env.KAFKA_EXTRA_CONFIG),
    heap: process.env.KAFKA_HEAP || undefined,
    detached: true,
    log: (line) => console.log(line),
  });
  console.log(
    `Kafka ${await kafkaVersion()} is ready at ${broker.brokers.join(',')} after ${(broker.startupMs / 1000).toFixed(1)} s ` +
      `(pid ${broker.pid}, data ${shown(broker.dataDir)}, log ${shown(broker.logFile)}). Stop it with: npm run kafka:stop`,
  );
}

async function stop(): Promise<void> {
  const pidFile = pidFileOf(kafkaHome);
  const pid = await readPidFile(pidFile);
  if (pid === null) {
    console.log(`No broker to stop (no ${shown(pidFile)}).`);
    return;
  }
  if (!isKafkaProcess(pid)) {
    await rm(pidFile, { force: true });
    console.log(`No broker to stop: pid ${pid} from ${shown(pidFile)} is not a running Kafka; removed the stale pid file.`);
    return;
  }
  const started = Date.now();
  const outcome = await terminate(pid, 30_000);
  await rm(pidFile, { force: true });
  const took = `${((Date.now() - started) / 1000).toFixed(1)} s`;
  console.log(outcome === 'killed' ? `Kafka (pid ${pid}) ignored SIGTERM for 30 s; killed it.` : `Stopped Kafka (pid ${pid}) in ${took}.`);
}

async function provision(args: string[]): Promise<void> {
  if (args[0] === '--update-lock') {
    console.log(`Pinned ${await updateLock()} jars in ${shown(scriptFile('jars.lock'))}.`);
    return;
  }
  const result = await ensureJars({ log: (line) => console.log(line) });
  const how = result.method === 'cached' ? 'already provisioned' : `fetched with ${result.method} in ${(result.durationMs / 1000).toFixed(1)} s`;
  console.log(`Kafka ${await kafkaVersion()} jars in ${shown(result.dir)}: ${how}.`);
}

const [command, ...rest] = process.argv.slice(2);
dispatch('kafka', command, { start, stop, provision: () => provision(rest) }, USAGE);
