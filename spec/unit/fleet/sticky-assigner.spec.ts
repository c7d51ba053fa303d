import { AssignerProtocol } from 'kafkajs';
import { stickyAssigner, stickyAssignment } from '../../../lib/fleet/sticky-assigner';

const sizes = (assignment: Map<string, number[]>) => [...assignment.values()].map((p) => p.length);
const all = (assignment: Map<string, number[]>) => [...assignment.values()].flat().sort((a, b) => a - b);

describe('stickyAssignment', () => {
  it('spreads a fresh group evenly, every partition once', () => {
    const result = stickyAssignment([0, 1, 2, 3, 4, 5], [{ id: 'c', previous: [] }, { id: 'a', previous: [] }, { id: 'b', previous: [] }]);
    expect(sizes(result)).toEqual([2, 2, 2]);
    expect(all(result)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('keeps the standby unit where it runs when an instance joins, whatever the member ids', () => {
    for (const joiner of ['0-first', 'z-last']) {
      const result = stickyAssignment([0], [{ id: 'm-active', previous: [0] }, { id: joiner, previous: [] }]);
      expect(result.get('m-active')).toEqual([0]);
      expect(result.get(joiner)).toEqual([]);
    }
  });

  it('moves only the dead member\'s partitions when one of three dies', () => {
    const result = stickyAssignment([0, 1, 2, 3, 4, 5], [{ id: 'a', previous: [0, 3] }, { id: 'c', previous: [2, 5] }]);
    expect(result.get('a')).toEqual(expect.arrayContaining([0, 3]));
    expect(result.get('c')).toEqual(expect.arrayContaining([2, 5]));
    expect(sizes(result)).toEqual([3, 3]);
    expect(all(result)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('gives a joining member its share from the busiest, no more', () => {
    const result = stickyAssignment([0, 1, 2, 3, 4], [{ id: 'a', previous: [0, 1, 2, 3, 4] }, { id: 'b', previous: [] }]);
    expect(result.get('a')).toEqual([0, 1, 2]);
    expect(result.get('b')).toEqual([3, 4]);
  });

  it('balances within one when previous claims are lopsided or stale', () => {
    const result = stickyAssignment([0, 1, 2, 3, 4, 5], [
      { id: 'a', previous: [0, 1, 2] },
      { id: 'b', previous: [3, 4, 5] },
      { id: 'c', previous: [0, 1] }, // claimed by a too (c was presumed dead): a keeps them
      { id: 'd', previous: [9] }, // no such partition any more
    ]);
    expect(Math.max(...sizes(result)) - Math.min(...sizes(result))).toBeLessThanOrEqual(1);
    expect(all(result)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(result.get('a')!.filter((p) => [0, 1, 2].includes(p)).length).toBe(2);
  });

  it('assigns nothing to nobody', () => {
    expect(stickyAssignment([0, 1], []).size).toBe(0);
  });
});

describe('stickyAssigner (kafkajs protocol)', () => {
  const cluster = { findTopicPartitionMetadata: () => [0, 1, 2].map((partitionId) => ({ partitionId })) };
  const make = (running: number[]) => stickyAssigner(() => new Set(running))({ cluster, groupId: 'g', logger: console } as never);

  it('sends what the member runs and the leader keeps it there', async () => {
    const a = make([0, 1, 2]);
    const b = make([]);
    const members = [
      { memberId: 'a', memberMetadata: a.protocol({ topics: ['t'] }).metadata },
      { memberId: 'b', memberMetadata: b.protocol({ topics: ['t'] }).metadata },
    ];
    const assignments = await a.assign({ members, topics: ['t'] });
    const decoded = Object.fromEntries(assignments.map((x) => [x.memberId, AssignerProtocol.MemberAssignment.decode(x.memberAssignment)!.assignment.t]));
    expect(decoded).toEqual({ a: [0, 1], b: [2] });
  });

  it('treats metadata without our user data as holding nothing', async () => {
    const foreign = AssignerProtocol.MemberMetadata.encode({ version: 0, topics: ['t'], userData: Buffer.from('not json') });
    const assignments = await make([]).assign({ members: [{ memberId: 'x', memberMetadata: foreign }], topics: ['t'] });
    expect(AssignerProtocol.MemberAssignment.decode(assignments[0].memberAssignment)!.assignment.t).toEqual([0, 1, 2]);
  });
});
