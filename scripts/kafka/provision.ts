import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { jarsDir, scriptFile } from './paths';

/** The two versions the jar set is built from, as declared in scripts/kafka/pom.xml. */
export interface JarVersions {
  kafka: string;
  log4j: string;
}

/** One pinned jar of jars.lock. */
export interface LockedJar {
  group: string;
  artifact: string;
  version: string;
  classifier?: string;
  sha1: string;
}

export interface ProvisionResult {
  dir: string;
  /** `cached`: the marker already matched, nothing was fetched. */
  method: 'cached' | 'maven' | 'download';
  durationMs: number;
}

const MARKER = '.provisioned';
const LOCK_VERSIONS_PREFIX = '# for: ';
const MAVEN_CENTRAL = 'https://repo.maven.apache.org/maven2';
const DOWNLOAD_CONCURRENCY = 6;

/** Reads `<kafka.version>` and `<log4j.version>` from the POM text; the POM is the one source of truth. */
export function pomVersions(pom: string): JarVersions {
  const read = (name: string): string => {
    const match = new RegExp(`<${name}>([^<]+)</${name}>`).exec(pom);
    if (!match) throw new Error(`scripts/kafka/pom.xml has no <${name}>`);
    return match[1].trim();
  };
  return { kafka: read('kafka.version'), log4j: read('log4j.version') };
}

/** What the marker file and the jars.lock header hold for a jar set. */
export function versionLabel(versions: JarVersions): string {
  return `kafka_2.13 ${versions.kafka}, log4j ${versions.log4j}`;
}

/** The file name `mvn dependency:copy-dependencies` gives a jar, so both paths fill the folder alike. */
export function jarFileName(jar: Omit<LockedJar, 'sha1'>): string {
  return `${jar.artifact}-${jar.version}${jar.classifier ? `-${jar.classifier}` : ''}.jar`;
}

/** The jar's URL in a Maven repository laid out like Maven Central. */
export function jarUrl(repository: string, jar: Omit<LockedJar, 'sha1'>): string {
  return `${repository.replace(/\/+$/, '')}/${jar.group.replace(/\./g, '/')}/${jar.artifact}/${jar.version}/${jarFileName(jar)}`;
}

/** Parses jars.lock: `group:artifact:version[:classifier] sha1` lines under a `# for:` version header. */
export function parseLock(text: string): { label: string | null; jars: LockedJar[] } {
  let label: string | null = null;
  const jars: LockedJar[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith(LOCK_VERSIONS_PREFIX)) label = line.slice(LOCK_VERSIONS_PREFIX.length);
    if (line === '' || line.startsWith('#')) continue;
    const [coordinates, sha1, extra] = line.split(/\s+/);
    const [group, artifact, version, classifier, more] = coordinates.split(':');
    if (!version || more !== undefined || !/^[0-9a-f]{40}$/.test(sha1 ?? '') || extra !== undefined) {
      throw new Error(`jars.lock: cannot read line "${line}"`);
    }
    jars.push({ group, artifact, version, sha1, ...(classifier ? { classifier } : {}) });
  }
  return { label, jars };
}

/**
 * Makes sure the broker jars for the versions in pom.xml are in {@link jarsDir}, and returns
 * at once when its marker file says they already are. Uses Maven when `mvn` is on PATH, else
 * downloads the pinned, sha1-checked jars of jars.lock with Node alone (`KAFKA_PROVISION=maven`
 * or `download` forces one; `MAVEN_REPO_URL` replaces Maven Central for the download).
 * Jars land in a staging folder first, so an interrupted run never leaves a half-filled one.
 *
 * @example
 * const { dir } = await ensureJars({ log: console.log }); // java -cp `${dir}/*` kafka.Kafka ...
 */
