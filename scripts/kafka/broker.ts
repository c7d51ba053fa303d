import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { brokerProperties, clusterIdOf, newClusterId } from './config';
import { requireJava } from './java';
import { scriptFile } from './paths';
import { assertPortFree } from './ports';
import { ensureJars } from './provision';
import { killAndWait, removePidFile, sizeOf, spawnJvm, tail, terminate } from './process';
import { waitForBroker } from './ready';

/** How to start one single-node KRaft broker (broker and controller in one JVM). */
export interface BrokerOptions {
  /** Holds server.properties, broker.pid and logs/, and data/ unless `dataDir` says otherwise. */
  workDir: string;
  /** Client port on 127.0.0.1. Default 9092. */
  port?: number;
  /** Controller port on 127.0.0.1. Default 9093. A restart on the same data dir must reuse it: the quorum remembers it. */
  controllerPort?: number;
  /** Log dir. Default `<workDir>/data`. Formatted once, never re-formatted. */
  dataDir?: string;
  /** server.properties settings that override the test-friendly defaults. */
  extraConfig?: Readonly<Record<string, string>>;
  /** JVM heap (-Xmx). Default 512m. */
  heap?: string;
  /** Run in its own session so it outlives the caller (the npm scripts). Default false: Ctrl-C stops it too. */
  detached?: boolean;
  /** How long to wait for the broker to answer metadata. Default 60 s. */
  readyTimeoutMs?: number;
  /** Progress lines (jar provisioning, formatting). */
  log?: (line: string) => void;
  /**
   * SCRAM users written into the metadata log when the data dir is formatted (ignored on a
   * restart). KRaft has no other way to create them before a client can authenticate, and
   * kafkajs cannot create them afterwards (it has no AlterUserScramCredentials).
   */
  scram?: readonly ScramCredential[];
}

/** A SCRAM user for {@link BrokerOptions.scram}; the name and password must not contain `,` `]` or `"`. */
export interface ScramCredential {
  mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
  username: string;
  password: string;
}

/** A broker that answered a metadata request. */
export interface RunningBroker {
  /** Bootstrap list for clients: `['127.0.0.1:<port>']`. */
  brokers: string[];
  pid: number;
  clusterId: string;
  dataDir: string;
  logFile: string;
  /** Whether this start formatted a new log dir (false on a restart). */
  formatted: boolean;
  /** Milliseconds from the call to the first metadata answer, formatting included. */
  startupMs: number;
  /** The options it was started with: `startBroker(broker.options)` restarts it on the same data. */
  options: BrokerOptions;
  /** SIGTERM, wait up to `timeoutMs` (default 30 s) for a controlled shutdown, then SIGKILL. */
  stop(timeoutMs?: number): Promise<void>;
  /** SIGKILL, as a crash: the next start on the same dir runs log recovery. */
  kill(): Promise<void>;
}

export const DEFAULT_PORT = 9092;
export const DEFAULT_CONTROLLER_PORT = 9093;

/** The pid file a broker started in `workDir` writes. */
export function pidFileOf(workDir: string): string {
  return path.join(workDir, 'broker.pid');
}

/**
 * Starts a single-node Kafka broker from the provisioned jars and resolves once it answers
 * metadata with its own cluster id. Fetches the jars first if needed, formats the data dir
 * only if it has never been formatted, and on failure kills the JVM and throws with the tail
 * of its log.
 *
 * @example
 * const broker = await startBroker({ workDir: '/tmp/k1', port: 19092, controllerPort: 19093 });
 * await broker.kill();                                     // crash it
 * const again = await startBroker(broker.options);         // recover on the same data
 * await again.stop();
 */
