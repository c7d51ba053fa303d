/**
 * A local Confluent-compatible Schema Registry for the integration tests, CI and development:
 * Apicurio Registry 2.4.2.Final (in-memory storage, no auth), built once from Maven Central by
 * pom.xml into `.registry/build/` and run with Java 17+. Its Confluent API is under
 * `/apis/ccompat/v7`; docker-compose runs the same release from its image.
 *
 * Where it differs from Confluent's registry (tests must not depend on these): the default
 * global compatibility is NONE (Confluent: BACKWARD), an incompatible schema answers 409 with
 * error_code 0, and a failed compatibility check gives no reason.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { requireJava } from '../kafka/java';
import { repoRoot } from '../kafka/paths';
import { assertPortFree } from '../kafka/ports';
import { isAlive, killAndWait, removePidFile, sizeOf, spawnJvm, tail, terminate } from '../kafka/process';

/** Git-ignored home of the build, the pid file and the log of `registry.sh start`. */
export const registryHome = path.join(repoRoot, '.registry');
export const DEFAULT_PORT = 8081;
/** The Confluent-compatible API's path on an Apicurio server. */
export const CONFLUENT_API = '/apis/ccompat/v7';
const MAVEN_CENTRAL = 'https://repo.maven.apache.org/maven2';

/** Where the runnable jar is built; `REGISTRY_BUILD_DIR` moves it (e.g. to a CI cache). */
export function buildDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.REGISTRY_BUILD_DIR ? path.resolve(env.REGISTRY_BUILD_DIR) : path.join(registryHome, 'build');
}

function runnerJar(env: NodeJS.ProcessEnv): string {
  return path.join(buildDir(env), 'apicurio-registry-runner-2.4.2-runner.jar');
}

/**
 * Builds the runnable jar unless it is there (cold: ~80 s and ~230 MB from Maven Central;
 * `MAVEN_REPO_URL` names a mirror). Returns the jar's path.
 */
export function ensureRegistryJar(options: { env?: NodeJS.ProcessEnv; log?: (line: string) => void } = {}): string {
  const env = options.env ?? process.env;
  const jar = runnerJar(env);
  if (existsSync(jar)) return jar;
  options.log?.(`Building Apicurio Registry 2.4.2.Final into ${buildDir(env)} with Maven (once; about 80 s on a cold Maven cache)…`);
  const here = path.join(repoRoot, 'scripts', 'registry');
  const run = spawnSync('mvn', ['-B', '-q', '-s', path.join(here, 'settings.xml'), '-f', path.join(here, 'pom.xml'), `-Dregistry.buildDir=${buildDir(env)}`, '-DskipTests', 'package'], {
    env: { ...env, MAVEN_REPO_URL: env.MAVEN_REPO_URL || MAVEN_CENTRAL },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error) throw new Error(`mvn could not run (${run.error.message}): install Maven 3 and Java 17+, or set REGISTRY_URL to a running registry`);
  if (run.status !== 0 || !existsSync(jar)) {
    throw new Error(`building the registry failed (mvn exit ${run.status}):\n${`${run.stdout}${run.stderr}`.trim().split('\n').slice(-30).join('\n')}`);
  }
  return jar;
}

export interface RegistryOptions {
  /** Holds registry.pid and registry.log. */
  workDir: string;
  /** HTTP port on 127.0.0.1. Default 8081. */
  port?: number;
  /** Outlive the caller (the shell script). Default false. */
  detached?: boolean;
  /** Default 120 s: the JVM needs ~3.5 s alone, much longer next to a busy broker. */
  readyTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface RunningRegistry {
  /** The Confluent API's base URL, for `delivery.schema_registry.url`. */
  url: string;
  pid: number;
  logFile: string;
  startupMs: number;
  /** SIGTERM, then SIGKILL after `timeoutMs` (default 15 s). */
  stop(timeoutMs?: number): Promise<void>;
}

/** True when the pid runs this registry's JVM (a stale pid file must not make us signal another process). */
export function isRegistryProcess(pid: number): boolean {
  if (!isAlive(pid)) return false;
  const cmdline = spawnSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }).stdout ?? '';
  return cmdline.includes('apicurio-registry-runner');
}

/**
 * Starts the registry and resolves once `/health/ready` answers; on failure kills the JVM and
 * throws with the tail of its log.
 *
 * @example const registry = await startRegistry({ workDir: '/tmp/r', port: 18081 }); // registry.url
 */
export async function startRegistry(options: RegistryOptions): Promise<RunningRegistry> {
  const started = Date.now();
  const java = requireJava();
  const port = options.port ?? DEFAULT_PORT;
  await assertPortFree(port, 'Schema Registry');
  const jar = ensureRegistryJar({ log: options.log });
  await mkdir(options.workDir, { recursive: true });
  const logFile = path.join(options.workDir, 'registry.log');
  const pidFile = path.join(options.workDir, 'registry.pid');
  const logFrom = sizeOf(logFile);
  const jvm = await spawnJvm(java, ['-Xmx384m', '-XX:+UseSerialGC', `-Dquarkus.http.host=127.0.0.1`, `-Dquarkus.http.port=${port}`, '-jar', jar], { logFile, pidFile, detached: options.detached });
  const { pid } = jvm;

  const ready = `http://127.0.0.1:${port}/health/ready`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
  for (;;) {
    const ok = await fetch(ready, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
    if (ok) break;
    const exited = !jvm.running();
    if (exited || Date.now() > deadline) {
      if (!exited) await killAndWait(pid);
      await removePidFile(pidFile, pid);
      throw new Error(`the Schema Registry did not start${exited ? ' (the JVM exited)' : ` within ${options.readyTimeoutMs ?? 120_000} ms`}\n--- ${logFile} (tail) ---\n${tail(logFile, 30, logFrom)}`);
    }
    await sleep(250);
  }
  return {
    url: `http://127.0.0.1:${port}${CONFLUENT_API}`,
    pid,
    logFile,
    startupMs: Date.now() - started,
    stop: async (timeoutMs = 15_000) => {
      await terminate(pid, timeoutMs);
      await removePidFile(pidFile, pid);
    },
  };
}
