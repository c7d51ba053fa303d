/** Stable ids and names, pure functions of an index: the same index is the same thing in every run. */
import { FIRST_NAMES, LAST_NAMES, SERVICE_KINDS, SERVICE_PREFIXES, TEAMS } from './vocabulary';
import type { Assignee, Team } from './types';

/**
 * `INC00000001` for index 0. Eight digits keep string order equal to numeric order up to
 * 99,999,999 records, far beyond any benchmark here.
 */
export function incidentId(index: number): string {
  return `INC${String(index + 1).padStart(8, '0')}`;
}

/** `LOG00000001-0001`: the first entry (k = 0) of incident index 0; sorts by incident, then k. */
export function logEntryId(incidentIndex: number, k: number): string {
  return `LOG${incidentId(incidentIndex).slice(3)}-${String(k + 1).padStart(4, '0')}`;
}

/** `ALR00000001-1`: the first alert (j = 0) of incident index 0; sorts by incident, then j. */
export function alertId(incidentIndex: number, j: number): string {
  return `ALR${incidentId(incidentIndex).slice(3)}-${j + 1}`;
}

/** `SVC00001` for index 0. */
export function serviceId(index: number): string {
  return `SVC${String(index + 1).padStart(5, '0')}`;
}

/** The index an id was made from, or `null` when `id` is not one of `prefix`'s ids. */
export function indexOfId(prefix: string, id: string): number | null {
  const match = /^([A-Z]+)(\d+)$/.exec(id);
  if (!match || match[1] !== prefix) return null;
  const n = Number(match[2]);
  return n >= 1 && Number.isSafeInteger(n) ? n - 1 : null;
}

/** `checkout-api`, `payments-api`, …, then `checkout-worker`, …; a numeric suffix once all pairs are used. */
export function serviceName(index: number): string {
  const pairs = SERVICE_PREFIXES.length * SERVICE_KINDS.length;
  const prefix = SERVICE_PREFIXES[index % SERVICE_PREFIXES.length];
  const kind = SERVICE_KINDS[Math.floor(index / SERVICE_PREFIXES.length) % SERVICE_KINDS.length];
  const round = Math.floor(index / pairs);
  return round === 0 ? `${prefix}-${kind}` : `${prefix}-${kind}-${round + 1}`;
}

const PEOPLE: readonly Assignee[] = Array.from({ length: FIRST_NAMES.length * LAST_NAMES.length }, (_, n) => {
  const first = FIRST_NAMES[n % FIRST_NAMES.length] as string;
  const last = LAST_NAMES[Math.floor(n / FIRST_NAMES.length)] as string;
  return Object.freeze({ id: `USR${String(n + 1).padStart(4, '0')}`, name: `${first} ${last}`, email: `${first.toLowerCase()}.${last.toLowerCase()}@example.com` });
});

export const PEOPLE_COUNT = PEOPLE.length;

/** One of the responders; frozen because records share these objects. */
export function person(index: number): Assignee {
  return PEOPLE[index % PEOPLE_COUNT] as Assignee;
}

export function team(index: number): Team {
  return { id: `TEAM${String(index + 1).padStart(2, '0')}`, name: TEAMS[index % TEAMS.length] as string };
}

export const TEAM_COUNT = TEAMS.length;
