/**
 * The simulator in a process of its own (`rest2kafka simulator`): it is single-threaded, and a
 * benchmark that served the API from the pipeline's event loop would measure the two together.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { SimulatorClient, type FaultConfig, type SimulatorStats } from '../lib/simulator';
import { CLI, cpuSecondsOf } from './processes';

export interface SimSettings {
  incidents: number;
  latencyMs: number;
  rateLimitPerMinute: number | null;
}

export interface RunningSim {
  settings: SimSettings;
  url: string;
  apiKey: string;
  pid: number;
  stats(): Promise<SimulatorStats>;
  /** The injected faults (`GET /_sim/faults`) and replacing them (`PUT`; latency included). */
  faults(): Promise<FaultConfig>;
  setFaults(config: FaultConfig): Promise<FaultConfig>;
  cpuSeconds(): number | null;
  stop(): Promise<void>;
}

export const SIM_API_KEY = 'bench-key';

/** Starts `rest2kafka simulator` on `port` and resolves once it listens. */
export async function startSimProcess(settings: SimSettings, port: number): Promise<RunningSim> {
  const args = [CLI, 'simulator', '--port', String(port), '--incidents', String(settings.incidents), '--api-key', SIM_API_KEY];
  if (settings.latencyMs > 0) args.push('--latency-ms', String(settings.latencyMs));
  if (settings.rateLimitPerMinute !== null) args.push('--rate-limit-per-minute', String(settings.rateLimitPerMinute));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  await listening(child);
  const url = `http://127.0.0.1:${port}`;
  const client = new SimulatorClient(url);
  const pid = child.pid!;
  return {
    settings,
    url,
    apiKey: SIM_API_KEY,
    pid,
    stats: () => client.stats(),
    faults: () => client.faults(),
    setFaults: (config) => client.setFaults(config),
    cpuSeconds: () => cpuSecondsOf(pid),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function listening(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (b: Buffer) => {
      text += b.toString('utf8');
      if (text.includes('listening on')) {
        child.stderr!.off('data', onData);
        child.stderr!.resume();
        resolve();
      }
    };
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`simulator exited (${code}) before listening: ${text.trim()}`)));
  });
}

export function sameSettings(a: SimSettings, b: SimSettings): boolean {
  return a.incidents === b.incidents && a.latencyMs === b.latencyMs && a.rateLimitPerMinute === b.rateLimitPerMinute;
}
