/**
 * Child processes measured one by one: every scenario runs in its own process so that its peak
 * RSS and CPU time are its own, and the simulator never shares an event loop with what it feeds.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** GNU time reports peak RSS and CPU time of the process it runs (and of nothing else). */
const GNU_TIME = '/usr/bin/time';

export interface Measured {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Wall clock from spawn to exit. */
  seconds: number;
  /** Peak resident set (VmHWM) in MB. */
  peakRssMb: number | null;
  /** User + system CPU seconds of the process. */
  cpuSeconds: number | null;
  stdout: string;
  stderr: string;
}

export interface MeasureOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Where GNU time writes its report (one file per run). */
  reportFile: string;
  /** Kill the child (SIGKILL) after this long; the result then says so. */
  timeoutMs: number;
}

/** Runs `command args` to completion and measures it; stdout/stderr are collected. */
export async function measure(command: string, args: readonly string[], options: MeasureOptions): Promise<Measured> {
  const useTime = existsSync(GNU_TIME);
  const argv = useTime ? [GNU_TIME, '-f', '%e %U %S %M', '-o', options.reportFile, command, ...args] : [command, ...args];
  const started = process.hrtime.bigint();
  const child = spawn(argv[0], argv.slice(1), { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  // Without GNU time, VmHWM polled until the end is the peak (it only ever grows).
  let polledHwm: number | null = null;
  const poll = useTime ? null : setInterval(() => (polledHwm = vmHwmMb(child.pid) ?? polledHwm), 100);
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, sig) => resolve([code, sig]));
  });
  clearTimeout(timer);
  if (poll) clearInterval(poll);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  let peakRssMb: number | null = polledHwm;
  let cpuSeconds: number | null = null;
  if (useTime) {
    const report = (await readFile(options.reportFile, 'utf8').catch(() => '')).trim().split('\n').pop() ?? '';
    const [, user, sys, maxKb] = report.split(' ').map(Number);
    if (Number.isFinite(maxKb)) peakRssMb = maxKb / 1024;
    if (Number.isFinite(user) && Number.isFinite(sys)) cpuSeconds = user + sys;
  }
  return { exitCode, signal, seconds, peakRssMb, cpuSeconds, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

function vmHwmMb(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) a live process has used so far, from /proc/<pid>/stat. */
export function cpuSecondsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

const SETTLE_IDLE = 0.9;
const SETTLE_MAX_MS = 30_000;

/**
 * Waits for a quiet machine before a scenario, so that none pays for the one before it: a
 * scenario that wrote 450 MB through the broker leaves it in the page cache to be written back,
 * which measurably slowed whichever scenario ran next. Flushes it (`sync`), then waits until the
 * CPUs are at least 90% idle over one second, for at most 30 s.
 */
export async function settle(): Promise<{ seconds: number; idle: number }> {
  const started = Date.now();
  execFileSync('sync');
  let idle = 0;
  do {
    const before = cpuTimes();
    await sleep(1000);
    const after = cpuTimes();
    idle = (after.idle - before.idle) / Math.max(1, after.total - before.total);
  } while (idle < SETTLE_IDLE && Date.now() - started < SETTLE_MAX_MS);
  return { seconds: (Date.now() - started) / 1000, idle };
}

/** Jiffies of all CPUs together, from /proc/stat: idle (with iowait) and total. */
function cpuTimes(): { idle: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return { idle: fields[3] + fields[4], total: fields.reduce((a, b) => a + b, 0) };
}

/** The 1-minute load average. */
export function loadAverage(): number {
  return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
}

/** The compiled CLI (`npm run build` puts bench next to lib in dist/). */
export const CLI = path.resolve(__dirname, '..', 'lib', 'cli.js');

/**
 * The node flags in a script's shebang (`#!/usr/bin/env -S node --flag`): the CLI's own start-up
 * flags, which a process spawned as `node FLAGS cli.js` must repeat to run as users run it.
 *
 * @example shebangNodeFlags('lib/cli.ts') // ['--max-semi-space-size=8']
 */
export function shebangNodeFlags(file: string): string[] {
  const first = readFileSync(file, 'utf8').split('\n', 1)[0];
  const match = /^#!\/usr\/bin\/env (?:-S )?node((?: \S+)*)\s*$/.exec(first);
  if (!match) throw new Error(`${file} does not start with a node shebang: ${first}`);
  return match[1].split(' ').filter((flag) => flag !== '');
}

/** The CLI as the bench spawns it, after `process.execPath`: its shebang's flags, then the file. */
export const cliArgv = (): string[] => [...shebangNodeFlags(CLI), CLI];

/** A TCP port nothing listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