export async function startBroker(options: BrokerOptions): Promise<RunningBroker> {
  const started = Date.now();
  const java = requireJava();
  const port = options.port ?? DEFAULT_PORT;
  const controllerPort = options.controllerPort ?? DEFAULT_CONTROLLER_PORT;
  const workDir = path.resolve(options.workDir);
  const dataDir = path.resolve(options.dataDir ?? path.join(workDir, 'data'));
  const logsDir = path.join(workDir, 'logs');
  const pidFile = pidFileOf(workDir);
  const logFile = path.join(logsDir, 'server.log');
  const stdoutFile = path.join(logsDir, 'stdout.log');

  await assertPortFree(port, 'Kafka client', 'KAFKA_PORT');
  await assertPortFree(controllerPort, 'Kafka controller', 'KAFKA_CONTROLLER_PORT');
  const { dir: jars } = await ensureJars({ log: options.log });
  await mkdir(dataDir, { recursive: true });
  await mkdir(logsDir, { recursive: true });
  const propertiesFile = path.join(workDir, 'server.properties');
  await writeFile(propertiesFile, brokerProperties({ port, controllerPort, dataDir }, options.extraConfig));

  const jvmCommon = ['-Djava.awt.headless=true', `-Dlog4j2.configurationFile=${scriptFile('log4j2.properties')}`, `-Dkafka.logs.dir=${logsDir}`, '-cp', path.join(jars, '*')];
  const { clusterId, formatted } = await formatOnce(java, jvmCommon, dataDir, propertiesFile, options.scram ?? [], options.log);

  const logFrom = { server: sizeOf(logFile), stdout: sizeOf(stdoutFile) };
  const heap = options.heap ?? '512m';
  const jvm = await spawnJvm(java, [`-Xms${heap}`, `-Xmx${heap}`, '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', ...jvmCommon, 'kafka.Kafka', propertiesFile], { logFile: stdoutFile, pidFile, detached: options.detached });
  const { pid } = jvm;

  const brokers = [`127.0.0.1:${port}`];
  try {
    await waitForBroker({ brokers, clusterId, timeoutMs: options.readyTimeoutMs ?? 60_000, stillRunning: jvm.running });
  } catch (error) {
    await killAndWait(pid);
    await removePidFile(pidFile, pid);
    throw new Error(`Kafka did not start: ${(error as Error).message}\n--- ${logFile} (tail) ---\n${tail(logFile, 30, logFrom.server)}\n--- ${stdoutFile} (tail) ---\n${tail(stdoutFile, 10, logFrom.stdout)}`);
  }

  const end = async (how: (pid: number) => Promise<unknown>): Promise<void> => {
    await how(pid);
    await removePidFile(pidFile, pid);
  };
  return {
    brokers,
    pid,
    clusterId,
    dataDir,
    logFile,
    formatted,
    startupMs: Date.now() - started,
    options: { ...options, port, controllerPort, workDir, dataDir },
    stop: (timeoutMs = 30_000) => end((p) => terminate(p, timeoutMs)),
    kill: () => end(killAndWait),
  };
}

/**
 * Formats the log dir unless it already holds a meta.properties (a restart, perhaps after a
 * crash: re-formatting then would throw the data away). Returns the dir's cluster id.
 */
async function formatOnce(java: string, jvmCommon: string[], dataDir: string, propertiesFile: string, scram: readonly ScramCredential[], log?: (line: string) => void): Promise<{ clusterId: string; formatted: boolean }> {
  const existing = clusterIdOf(await readFile(path.join(dataDir, 'meta.properties'), 'utf8').catch(() => ''));
  if (existing !== null) return { clusterId: existing, formatted: false };
  const clusterId = newClusterId();
  log?.(`Formatting ${dataDir} (cluster ${clusterId})`);
  // --standalone: a one-voter dynamic quorum from the controller listener; -g: never fail on a formatted dir.
  const args = ['-Xmx256m', ...jvmCommon, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', propertiesFile, '--standalone', '-g'];
  for (const user of scram) args.push('--add-scram', `${user.mechanism}=[name=${user.username},password=${user.password}]`);
  const format = spawnSync(java, args, { encoding: 'utf8' });
  if (format.status !== 0) throw new Error(`formatting ${dataDir} failed (exit ${format.status ?? format.error?.message}):\n${format.stdout}${format.stderr}`);
  return { clusterId, formatted: true };
}
