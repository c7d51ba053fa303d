/** The `services` resource: generation, serialisation and how services change. */
import { TEAM_COUNT, serviceId, serviceName, team } from './naming';
import { chance, pick, rngFor, type Rng } from './random';
import type { Dataset, ResourceSpec } from './resource';
import { SERVICE_TIMELINE, baseCreatedAt, baseUpdatedAt, isoSeconds } from './timeline';
import type { Service, ServiceStatus } from './types';

const SALT = 0x5e7c;
const STATUSES: readonly ServiceStatus[] = ['active', 'warning', 'critical', 'maintenance', 'disabled'];

function drawStatus(rng: Rng): ServiceStatus {
  const r = rng();
  return r < 0.7 ? 'active' : r < 0.8 ? 'warning' : r < 0.85 ? 'critical' : r < 0.95 ? 'maintenance' : 'disabled';
}

function generate(dataset: Dataset, index: number): Service {
  const rng = rngFor(dataset.seed, index, SALT);
  const count = dataset.services;
  const created = baseCreatedAt(SERVICE_TIMELINE, Math.max(count, 1), index);
  const updated = index < count ? baseUpdatedAt(SERVICE_TIMELINE, count, dataset.pageTies, index) : created;
  const name = serviceName(index);
  return {
    id: serviceId(index),
    name,
    status: drawStatus(rng),
    description: chance(rng, 0.3) ? null : `Runs ${name} for ${pick(rng, ['customers', 'internal tools', 'partners', 'the data platform'])}.`,
    team: chance(rng, 0.2) ? null : team(Math.floor(rng() * TEAM_COUNT)),
    created_at: isoSeconds(created),
    updated_at: isoSeconds(updated),
  };
}

const str = (value: string | null) => (value === null ? 'null' : `"${value}"`);

// No escaping, for the reason given in incidents.ts.
function toJson(r: Service): string {
  const teamJson = r.team === null ? 'null' : `{"id":"${r.team.id}","name":"${r.team.name}"}`;
  return (
    `{"id":"${r.id}","name":"${r.name}","status":"${r.status}","description":${str(r.description)}` +
    `,"team":${teamJson},"created_at":"${r.created_at}","updated_at":"${r.updated_at}"}`
  );
}

function inserted(dataset: Dataset, index: number, now: string): Service {
  return { ...generate(dataset, index), status: 'active', created_at: now, updated_at: now };
}

/** A service moves to another status (an operator flips it, or monitoring does). */
function updated(record: Service, now: string, rng: Rng): Service {
  const others = STATUSES.filter((s) => s !== record.status);
  return { ...record, status: pick(rng, others), updated_at: now };
}

export const services: ResourceSpec<Service> = {
  name: 'services',
  idPrefix: 'SVC',
  timeline: SERVICE_TIMELINE,
  patchable: ['name', 'status', 'description', 'team'],
  count: (dataset) => dataset.services,
  idOf: serviceId,
  generate,
  toJson,
  inserted,
  updated,
};
