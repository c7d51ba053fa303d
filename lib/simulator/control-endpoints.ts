/**
 * `/_sim/*`: the control endpoints (no API key; the simulator is a local test tool).
 *
 * | method | path                        | body / answer                                           |
 * |--------|-----------------------------|---------------------------------------------------------|
 * | GET    | /_sim/info                  | → SimulatorInfo                                         |
 * | POST   | /_sim/update                | {resource, count? \| ids?, patch?} → MutationResult     |
 * | POST   | /_sim/delete                | {resource, count? \| ids?} → MutationResult             |
 * | POST   | /_sim/insert                | {resource, count} → MutationResult                      |
 * | POST   | /_sim/reset                 | → {"ok": true}                                          |
 * | GET    | /_sim/faults                | → FaultConfig                                           |
 * | PUT    | /_sim/faults                | FaultConfig → FaultConfig                               |
 * | GET    | /_sim/stats                 | → SimulatorStats                                        |
 * | GET    | /_sim/snapshot/<resource>   | → JSON lines: SnapshotHeader, then one record per line  |
 */
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ConfigError, Rest2KafkaError } from '../errors';
import type { MutationTarget } from './control';
import { readBody } from './request-body';
import { send, sendError } from './respond';
import { UNKNOWN_ID, type Simulator } from './simulator';
import type { ResourceName } from './types';

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readBody(req);
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ConfigError('body: not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError('body: must be a JSON object');
  return value as Record<string, unknown>;
}

function targetOf(body: Record<string, unknown>): MutationTarget {
  if (Array.isArray(body.ids) && body.ids.every((id) => typeof id === 'string')) return body.ids as string[];
  if (typeof body.count === 'number') return body.count;
  throw new ConfigError('body: needs "count" (a number) or "ids" (an array of strings)');
}

function patchOf(body: Record<string, unknown>): Record<string, unknown> | undefined {
  const patch = body.patch;
  if (patch === undefined) return undefined;
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) throw new ConfigError('patch: must be an object');
  return patch as Record<string, unknown>;
}

async function streamSnapshot(sim: Simulator, res: ServerResponse, resource: ResourceName): Promise<void> {
  const lines = sim.snapshotLines(resource);
  // Pull the header first so an unknown resource still gets a proper 400.
  const first = lines.next();
  res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store' });
  if (!first.done) res.write(first.value);
  for (const chunk of lines) {
    if (!res.write(chunk)) await once(res, 'drain');
    if (res.destroyed) return;
  }
  res.end();
}

async function route(sim: Simulator, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const method = req.method ?? 'GET';
  const ok = (value: unknown) => send(res, 200, JSON.stringify(value));
  const key = `${method} ${path}`;
  switch (key) {
    case 'GET /_sim/info':
      return ok(sim.info());
    case 'POST /_sim/update': {
      const body = await readJson(req);
      return ok(sim.update(body.resource as ResourceName, targetOf(body), patchOf(body)));
    }
    case 'POST /_sim/delete': {
      const body = await readJson(req);
      return ok(sim.delete(body.resource as ResourceName, targetOf(body)));
    }
    case 'POST /_sim/insert': {
      const body = await readJson(req);
      return ok(sim.insert(body.resource as ResourceName, body.count as number));
    }
    case 'POST /_sim/reset':
      sim.reset();
      return ok({ ok: true });
    case 'GET /_sim/faults':
      return ok(sim.faults());
    case 'PUT /_sim/faults':
      return ok(sim.setFaults(await readJson(req)));
    case 'GET /_sim/stats':
      return ok(sim.stats.snapshot());
  }
  if (method === 'GET' && path.startsWith('/_sim/snapshot/')) {
    return streamSnapshot(sim, res, path.slice('/_sim/snapshot/'.length) as ResourceName);
  }
  sendError(res, 404, 'not_found', `no control endpoint ${key}`);
}

export function handleControl(sim: Simulator, req: IncomingMessage, res: ServerResponse, path: string): void {
  route(sim, req, res, path).catch((error: unknown) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error instanceof Rest2KafkaError && error.code === UNKNOWN_ID) return sendError(res, 404, 'not_found', error.message);
    if (error instanceof ConfigError) return sendError(res, 400, 'invalid_request', error.message);
    sendError(res, 500, 'internal', error instanceof Error ? error.message : String(error));
  });
}
