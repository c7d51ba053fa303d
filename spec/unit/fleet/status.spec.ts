import { AssignerProtocol, type GroupDescription } from 'kafkajs';
import { groupView, pipelineStatus, type GroupView, type StatusInput } from '../../../lib/fleet/status';
import type { WorkUnit } from '../../../lib/fleet/units';
import { emptyState, type ResourceState } from '../../../lib/state/checkpoint';

const TOPIC = 'orders.coordination';

function member(clientId: string, assignment: Record<string, number[]> | null) {
  const memberAssignment = assignment === null ? Buffer.alloc(0) : AssignerProtocol.MemberAssignment.encode({ version: 0, assignment, userData: Buffer.alloc(0) });
  return { memberId: `${clientId}-id`, clientId, clientHost: '/10.0.0.1', memberMetadata: Buffer.alloc(0), memberAssignment };
}

function description(state: GroupDescription['state'], members: ReturnType<typeof member>[]): GroupDescription {
  return { groupId: 'rest2kafka-orders', members, protocol: 'RoundRobinAssigner', protocolType: 'consumer', state };
}

describe('groupView', () => {
  it('names each member by host:pid (the client id without the pipeline\'s kafka.client_id) with its partitions of the coordination topic, in order', () => {
    const view = groupView(description('Stable', [member('rest2kafka:web-1:4242', { [TOPIC]: [2, 0], other: [1] }), member('rest2kafka:web-2:77', { [TOPIC]: [1] })]), TOPIC, 'rest2kafka');
    expect(view).toEqual({ state: 'Stable', members: [{ instance: 'web-1:4242', partitions: [0, 2] }, { instance: 'web-2:77', partitions: [1] }] });
  });

  it('keeps a client id that is not rest2kafka\'s whole, and a member without an assignment yet (rebalancing) owns nothing', () => {
    const view = groupView(description('PreparingRebalance', [member('kcat', null), member('rest2kafka:web-1:1', { other: [0] })]), TOPIC, 'rest2kafka');
    expect(view.members).toEqual([{ instance: 'kcat', partitions: [] }, { instance: 'web-1:1', partitions: [] }]);
  });
});

const UNITS: WorkUnit[] = [
  { name: 'customers', partition: 0, resources: ['customers'], transactionalId: 't-customers' },
  { name: 'orders', partition: 1, resources: ['orders', 'order_lines'], transactionalId: 't-orders' },
];

function input(group: GroupView | null, states: ResourceState[] = []): StatusInput {
  return { pipeline: 'shop', coordination: { mode: 'distributed', group_id: 'rest2kafka-shop' }, units: UNITS, states: new Map(states.map((s) => [s.resource, s])), group };
}

describe('pipelineStatus', () => {
  it('gives every resource of a unit that unit\'s owner, and lists which units each instance runs (none: a standby)', () => {
    const status = pipelineStatus(input({ state: 'Stable', members: [{ instance: 'a:1', partitions: [1] }, { instance: 'b:2', partitions: [0] }, { instance: 'c:3', partitions: [] }] }));
    expect(status.resources.map((r) => [r.resource, r.unit, r.owner])).toEqual([
      ['customers', 'customers', 'b:2'],
      ['orders', 'orders', 'a:1'],
      ['order_lines', 'orders', 'a:1'],
    ]);
    expect(status.coordination).toEqual({
      mode: 'distributed',
      group_id: 'rest2kafka-shop',
      group_state: 'Stable',
      instances: [{ instance: 'a:1', units: ['orders'] }, { instance: 'b:2', units: ['customers'] }, { instance: 'c:3', units: [] }],
    });
  });

  it('an empty group, or no group at all (coordination none), owns nothing', () => {
    expect(pipelineStatus(input({ state: 'Empty', members: [] })).resources.every((r) => r.owner === null)).toBe(true);
    expect(pipelineStatus(input(null)).coordination).toMatchObject({ group_state: 'none', instances: [] });
  });

  it('reads last sync, cursor, last run and a run in progress from the state; a resource with no state has none of them', () => {
    const completed: ResourceState = {
      ...emptyState('shop', 'customers'),
      incremental: { initial_value: '2024-01-01', last_value: '2024-06-01T10:00:00Z', unique_hashes: [] },
      last_completed_run: { id: 'r1', finished_at: '2024-06-01T10:00:05Z', full_refresh: false, pages: 3, records: 250, dead_lettered: 4 },
    };
    const running: ResourceState = {
      ...emptyState('shop', 'orders'),
      // A state written before dead letters were counted: their count is unknown, not zero.
      last_completed_run: { id: 'r0', finished_at: '2024-05-01T00:00:00Z', full_refresh: true, pages: 1, records: 7 },
      run: { id: 'r2', started_at: '2024-06-01T11:00:00Z', full_refresh: false, config_fingerprint: 'f', resume: null, next_index: 5, pages: 5, records: 500, start_value: null, incremental: null, snapshot_offsets: null, dead_lettered_keys: [], dead_lettered: 1, expected_pages: 60 },
    };
    const [customers, orders, lines] = pipelineStatus(input(null, [completed, running])).resources;
    expect(customers).toMatchObject({ last_sync: '2024-06-01T10:00:05Z', cursor: '2024-06-01T10:00:00Z', run: null, last_run: { id: 'r1', pages: 3, records: 250, dead_lettered: 4 } });
    expect(orders).toMatchObject({ last_sync: '2024-05-01T00:00:00Z', cursor: null, run: { id: 'r2', pages: 5, expected_pages: 60, records: 500, dead_lettered: 1 }, last_run: { dead_lettered: null, full_refresh: true } });
    expect(lines).toMatchObject({ last_sync: null, cursor: null, run: null, last_run: null });
  });
});
