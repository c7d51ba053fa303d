import path from 'node:path';

/** The repository root, found from this file so the scripts work from any directory. */
export const repoRoot = path.resolve(__dirname, '..', '..');

/** Git-ignored home of everything the local broker writes: jars, data, logs, pid file. */
export const kafkaHome = path.join(repoRoot, '.kafka');

/** Where the broker jars live; `KAFKA_JARS_DIR` moves them (e.g. to a CI cache). */
export function jarsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.KAFKA_JARS_DIR ? path.resolve(env.KAFKA_JARS_DIR) : path.join(kafkaHome, 'jars');
}

/** Files kept in the repository next to this module (pom.xml, jars.lock, log4j2.properties). */
export function scriptFile(name: string): string {
  return path.join(__dirname, name);
}
