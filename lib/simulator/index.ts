/**
 * The incident-management API simulator: a realistic, deterministic, fault-injecting HTTP API
 * for the demo, the tests and the benchmarks.
 *
 * @example
 * const sim = await startSimulator({ port: 0, incidents: 250, pageTies: 7 });
 * await fetch(`${sim.url}/v1/incidents?api_key=${sim.apiKey}&limit=100`);
 * await sim.control.update('incidents', 10);
 * await sim.close();
 */
import type { AddressInfo } from 'node:net';
import { ConfigError } from '../errors';
import { collectSnapshot, type SimulatorControl, type SnapshotStream } from './control';
import { resolveOptions, type SimulatorOptions } from './options';
import { createSimulatorServer } from './server';
import { Simulator } from './simulator';
import type { ResourceName, SimRecord } from './types';

export type { MutationResult, MutationTarget, SimulatorControl, SimulatorInfo, Snapshot, SnapshotHeader, SnapshotStream } from './control';
export type { BodyPreset, FaultAction, FaultConfig, FaultKind, FaultRule } from './faults';
export { DEFAULT_OPTIONS, type SimulatorOptions } from './options';
export { ACCESS_TOKEN_PREFIX, TOKEN_PATH, type OAuthOptions } from './oauth';
export type { RateLimitOptions } from './rate-limit';
export type { SimulatorStats } from './stats';
export type { Alert, AlertSeverity, Assignee, Incident, IncidentStatus, LogEntry, LogEntryType, ResourceName, Service, ServiceStatus, SimRecord, Team } from './types';
export { SimulatorClient, SimulatorControlError } from './client';

export interface SimulatorHandle {
  /** e.g. `http://127.0.0.1:41234` */
  url: string;
  port: number;
  apiKey: string;
  /** The control operations, in process (the same as the `/_sim/*` endpoints). */
  control: SimulatorControl;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

function inProcessControl(sim: Simulator): SimulatorControl {
  const openSnapshot = async (resource: ResourceName): Promise<SnapshotStream> => {
    const lines = sim.snapshotLines(resource);
    const header = JSON.parse(lines.next().value as string);
    async function* records(): AsyncGenerator<SimRecord> {
      for (const chunk of lines) {
        for (const line of chunk.split('\n')) if (line !== '') yield JSON.parse(line) as SimRecord;
      }
    }
    return { header, records: records() };
  };
  return {
    info: async () => sim.info(),
    update: async (resource, target, patch) => sim.update(resource, target, patch),
    delete: async (resource, target) => sim.delete(resource, target),
    insert: async (resource, count) => sim.insert(resource, count),
    reset: async () => sim.reset(),
    faults: async () => sim.faults(),
    setFaults: async (config) => sim.setFaults(config),
    stats: async () => sim.stats.snapshot(),
    openSnapshot,
    snapshot: async (resource) => collectSnapshot(await openSnapshot(resource)),
  };
}

/**
 * Starts a simulator listening on `options.host:options.port` (port 0: a free one).
 * Throws {@link ConfigError} for invalid options or a port in use.
 */
export async function startSimulator(options: Partial<SimulatorOptions> = {}): Promise<SimulatorHandle> {
  const resolved = resolveOptions(options);
  const sim = new Simulator(resolved);
  const server = createSimulatorServer(sim);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE' || error.code === 'EACCES'
          ? new ConfigError(`simulator: cannot listen on ${resolved.host}:${resolved.port} (${error.code}); choose another --port`, { cause: error })
          : error,
      );
    });
    server.listen(resolved.port, resolved.host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const host = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;
  return {
    url: `http://${host}:${port}`,
    port,
    apiKey: resolved.apiKey,
    control: inProcessControl(sim),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
