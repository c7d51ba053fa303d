import { incidents } from '../../../lib/simulator/incidents';
import type { Dataset } from '../../../lib/simulator/resource';
import { services } from '../../../lib/simulator/services';
import { CLOCK_START, INCIDENT_TIMELINE, firstBaseIndexUpdatedSince, isoSeconds } from '../../../lib/simulator/timeline';
import type { Incident, Service } from '../../../lib/simulator/types';
import * as vocabulary from '../../../lib/simulator/vocabulary';

const dataset: Dataset = { seed: 7, incidents: 2000, services: 50, pageTies: 1 };
const all = <R>(n: number, f: (i: number) => R) => Array.from({ length: n }, (_, i) => f(i));
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

describe('incident generator', () => {
  const records = all(dataset.incidents, (i) => incidents.generate(dataset, i));

  it('is a pure function of (seed, index)', () => {
    expect(incidents.generate(dataset, 1234)).toEqual(records[1234]);
    expect(incidents.generate({ ...dataset, seed: 8 }, 1234)).not.toEqual(records[1234]);
  });

  it('makes ids in creation order, with eight digits', () => {
    expect(records[0]?.id).toBe('INC00000001');
    expect(records[1999]?.id).toBe('INC00002000');
  });

  it('keeps the field contract: enums, references, timestamps, resolved_at iff resolved', () => {
    for (const r of records) {
      expect(['triggered', 'acknowledged', 'resolved']).toContain(r.status);
      expect(['high', 'low']).toContain(r.urgency);
      expect(r.priority === null || /^P[1-5]$/.test(r.priority)).toBe(true);
      expect(r.service_id).toMatch(/^SVC000(0[1-9]|[1-4]\d|50)$/);
      expect(r.created_at).toMatch(ISO);
      expect(r.updated_at >= r.created_at).toBe(true);
      expect(r.resolved_at !== null).toBe(r.status === 'resolved');
      if (r.resolved_at !== null) expect(r.created_at <= r.resolved_at && r.resolved_at <= r.updated_at).toBe(true);
      for (const a of r.assignees) expect(Object.keys(a)).toEqual(['id', 'name', 'email']);
    }
  });

  it('has both values of every nullable field, and empty and non-empty assignee lists', () => {
    const has = (f: (r: Incident) => boolean) => records.some(f) && records.some((r) => !f(r));
    expect(has((r) => r.priority === null)).toBe(true);
    expect(has((r) => r.description === null)).toBe(true);
    expect(has((r) => r.resolved_at === null)).toBe(true);
    expect(has((r) => r.assignees.length === 0)).toBe(true);
  });

  it('serialises exactly as JSON.stringify does, field order included', () => {
    for (const r of records) expect(incidents.toJson(r)).toBe(JSON.stringify(r));
  });

  it('has non-decreasing created_at and updated_at in index order, all before the clock start', () => {
    for (let i = 1; i < records.length; i++) {
      expect((records[i] as Incident).created_at >= (records[i - 1] as Incident).created_at).toBe(true);
      expect((records[i] as Incident).updated_at >= (records[i - 1] as Incident).updated_at).toBe(true);
    }
    expect((records[records.length - 1] as Incident).updated_at < isoSeconds(CLOCK_START)).toBe(true);
  });

  it.each([1, 3, 7])('gives groups of %i consecutive records one updated_at', (ties) => {
    const tied = all(210, (i) => incidents.generate({ ...dataset, pageTies: ties }, i).updated_at);
    const groups = new Map<string, number>();
    for (const t of tied) groups.set(t, (groups.get(t) ?? 0) + 1);
    expect(Math.max(...groups.values())).toBe(ties);
    // With ties of 7, record 99 (last of page 1) and record 100 (first of page 2) share it.
    if (ties === 7) expect(tied[99]).toBe(tied[100]);
  });

  it('finds the first record updated at or after a time (inclusive)', () => {
    const n = dataset.incidents;
    const at = Date.parse((records[500] as Incident).updated_at) / 1000;
    const first = firstBaseIndexUpdatedSince(INCIDENT_TIMELINE, n, 1, at);
    expect(records[first]?.updated_at).toBe(records[500]?.updated_at);
    expect(first === 0 || (records[first - 1] as Incident).updated_at < (records[500] as Incident).updated_at).toBe(true);
    expect(firstBaseIndexUpdatedSince(INCIDENT_TIMELINE, n, 1, at + 1)).toBeGreaterThan(first);
    expect(firstBaseIndexUpdatedSince(INCIDENT_TIMELINE, n, 1, CLOCK_START)).toBe(n);
  });

  it('inserts a triggered, unassigned incident created at the given time', () => {
    const r = incidents.inserted(dataset, 5000, '2025-01-02T00:00:00Z');
    expect(r).toMatchObject({ id: 'INC00005001', status: 'triggered', assignees: [], resolved_at: null, created_at: '2025-01-02T00:00:00Z', updated_at: '2025-01-02T00:00:00Z' });
  });
});

describe('service generator', () => {
  const records = all(dataset.services, (i) => services.generate(dataset, i));

  it('makes unique names and valid statuses, serialised as JSON.stringify does', () => {
    expect(new Set(records.map((r) => r.name)).size).toBe(records.length);
    for (const r of records) {
      expect(['active', 'warning', 'critical', 'maintenance', 'disabled']).toContain(r.status);
      expect(r.updated_at >= r.created_at).toBe(true);
      expect(r.updated_at < isoSeconds(CLOCK_START)).toBe(true);
      expect(services.toJson(r)).toBe(JSON.stringify(r));
    }
  });

  it('has null and non-null descriptions and teams', () => {
    const has = (f: (r: Service) => boolean) => records.some(f) && records.some((r) => !f(r));
    expect(has((r) => r.team === null)).toBe(true);
    expect(has((r) => r.description === null)).toBe(true);
  });
});

// The templates do not escape; this pins the assumption that makes that correct.
it('vocabulary needs no JSON escaping', () => {
  for (const words of Object.values(vocabulary)) {
    for (const word of words as readonly string[]) expect(JSON.stringify(word)).toBe(`"${word}"`);
  }
});
