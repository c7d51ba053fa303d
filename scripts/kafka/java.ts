import { spawnSync } from 'node:child_process';
import path from 'node:path';

/** Kafka 4.x brokers refuse to run on anything older. */
export const MIN_JAVA_MAJOR = 17;

const INSTALL_HINT =
  `install a Java ${MIN_JAVA_MAJOR}+ runtime (e.g. apt-get install openjdk-17-jre-headless, or set JAVA_HOME), ` +
  'or run Kafka in Docker instead: docker compose up -d kafka && export KAFKA_BROKERS=127.0.0.1:9092';

/**
 * Reads the major version from `java -version` output: `17` from `openjdk version "17.0.15"`,
 * `8` from the old `"1.8.0_402"` scheme. `null` when the text holds no version.
 */
export function parseJavaMajor(versionOutput: string): number | null {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return null;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

/**
 * The `java` executable to launch: `$JAVA_HOME/bin/java` when JAVA_HOME is set, else `java`
 * from PATH. Throws one line saying what to install when it is missing or older than 17.
 */
export function requireJava(env: NodeJS.ProcessEnv = process.env): string {
  const java = env.JAVA_HOME ? path.join(env.JAVA_HOME, 'bin', 'java') : 'java';
  const probe = spawnSync(java, ['-version'], { encoding: 'utf8' });
  if (probe.error) throw new Error(`${java} not found: ${INSTALL_HINT}`);
  const major = parseJavaMajor(`${probe.stderr}${probe.stdout}`);
  if (major === null || major < MIN_JAVA_MAJOR) {
    throw new Error(`${java} is Java ${major ?? 'of unknown version'}, Kafka 4 needs ${MIN_JAVA_MAJOR}+: ${INSTALL_HINT}`);
  }
  return java;
}
