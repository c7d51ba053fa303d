import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, statSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/** True while a process with this pid exists (signal 0 checks without signalling). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True when the pid runs a Kafka broker JVM: a stale pid file must never make us signal
 * whatever process reused the number.
 */
export function isKafkaProcess(pid: number): boolean {
  if (!isAlive(pid)) return false;
  const procFile = `/proc/${pid}/cmdline`;
  const commandLine = existsSync(procFile)
    ? readFileSync(procFile, 'utf8').split('\0').join(' ')
    : spawnSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }).stdout ?? '';
  return /\bkafka\.Kafka\b/.test(commandLine);
}

/** The pid a pid file holds, or null when the file is missing or holds no number. */
export async function readPidFile(file: string): Promise<number | null> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/** Removes the pid file only if it still names `pid`, so a newer broker's file survives. */
export async function removePidFile(file: string, pid: number): Promise<void> {
  if ((await readPidFile(file)) === pid) await rm(file, { force: true });
}

/** Resolves true once the process has gone, false when `timeoutMs` passed first. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

/**
 * Stops a broker cleanly: SIGTERM (plus SIGCONT, so a broker a fault test froze with SIGSTOP
 * can act on it), then SIGKILL if it has not exited within `timeoutMs`.
 * Returns how it ended.
 */
export async function terminate(pid: number, timeoutMs: number): Promise<'stopped' | 'killed' | 'not running'> {
  if (!isAlive(pid)) return 'not running';
  signal(pid, 'SIGTERM');
  signal(pid, 'SIGCONT');
  if (await waitForExit(pid, timeoutMs)) return 'stopped';
  await killAndWait(pid);
  return 'killed';
}

/** SIGKILL, as a crash would end it, and wait until the process has gone. */
export async function killAndWait(pid: number): Promise<void> {
  signal(pid, 'SIGKILL');
  if (!(await waitForExit(pid, 10_000))) throw new Error(`process ${pid} survived SIGKILL`);
}

/** Sends a signal, ignoring a process that has already gone. */
export function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** The size of a file in bytes, 0 when it does not exist: where this run's part of a log starts. */
export function sizeOf(file: string): number {
  return existsSync(file) ? statSync(file).size : 0;
}

/** The last `lines` lines of a text file written after byte `from`, or a note that there are none. */
export function tail(file: string, lines: number, from = 0): string {
  const text = existsSync(file) ? readFileSync(file).subarray(from).toString('utf8').trimEnd() : '';
  return text === '' ? `(nothing in ${file})` : text.split('\n').slice(-lines).join('\n');
}

/** A JVM started by {@link spawnJvm}. */
export interface SpawnedJvm {
  pid: number;
  /** False once the process has exited (a readiness wait stops early then). */
  running(): boolean;
}

/**
 * Starts `java args…` with stdout and stderr appended to `logFile` and its pid written to
 * `pidFile` — the broker and the registry start the same way. `detached` lets it outlive us.
 *
 * @example const jvm = await spawnJvm(java, ['-jar', jar], { logFile, pidFile, detached: false })
 */
export async function spawnJvm(java: string, args: string[], options: { logFile: string; pidFile: string; detached?: boolean }): Promise<SpawnedJvm> {
  const out = openSync(options.logFile, 'a');
  const child = spawn(java, args, { detached: options.detached ?? false, stdio: ['ignore', out, out] });
  closeSync(out);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not launch ${java}`);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  if (options.detached) child.unref();
  await writeFile(options.pidFile, `${pid}\n`);
  return { pid, running: () => !exited && isAlive(pid) };
}
