import type { PipelineStatus, ResourceStatus } from '../../../lib/fleet/status';
import { age, formatStatus } from '../../../lib/fleet/status-table';

const NOW = new Date('2024-06-01T12:00:00Z');

function resource(extra: Partial<ResourceStatus>): ResourceStatus {
  return { resource: 'incidents', unit: 'shop', owner: null, last_sync: null, cursor: null, run: null, last_run: null, ...extra };
}

function status(mode: PipelineStatus['coordination']['mode'], groupState: string, instances: PipelineStatus['coordination']['instances'], resources: ResourceStatus[]): PipelineStatus {
  return { pipeline: 'shop', coordination: { mode, group_id: 'rest2kafka-shop', group_state: groupState, instances }, resources };
}

describe('formatStatus', () => {
  it('a standby fleet: the group with what each instance does, then one aligned row per resource', () => {
    const text = formatStatus(
      status('standby', 'Stable', [{ instance: 'web-1:4242', units: ['shop'] }, { instance: 'web-2:77', units: [] }], [
        resource({
          owner: 'web-1:4242',
          last_sync: '2024-06-01T11:55:00.000Z',
          cursor: '2024-06-01T11:54:59Z',
          last_run: { id: 'r1', finished_at: '2024-06-01T11:55:00.000Z', full_refresh: false, pages: 3, records: 250, dead_lettered: 1 },
          run: { id: 'r2', started_at: '2024-06-01T11:59:00Z', pages: 12, expected_pages: 60, records: 1200, dead_lettered: 0 },
        }),
        resource({ resource: 'alerts', owner: 'web-1:4242', cursor: 42 }),
      ]),
      NOW,
    );
    expect(text).toBe(
      [
        'pipeline shop: coordination standby, group rest2kafka-shop (Stable): 2 instances',
        '  web-1:4242  runs shop',
        '  web-2:77    standby',
        '',
        'RESOURCE   OWNER       LAST SYNC                          CURSOR                LAST RUN                    NOW',
        'incidents  web-1:4242  2024-06-01T11:55:00.000Z (5m ago)  2024-06-01T11:54:59Z  250 records, 1 dead letter  running: page 12 of 60, 1200 records, 0 dead letters',
        'alerts     web-1:4242  never                              42                    -                           idle',
        '',
      ].join('\n'),
    );
  });

  it('no instance running: says so for the group and every resource, and a run with committed pages is interrupted (page N, without M when the API gave no total)', () => {
    const text = formatStatus(status('distributed', 'Empty', [], [resource({ run: { id: 'r', started_at: 'x', pages: 4, expected_pages: null, records: 400, dead_lettered: null } })]), NOW);
    expect(text).toContain('group rest2kafka-shop (Empty): no instance running\n');
    expect(text).toMatch(/^incidents +no instance running +never +- +- +interrupted at page 4 \(400 records\): resumes at its next run$/m);
  });

  it('a unit no member holds while the group rebalances is "unassigned (rebalancing)"', () => {
    const text = formatStatus(status('distributed', 'PreparingRebalance', [{ instance: 'a:1', units: [] }], [resource({})]), NOW);
    expect(text).toMatch(/^incidents +unassigned \(rebalancing\) /m);
  });

  it('coordination none: no owners to show and an unfinished run cannot be told running from interrupted', () => {
    const text = formatStatus(status('none', 'none', [], [resource({ run: { id: 'r', started_at: 'x', pages: 1, expected_pages: 2, records: 1, dead_lettered: 0 } })]), NOW);
    expect(text).toContain('pipeline shop: coordination none (instances are not tracked: a second one fences the first)\n');
    expect(text).toMatch(/^incidents +- +never +- +- +unfinished \(running or interrupted\): page 1 of 2, 1 record, 0 dead letters$/m);
  });
});

describe('age', () => {
  it.each([
    [-5_000, '0s ago'],
    [59_000, '59s ago'],
    [60_000, '1m ago'],
    [3_599_000, '59m ago'],
    [3_600_000, '1h ago'],
    [47 * 3_600_000, '47h ago'],
    [48 * 3_600_000, '2d ago'],
  ])('%i ms → %s', (ms, text) => expect(age(ms)).toBe(text));
});
