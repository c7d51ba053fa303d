import { logEntry, logEntryCount } from '../../../lib/simulator/log-entries';
import { resolveOptions } from '../../../lib/simulator/options';
import { findRoute, type Prepared } from '../../../lib/simulator/routes';
import { Simulator } from '../../../lib/simulator/simulator';
import type { LogEntry } from '../../../lib/simulator/types';

interface Page {
  data: LogEntry[];
  total: number;
  offset: number;
  limit: number;
}

const make = (seed = 1) => new Simulator(resolveOptions({ seed, incidents: 300, services: 10 }));
const prepare = (sim: Simulator, id: string, query = ''): Prepared =>
  findRoute(`/v1/incidents/${id}/log_entries`)?.prepare(sim, new URLSearchParams(query)) ?? { ok: false, status: 404, code: 'no route', message: '' };
const page = (sim: Simulator, id: string, query = ''): Page => {
  const prepared = prepare(sim, id, query);
  if (!prepared.ok) throw new Error(`expected a page, got ${prepared.status} ${prepared.message}`);
  return JSON.parse(prepared.page()) as Page;
};
/** Every entry, read the way an offset paginator with a total does. */
const readAll = (sim: Simulator, id: string, limit = 100): { pages: Page[]; entries: LogEntry[] } => {
  const pages: Page[] = [];
  for (let offset = 0; pages.length === 0 || offset < (pages.at(-1) as Page).total; offset += limit) pages.push(page(sim, id, `offset=${offset}&limit=${limit}`));
  return { pages, entries: pages.flatMap((p) => p.data) };
};
const incident = (index: number) => `INC${String(index + 1).padStart(8, '0')}`;
const counts = (seed: number, n: number) => Array.from({ length: n }, (_, i) => logEntryCount(seed, i));

describe('log entry counts', () => {
  it('are a function of the seed and the incident', () => {
    expect(counts(1, 300)).toEqual(counts(1, 300));
    expect(counts(1, 300)).not.toEqual(counts(2, 300));
  });

  it('give one, two and three pages at the default limit, mostly one', () => {
    const pagesOf = counts(1, 2000).map((n) => Math.ceil(n / 100));
    const share = (p: number) => pagesOf.filter((x) => x === p).length / pagesOf.length;
    expect(Math.min(...counts(1, 2000))).toBeGreaterThanOrEqual(1);
    expect(Math.max(...counts(1, 2000))).toBeLessThanOrEqual(300);
    expect(share(1)).toBeGreaterThan(0.6);
    expect(share(2)).toBeGreaterThan(0.15);
    expect(share(3)).toBeGreaterThan(0.05);
  });
});

describe('GET /v1/incidents/{id}/log_entries', () => {
  const multiPage = counts(1, 300).findIndex((n) => n > 200);

  it('pages through every entry with a total, the last page short', () => {
    const { pages, entries } = readAll(make(), incident(multiPage));
    const total = logEntryCount(1, multiPage);
    expect(pages).toHaveLength(3);
    expect(pages.map((p) => [p.total, p.offset, p.limit, p.data.length])).toEqual([
      [total, 0, 100, 100],
      [total, 100, 100, 100],
      [total, 200, 100, total - 200],
    ]);
    expect(entries.map((e) => e.id)).toEqual(Array.from({ length: total }, (_, k) => `LOG${incident(multiPage).slice(3)}-${String(k + 1).padStart(4, '0')}`));
  });

  it('answers an empty page past the end', () => {
    expect(page(make(), incident(0), 'offset=400')).toEqual({ data: [], total: logEntryCount(1, 0), offset: 400, limit: 100 });
  });

  it('starts with the trigger at the incident creation, then moves forward in time, each entry naming its incident', () => {
    const sim = make();
    const { entries } = readAll(sim, incident(multiPage), 37);
    const created = (JSON.parse(sim.page('incidents', { offset: multiPage, limit: 1, filter: { sort: 'id', since: null } })) as { data: { created_at: string }[] }).data[0]?.created_at;
    expect(entries[0]).toMatchObject({ type: 'trigger', agent: null, created_at: created, incident_id: incident(multiPage) });
    expect(entries.every((e) => e.incident_id === incident(multiPage))).toBe(true);
    const times = entries.map((e) => e.created_at);
    expect(times).toEqual([...times].sort());
    expect(new Set(times).size).toBe(times.length);
  });

  it('serves the same entries for the same seed whatever the page size, and others for another seed', () => {
    expect(readAll(make(), incident(multiPage), 100).entries).toEqual(readAll(make(), incident(multiPage), 7).entries);
    expect(readAll(make(), incident(5)).entries).not.toEqual(readAll(make(2), incident(5)).entries);
    expect(logEntry(1, 5, 1_700_000_000, 3)).toEqual(logEntry(1, 5, 1_700_000_000, 3));
  });

  it.each([
    ['an id past the last incident', incident(300)],
    ['an id of another resource', 'SVC00001'],
    ['an id not in canonical form', 'INC1'],
    ['garbage', 'drop%20table'],
  ])('answers 404 for %s', (_, id) => {
    expect(prepare(make(), id)).toEqual({ ok: false, status: 404, code: 'not_found', message: `no incident ${JSON.stringify(id)}` });
  });

  it('answers 404 once the incident is deleted, and serves entries of an inserted one', () => {
    const sim = make();
    sim.delete('incidents', [incident(7)]);
    expect(prepare(sim, incident(7))).toMatchObject({ ok: false, status: 404 });
    const [inserted] = sim.insert('incidents', 1).ids;
    const body = page(sim, inserted as string);
    expect(body.total).toBe(logEntryCount(1, 300));
    expect(body.data[0]).toMatchObject({ type: 'trigger', incident_id: inserted });
  });

  it.each([
    ['limit=101', 'limit'],
    ['offset=-1', 'offset'],
  ])('answers 400 for %s', (query, parameter) => {
    expect(prepare(make(), incident(0), query)).toMatchObject({ ok: false, status: 400, code: 'invalid_parameter', extra: { parameter } });
  });
});