export async function ensureJars(options: { env?: NodeJS.ProcessEnv; log?: (line: string) => void } = {}): Promise<ProvisionResult> {
  const env = options.env ?? process.env;
  const started = Date.now();
  const dir = jarsDir(env);
  const label = versionLabel(pomVersions(await readFile(scriptFile('pom.xml'), 'utf8')));
  const marker = await readFile(path.join(dir, MARKER), 'utf8').catch(() => '');
  if (marker.trim() === label) return { dir, method: 'cached', durationMs: Date.now() - started };

  const forced = env.KAFKA_PROVISION;
  if (forced !== undefined && forced !== 'maven' && forced !== 'download') {
    throw new Error(`KAFKA_PROVISION="${forced}" is not a provisioning method; known: maven, download`);
  }
  const staging = `${dir}.staging-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    let method: 'maven' | 'download' = forced ?? 'maven';
    options.log?.(`Provisioning ${label} into ${dir} ...`);
    if (method === 'maven' && !copyWithMaven(staging, forced === 'maven')) method = 'download';
    if (method === 'download') await downloadLocked(staging, label, env.MAVEN_REPO_URL ?? MAVEN_CENTRAL);
    await writeFile(path.join(staging, MARKER), `${label}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
    return { dir, method, durationMs: Date.now() - started };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Returns false when `mvn` is not installed (and not required), so the caller can download instead. */
function copyWithMaven(outputDir: string, required: boolean): boolean {
  const run = spawnSync(
    'mvn',
    ['-q', '-B', '-f', scriptFile('pom.xml'), 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${outputDir}`],
    { encoding: 'utf8' },
  );
  if (run.error && (run.error as NodeJS.ErrnoException).code === 'ENOENT' && !required) return false;
  if (run.error) throw new Error(`mvn could not run: ${run.error.message}`);
  if (run.status !== 0) {
    const tail = `${run.stdout}${run.stderr}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`mvn dependency:copy-dependencies failed (exit ${run.status}); KAFKA_PROVISION=download skips Maven.\n${tail}`);
  }
  return true;
}

async function downloadLocked(outputDir: string, label: string, repository: string): Promise<void> {
  const lock = parseLock(await readFile(scriptFile('jars.lock'), 'utf8'));
  if (lock.label !== label) {
    throw new Error(`scripts/kafka/jars.lock is for "${lock.label}" but pom.xml asks for "${label}": run bash scripts/kafka/provision.sh --update-lock`);
  }
  const queue = [...lock.jars];
  const worker = async (): Promise<void> => {
    for (let jar = queue.shift(); jar; jar = queue.shift()) await downloadJar(jar, repository, outputDir);
  };
  await Promise.all(Array.from({ length: DOWNLOAD_CONCURRENCY }, worker));
}

async function downloadJar(jar: LockedJar, repository: string, outputDir: string): Promise<void> {
  const url = jarUrl(repository, jar);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  const body = Buffer.from(await response.arrayBuffer());
  const sha1 = createHash('sha1').update(body).digest('hex');
  if (sha1 !== jar.sha1) throw new Error(`GET ${url}: sha1 ${sha1}, jars.lock pins ${jar.sha1}`);
  await writeFile(path.join(outputDir, jarFileName(jar)), body);
}

/**
 * Regenerates jars.lock from pom.xml with Maven (after a version bump), so machines without
 * Maven download exactly the jar set Maven resolves. Returns the number of pinned jars.
 */
export async function updateLock(): Promise<number> {
  const pom = scriptFile('pom.xml');
  const listFile = path.join(os.tmpdir(), `rest2kafka-jars-${process.pid}.txt`);
  const run = spawnSync(
    'mvn',
    ['-q', '-B', '-f', pom, 'dependency:list', '-DincludeScope=runtime', '-DoutputAbsoluteArtifactFilename=true', `-DoutputFile=${listFile}`],
    { encoding: 'utf8' },
  );
  if (run.error || run.status !== 0) throw new Error(`mvn dependency:list failed: ${run.error?.message ?? `${run.stdout}${run.stderr}`}`);
  const listing = await readFile(listFile, 'utf8');
  await rm(listFile, { force: true });
  const lines: string[] = [];
  for (const entry of listing.split('\n').map((l) => l.trim()).filter((l) => /:(compile|runtime):/.test(l))) {
    const parts = entry.split(':');
    const scopeAt = parts.findIndex((p, i) => i >= 4 && (p === 'compile' || p === 'runtime'));
    const [group, artifact] = parts;
    const classifier = scopeAt === 5 ? parts[3] : undefined;
    const version = parts[scopeAt - 1];
    const file = parts.slice(scopeAt + 1).join(':');
    if (!existsSync(file)) throw new Error(`mvn listed ${file}, which does not exist`);
    const sha1 = createHash('sha1').update(await readFile(file)).digest('hex');
    lines.push(`${[group, artifact, version, classifier].filter(Boolean).join(':')} ${sha1}`);
  }
  lines.sort();
  const header = [
    '# The broker jar set of scripts/kafka/pom.xml, pinned for machines without Maven.',
    '# Generated by `bash scripts/kafka/provision.sh --update-lock`; do not edit by hand.',
    `${LOCK_VERSIONS_PREFIX}${versionLabel(pomVersions(await readFile(pom, 'utf8')))}`,
  ];
  await writeFile(scriptFile('jars.lock'), `${[...header, ...lines].join('\n')}\n`);
  return lines.length;
}
