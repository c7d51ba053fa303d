import { ConfigError } from '../../../lib/errors';
import { resolveOptions } from '../../../lib/simulator/options';
import { Simulator, UNKNOWN_ID } from '../../../lib/simulator/simulator';
import type { Incident } from '../../../lib/simulator/types';

const make = (seed = 1) => new Simulator(resolveOptions({ seed, incidents: 300, services: 10 }));
const page = (sim: Simulator, offset = 0, limit = 100, sort: 'id' | 'updated_at' = 'id') =>
  JSON.parse(sim.page('incidents', { offset, limit, filter: { sort, since: null } })) as { data: Incident[]; total: number; offset: number; limit: number };
const snapshot = (sim: Simulator) => {
  const [header, ...lines] = [...sim.snapshotLines('incidents')].join('').trim().split('\n');
  return { header: JSON.parse(header as string), records: lines.map((l) => JSON.parse(l) as Incident) };
};

describe('Simulator', () => {
  it('serves the envelope with total, offset and limit', () => {
    const body = page(make(), 280, 50);
    expect(body).toMatchObject({ total: 300, offset: 280, limit: 50 });
    expect(body.data.map((r) => r.id)).toEqual(Array.from({ length: 20 }, (_, i) => `INC${String(281 + i).padStart(8, '0')}`));
  });

  it('picks the same records for the same seed and history', () => {
    expect(make(4).update('incidents', 5).ids).toEqual(make(4).update('incidents', 5).ids);
    expect(make(4).update('incidents', 5).ids).not.toEqual(make(5).update('incidents', 5).ids);
  });

  it('stamps each mutation with a later clock tick than all base data and every earlier tick', () => {
    const sim = make();
    const maxBase = page(sim, 200, 100).data.at(-1)?.updated_at as string;
    const first = sim.update('incidents', 3);
    const second = sim.insert('incidents', 2);
    expect(first.at > maxBase).toBe(true);
    expect(second.at > first.at).toBe(true);
    expect(sim.info().clock > second.at).toBe(true);
    const changed = snapshot(sim).records.filter((r) => first.ids.includes(r.id));
    expect(changed.map((r) => r.updated_at)).toEqual([first.at, first.at, first.at]);
  });

  it('updates explicit ids, moving them to the end of updated_at order', () => {
    const sim = make();
    sim.update('incidents', ['INC00000002', 'INC00000001']);
    expect(page(sim, 298, 100, 'updated_at').data.map((r) => r.id)).toEqual(['INC00000001', 'INC00000002']);
    // In id order they stay where they were.
    expect(page(sim, 0, 2).data.map((r) => r.id)).toEqual(['INC00000001', 'INC00000002']);
  });

  it('deletes, returning the ids, which disappear from pages and appear in the snapshot header', () => {
    const sim = make();
    const { ids } = sim.delete('incidents', 4);
    expect(ids).toHaveLength(4);
    const snap = snapshot(sim);
    expect(snap.header).toMatchObject({ resource: 'incidents', total: 296, deleted: ids });
    expect(snap.records.map((r) => r.id)).toEqual(page(sim, 0, 100).data.concat(page(sim, 100).data, page(sim, 200).data).map((r) => r.id));
    expect(snap.records.some((r) => ids.includes(r.id))).toBe(false);
  });

  it('inserts with ids after the base range, even after deletes', () => {
    const sim = make();
    sim.delete('incidents', ['INC00000300']);
    expect(sim.insert('incidents', 2).ids).toEqual(['INC00000301', 'INC00000302']);
    expect(page(sim, 298).data.map((r) => r.id)).toEqual(['INC00000299', 'INC00000301', 'INC00000302']);
  });

  it('applies a patch with any JSON value, serialised safely', () => {
    const sim = make();
    sim.update('incidents', ['INC00000001'], { title: 'quote " and \u2028 line', priority: 5 });
    const first = page(sim, 0, 1).data[0] as unknown as Record<string, unknown>;
    expect(first).toMatchObject({ title: 'quote " and \u2028 line', priority: 5 });
    // A later ordinary update keeps serialising it safely.
    sim.update('incidents', ['INC00000001']);
    expect((page(sim, 0, 1).data[0] as Incident).title).toBe('quote " and \u2028 line');
  });

  it.each([
    [(sim: Simulator) => sim.update('incidents', ['INC00009999']), UNKNOWN_ID],
    [(sim: Simulator) => sim.delete('incidents', ['SVC00001']), UNKNOWN_ID],
    [(sim: Simulator) => sim.update('incidents', ['INC00000001'], { id: 'x' }), 'CONFIG_INVALID'],
    [(sim: Simulator) => sim.insert('incidents', 0), 'CONFIG_INVALID'],
    [(sim: Simulator) => sim.update('users' as 'incidents', 1), 'CONFIG_INVALID'],
  ])('rejects bad control input (%#)', (act, code) => {
    const sim = make();
    expect(() => act(sim)).toThrow(ConfigError);
    try {
      act(sim);
    } catch (error) {
      expect((error as ConfigError).code).toBe(code);
    }
  });

  it('caps a count at the live records and resets to the start state', () => {
    const sim = make();
    expect(sim.delete('incidents', 1000).ids).toHaveLength(300);
    expect(page(sim).total).toBe(0);
    sim.setFaults({ latency: 5 });
    sim.reset();
    expect(page(sim).total).toBe(300);
    expect(sim.faults()).toEqual({});
    expect(sim.info().counts).toEqual({ incidents: 300, services: 10 });
  });
});

describe('resolveOptions', () => {
  it.each([
    [{ port: 70000 }, 'simulator.port: must be an integer from 0 to 65535'],
    [{ incidents: -1 }, 'simulator.incidents: must be an integer from 0 to 99,999,999'],
    [{ pageTies: 0 }, 'simulator.pageTies: must be an integer ≥ 1'],
    [{ rateLimit: { perMinute: 0 } }, 'simulator.rateLimit.perMinute: must be a positive number'],
    [{ faults: { rules: 1 } as never }, 'simulator.faults.rules: must be an array'],
  ])('rejects %j', (options, message) => {
    expect(() => resolveOptions(options)).toThrow(new ConfigError(message));
  });
});
