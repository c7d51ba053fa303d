/** The `incidents` resource: generation, serialisation and how incidents change. */
import { PEOPLE_COUNT, incidentId, person, serviceId, serviceName } from './naming';
import { chance, pick, rngFor, type Rng } from './random';
import type { Dataset, ResourceSpec } from './resource';
import { INCIDENT_TIMELINE, baseCreatedAt, baseUpdatedAt, isoSeconds } from './timeline';
import type { Assignee, Incident, IncidentStatus } from './types';
import { DESCRIPTIONS, SYMPTOMS } from './vocabulary';

const SALT = 0x1c1d;
const PRIORITIES = ['P1', 'P2', 'P3', 'P3', 'P4', 'P4', 'P5'] as const;

function drawStatus(rng: Rng): IncidentStatus {
  const r = rng();
  return r < 0.7 ? 'resolved' : r < 0.82 ? 'acknowledged' : 'triggered';
}

function drawAssignees(rng: Rng, status: IncidentStatus): Assignee[] {
  // Unacknowledged incidents are often still unassigned: the empty array is real data.
  const n = status === 'triggered' ? (chance(rng, 0.5) ? 0 : 1) : 1 + Math.floor(rng() * 3);
  const first = Math.floor(rng() * PEOPLE_COUNT);
  const assignees: Assignee[] = [];
  for (let k = 0; k < n; k++) assignees.push(person(first + k * 7));
  return assignees;
}

function generate(dataset: Dataset, index: number): Incident {
  const rng = rngFor(dataset.seed, index, SALT);
  const count = dataset.incidents;
  const created = baseCreatedAt(INCIDENT_TIMELINE, Math.max(count, 1), index);
  // Indexes past the base range are inserts; `inserted` replaces their timestamps anyway.
  const updated = index < count ? baseUpdatedAt(INCIDENT_TIMELINE, count, dataset.pageTies, index) : created;
  const service = Math.floor(rng() * Math.max(1, dataset.services));
  const status = drawStatus(rng);
  const resolved = created + Math.floor(rng() * (updated - created + 1));
  return {
    id: incidentId(index),
    title: `${serviceName(service)}: ${pick(rng, SYMPTOMS)}`,
    status,
    urgency: chance(rng, 0.35) ? 'high' : 'low',
    priority: chance(rng, 0.3) ? null : pick(rng, PRIORITIES),
    service_id: serviceId(service),
    created_at: isoSeconds(created),
    updated_at: isoSeconds(updated),
    resolved_at: status === 'resolved' ? isoSeconds(resolved) : null,
    assignees: drawAssignees(rng, status),
    description: chance(rng, 0.4) ? null : pick(rng, DESCRIPTIONS),
  };
}

const str = (value: string | null) => (value === null ? 'null' : `"${value}"`);

function assigneeJson(a: Assignee): string {
  return `{"id":"${a.id}","name":"${a.name}","email":"${a.email}"}`;
}

// No escaping: every string comes from the id formats and the plain-ASCII vocabulary (a unit
// test pins both), and records changed by a patch are serialised with JSON.stringify instead.
function toJson(r: Incident): string {
  return (
    `{"id":"${r.id}","title":"${r.title}","status":"${r.status}","urgency":"${r.urgency}","priority":${str(r.priority)}` +
    `,"service_id":"${r.service_id}","created_at":"${r.created_at}","updated_at":"${r.updated_at}"` +
    `,"resolved_at":${str(r.resolved_at)},"assignees":[${r.assignees.map(assigneeJson).join(',')}],"description":${str(r.description)}}`
  );
}

/** A new incident has just fired: triggered, unassigned, created and updated now. */
function inserted(dataset: Dataset, index: number, now: string): Incident {
  const base = generate(dataset, index);
  return { ...base, status: 'triggered', created_at: now, updated_at: now, resolved_at: null, assignees: [] };
}

/** Open incidents move one step along their lifecycle; resolved ones get re-prioritised. */
function updated(record: Incident, now: string, rng: Rng): Incident {
  switch (record.status) {
    case 'triggered':
      return { ...record, status: 'acknowledged', updated_at: now, assignees: record.assignees.length > 0 ? record.assignees : [person(Math.floor(rng() * PEOPLE_COUNT))] };
    case 'acknowledged':
      return { ...record, status: 'resolved', updated_at: now, resolved_at: now };
    case 'resolved':
      return { ...record, updated_at: now, priority: pick(rng, PRIORITIES) };
  }
}

export const incidents: ResourceSpec<Incident> = {
  name: 'incidents',
  idPrefix: 'INC',
  timeline: INCIDENT_TIMELINE,
  patchable: ['title', 'status', 'urgency', 'priority', 'service_id', 'resolved_at', 'assignees', 'description'],
  count: (dataset) => dataset.incidents,
  idOf: incidentId,
  generate,
  toJson,
  inserted,
  updated,
};
