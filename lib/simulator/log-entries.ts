/**
 * `GET /v1/incidents/{id}/log_entries`: each incident's history, derived from the seed, the
 * incident's index and its `created_at`. Entry k is computed on its own, so a page at any
 * offset costs only its own entries, and an incident that is deleted takes its entries with it.
 */
import { PEOPLE_COUNT, incidentId, logEntryId, person } from './naming';
import { pick, rngFor, type Rng } from './random';
import type { Paging } from './query';
import { recordAt, type ResourceState } from './state';
import { isoSeconds } from './timeline';
import type { LogEntry, LogEntryType } from './types';

const COUNT_SALT = 0x1097;
const ENTRY_SALT = 0x1098;
/** No incident has more entries; also what spaces the entries' random streams apart. */
const MAX_ENTRIES = 300;

const LATER_TYPES: readonly LogEntryType[] = ['notify', 'notify', 'annotate', 'acknowledge', 'escalate', 'assign'];
const CHANNELS = ['email', 'SMS', 'push notification', 'phone call'] as const;

/**
 * How many entries incident `index` has: 70% have 1–30, 20% 101–200 and 10% 201–300, so at the
 * default limit of 100 a dependent resource reads one, two or three pages per incident.
 *
 * @example logEntryCount(1, 0) // 1 … 300, the same for every run with seed 1
 */
export function logEntryCount(seed: number, index: number): number {
  const rng = rngFor(seed, index, COUNT_SALT);
  const band = rng();
  const spread = rng();
  if (band < 0.7) return 1 + Math.floor(spread * 30);
  return (band < 0.9 ? 101 : 201) + Math.floor(spread * 100);
}

function detail(type: LogEntryType, rng: Rng): Pick<LogEntry, 'agent' | 'summary'> {
  if (type === 'escalate') return { agent: null, summary: `Escalated to level ${2 + Math.floor(rng() * 2)}` };
  const agent = person(Math.floor(rng() * PEOPLE_COUNT));
  switch (type) {
    case 'notify':
      return { agent, summary: `Notified ${agent.name} by ${pick(rng, CHANNELS)}` };
    case 'acknowledge':
      return { agent, summary: `Acknowledged by ${agent.name}` };
    case 'annotate':
      return { agent, summary: `Note added by ${agent.name}` };
    default:
      return { agent, summary: `Assigned to ${agent.name}` };
  }
}

/**
 * Entry `k` of incident `index`, created `createdAt` (epoch seconds). The first entry is the
 * trigger, at the incident's creation; entry k follows about k minutes later.
 *
 * @example logEntry(1, 0, Date.UTC(2024, 0, 1) / 1000, 0).type // 'trigger'
 */
export function logEntry(seed: number, index: number, createdAt: number, k: number): LogEntry {
  const head = { id: logEntryId(index, k), incident_id: incidentId(index) };
  if (k === 0) return { ...head, type: 'trigger', created_at: isoSeconds(createdAt), agent: null, summary: 'Triggered through the monitoring integration' };
  const rng = rngFor(seed, index * MAX_ENTRIES + k, ENTRY_SALT);
  const type = pick(rng, LATER_TYPES);
  return { ...head, type, created_at: isoSeconds(createdAt + k * 60 + Math.floor(rng() * 60)), ...detail(type, rng) };
}

/**
 * The envelope `{"data", "total", "offset", "limit"}` of incident `index`'s entries, which
 * `incidents` must hold live.
 *
 * @example renderLogEntriesPage(sim.state('incidents'), 0, { offset: 100, limit: 100 })
 */
export function renderLogEntriesPage(incidents: ResourceState, index: number, paging: Paging): string {
  const { seed } = incidents.dataset;
  const total = logEntryCount(seed, index);
  const createdAt = Date.parse(recordAt(incidents, index).created_at) / 1000;
  const entries: string[] = [];
  for (let k = paging.offset; k < Math.min(total, paging.offset + paging.limit); k++) entries.push(JSON.stringify(logEntry(seed, index, createdAt, k)));
  return `{"data":[${entries.join(',')}],"total":${total},"offset":${paging.offset},"limit":${paging.limit}}`;
}
