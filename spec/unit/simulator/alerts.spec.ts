import { alertsOf } from '../../../lib/simulator/alerts';
import { decodeCursor, encodeCursor } from '../../../lib/simulator/cursor';
import { resolveOptions } from '../../../lib/simulator/options';
import { findRoute, type Prepared } from '../../../lib/simulator/routes';
import { Simulator } from '../../../lib/simulator/simulator';
import type { Alert, Incident } from '../../../lib/simulator/types';

interface Page {
  data: Alert[];
  next_cursor: string | null;
  limit: number;
}

const make = (seed = 1, incidents = 300) => new Simulator(resolveOptions({ seed, incidents, services: 10 }));
const prepare = (sim: Simulator, query: string): Prepared =>
  findRoute('/v1/alerts')?.prepare(sim, new URLSearchParams(query)) ?? { ok: false, status: 404, code: 'no route', message: '' };
const page = (sim: Simulator, query = ''): Page => {
  const prepared = prepare(sim, query);
  if (!prepared.ok) throw new Error(`expected a page, got ${prepared.status} ${prepared.message}`);
  return JSON.parse(prepared.page()) as Page;
};
/** Follows next_cursor to the end; `between` runs after each page (to mutate the data). */
const readAll = (sim: Simulator, limit = 100, between: (pageNumber: number) => void = () => undefined): Page[] => {
  const pages = [page(sim, `limit=${limit}`)];
  while ((pages.at(-1) as Page).next_cursor !== null) {
    between(pages.length);
    pages.push(page(sim, `limit=${limit}&cursor=${(pages.at(-1) as Page).next_cursor}`));
  }
  return pages;
};
/** The obvious implementation: every live incident's alerts, in id order. */
const expected = (sim: Simulator): Alert[] => {
  const snapshot = [...sim.snapshotLines('incidents')].join('').trim().split('\n').slice(1).map((l) => JSON.parse(l) as Incident);
  return snapshot.flatMap((incident) => alertsOf(sim.options.seed, Number(incident.id.slice(3)) - 1, incident));
};

describe('GET /v1/alerts', () => {
  it('pages through every alert in id order by cursor, with no total, the last page short and without a cursor', () => {
    const sim = make();
    const pages = readAll(sim, 100);
    const all = expected(sim);
    expect(all.length).toBeGreaterThan(300);
    expect(pages.flatMap((p) => p.data)).toEqual(all);
    expect(pages).toHaveLength(Math.ceil(all.length / 100));
    expect(pages.slice(0, -1).every((p) => p.data.length === 100 && typeof p.next_cursor === 'string')).toBe(true);
    expect(pages.at(-1)).toMatchObject({ next_cursor: null, limit: 100 });
    expect((pages.at(-1) as Page).data.length).toBe(all.length - 100 * (pages.length - 1));
    expect(pages.every((p) => !('total' in p))).toBe(true);
  });

  it('ends with a full last page and a null cursor when the alerts fill the page exactly', () => {
    const sim = make(1, 30);
    const count = expected(sim).length;
    const pages = readAll(sim, count);
    expect(pages).toHaveLength(1);
    expect(pages[0]).toMatchObject({ next_cursor: null });
    expect(pages[0]?.data).toHaveLength(count);
  });

  it('answers one empty last page when there are no incidents', () => {
    expect(readAll(make(1, 0))).toEqual([{ data: [], next_cursor: null, limit: 100 }]);
  });

  it('serves the same page for the same cursor (a retried request) and the same alerts for the same seed', () => {
    const sim = make();
    const cursor = page(sim, 'limit=30').next_cursor as string;
    expect(page(sim, `limit=30&cursor=${cursor}`)).toEqual(page(sim, `limit=30&cursor=${cursor}`));
    expect(readAll(make(), 100)).toEqual(readAll(make(), 100));
    expect(readAll(make(), 7).flatMap((p) => p.data)).toEqual(readAll(make(), 100).flatMap((p) => p.data));
    expect(expected(make(1))).not.toEqual(expected(make(2)));
  });

  it('neither skips nor repeats an alert when incidents are deleted and inserted between pages', () => {
    const sim = make();
    const before = new Set(expected(sim).map((a) => a.id));
    const pages = readAll(sim, 40, (n) => {
      if (n % 2 === 0) sim.delete('incidents', 5);
      else sim.insert('incidents', 2);
    });
    const read = pages.flatMap((p) => p.data.map((a) => a.id));
    const after = new Set(expected(sim).map((a) => a.id));
    expect(new Set(read).size).toBe(read.length);
    expect([...read].sort()).toEqual(read);
    // Everything that lived from the first page to the last was read, inserts included.
    for (const id of after) expect(read).toContain(id);
    expect(read.every((id) => before.has(id) || after.has(id))).toBe(true);
  });

  it("resumes after the cursor's incident when that incident was deleted", () => {
    const sim = make();
    const first = page(sim, 'limit=1');
    sim.delete('incidents', ['INC00000001']);
    const next = page(sim, `limit=1&cursor=${first.next_cursor}`);
    const firstOf2 = alertsOf(1, 1, JSON.parse(sim.page('incidents', { offset: 0, limit: 1, filter: { sort: 'id', since: null } })).data[0])[0];
    expect(next.data).toEqual([firstOf2]);
  });

  it('follows updates: an alert resolves with its incident', () => {
    const sim = make();
    sim.update('incidents', ['INC00000001'], { status: 'resolved' });
    expect(page(sim, 'limit=1').data[0]).toMatchObject({ incident_id: 'INC00000001', status: 'resolved' });
  });

  it.each([
    ['limit=0', 'limit'],
    ['cursor=not-a-cursor', 'cursor'],
    [`cursor=${encodeCursor({ index: 3, seq: 1 })}x`, 'cursor'],
    [`cursor=${Buffer.from('03.1').toString('base64url')}`, 'cursor'],
  ])('answers 400 for %s', (query, parameter) => {
    expect(prepare(make(), query)).toMatchObject({ ok: false, status: 400, code: 'invalid_parameter', extra: { parameter } });
  });
});

describe('alert cursors', () => {
  it('round-trip and refuse texts this server did not issue', () => {
    expect(decodeCursor(encodeCursor({ index: 12_345_678, seq: 2 }))).toEqual({ index: 12_345_678, seq: 2 });
    expect(decodeCursor('')).toBeNull();
    expect(decodeCursor('MTIuMw==')).toBeNull();
  });
});
