/**
 * A typed client for the control endpoints, for tests and benchmarks that run the simulator in
 * another process. Uses `node:http` directly: it must not depend on the HTTP stack under test.
 *
 * @example
 * const control = new SimulatorClient('http://127.0.0.1:8080');
 * const { ids } = await control.delete('incidents', 5);
 */
import { request, type IncomingMessage } from 'node:http';
import { createInterface } from 'node:readline';
import { Rest2KafkaError } from '../errors';
import { collectSnapshot, type MutationResult, type MutationTarget, type SimulatorControl, type SimulatorInfo, type Snapshot, type SnapshotHeader, type SnapshotStream } from './control';
import type { FaultConfig } from './faults';
import type { SimulatorStats } from './stats';
import type { ResourceName, SimRecord } from './types';

/** A control request failed; `status` is the HTTP status (0 when there was no answer). */
export class SimulatorControlError extends Rest2KafkaError {
  constructor(
    message: string,
    readonly status: number,
    cause?: unknown,
  ) {
    super(message, { code: 'SIMULATOR_CONTROL', cause });
  }
}

export class SimulatorClient implements SimulatorControl {
  /** @param baseUrl the simulator's URL, e.g. `http://127.0.0.1:8080` */
  constructor(private readonly baseUrl: string) {}

  info(): Promise<SimulatorInfo> {
    return this.json('GET', '/_sim/info');
  }

  update(resource: ResourceName, target: MutationTarget, patch?: Readonly<Record<string, unknown>>): Promise<MutationResult> {
    return this.json('POST', '/_sim/update', { resource, ...targetBody(target), ...(patch && { patch }) });
  }

  delete(resource: ResourceName, target: MutationTarget): Promise<MutationResult> {
    return this.json('POST', '/_sim/delete', { resource, ...targetBody(target) });
  }

  insert(resource: ResourceName, count: number): Promise<MutationResult> {
    return this.json('POST', '/_sim/insert', { resource, count });
  }

  async reset(): Promise<void> {
    await this.json('POST', '/_sim/reset');
  }

  faults(): Promise<FaultConfig> {
    return this.json('GET', '/_sim/faults');
  }

  setFaults(config: FaultConfig): Promise<FaultConfig> {
    return this.json('PUT', '/_sim/faults', config);
  }

  stats(): Promise<SimulatorStats> {
    return this.json('GET', '/_sim/stats');
  }

  async snapshot(resource: ResourceName): Promise<Snapshot> {
    return collectSnapshot(await this.openSnapshot(resource));
  }

  /** Streams the snapshot line by line; memory stays flat however big the resource is. */
  async openSnapshot(resource: ResourceName): Promise<SnapshotStream> {
    const res = await this.send('GET', `/_sim/snapshot/${encodeURIComponent(resource)}`);
    if (res.statusCode !== 200) throw await this.failure(res, 'GET', '/_sim/snapshot');
    const lines = createInterface({ input: res, crlfDelay: Infinity })[Symbol.asyncIterator]();
    const first = await lines.next();
    if (first.done) throw new SimulatorControlError('GET /_sim/snapshot: empty answer', 200);
    const header = JSON.parse(first.value) as SnapshotHeader;
    async function* records(): AsyncGenerator<SimRecord> {
      for (let line = await lines.next(); !line.done; line = await lines.next()) {
        if (line.value !== '') yield JSON.parse(line.value) as SimRecord;
      }
    }
    return { header, records: records() };
  }

  private send(method: string, path: string, body?: unknown): Promise<IncomingMessage> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(new URL(path, this.baseUrl), {
        method,
        headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      });
      req.on('response', resolve);
      req.on('error', (error) => reject(new SimulatorControlError(`${method} ${path}: ${error.message}`, 0, error)));
      req.end(payload);
    });
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.send(method, path, body);
    if (res.statusCode !== 200) throw await this.failure(res, method, path);
    return JSON.parse(await readText(res)) as T;
  }

  private async failure(res: IncomingMessage, method: string, path: string): Promise<SimulatorControlError> {
    const text = await readText(res);
    let message = text;
    try {
      message = (JSON.parse(text) as { error: { message: string } }).error.message;
    } catch {
      // Not our JSON error body: keep the raw text.
    }
    return new SimulatorControlError(`${method} ${path}: ${res.statusCode} ${message}`, res.statusCode ?? 0);
  }
}

function targetBody(target: MutationTarget): { count: number } | { ids: readonly string[] } {
  return typeof target === 'number' ? { count: target } : { ids: target };
}

async function readText(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}
