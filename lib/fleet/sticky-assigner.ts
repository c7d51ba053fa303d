/**
 * The fleet's partition assignor: balanced like round robin, but sticky like Kafka's
 * StickyAssignor. A unit that moves is a run stopped, a producer fenced and a run resumed
 * elsewhere, so a rebalance moves only what balance needs: when an instance joins, the active
 * standby unit stays where it runs; when one dies, only its units move. Each member sends the
 * partitions it runs in its subscription's user data; the group leader reads them here.
 */
import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

export const STICKY_ASSIGNER_NAME = 'rest2kafka-sticky';

/**
 * Balanced (sizes differ by at most one), keeping as many of each member's `previous`
 * partitions as balance allows. A partition two members claim (one was presumed dead) goes to
 * the first in member-id order. Pure and deterministic.
 *
 * @example stickyAssignment([0, 1, 2], [{ id: 'a', previous: [0, 1, 2] }, { id: 'b', previous: [] }])
 * // → Map { 'a' => [0, 1], 'b' => [2] }
 */
export function stickyAssignment(partitions: readonly number[], members: readonly { id: string; previous: readonly number[] }[]): Map<string, number[]> {
  const sorted = [...members].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  const result = new Map<string, number[]>(sorted.map((m) => [m.id, []]));
  if (sorted.length === 0) return result;
  const floor = Math.floor(partitions.length / sorted.length);
  let bigger = partitions.length % sorted.length;
  const free = new Set(partitions);
  // Members that held the most keep the larger share, so the fewest partitions move.
  const byHeld = [...sorted].sort((x, y) => y.previous.length - x.previous.length);
  for (const member of byHeld) {
    const cap = floor + (bigger > 0 && member.previous.length > floor ? 1 : 0);
    if (cap > floor) bigger--;
    const kept = member.previous.filter((p) => free.has(p)).slice(0, cap);
    for (const p of kept) free.delete(p);
    result.set(member.id, kept);
  }
  // The rest to whoever has least (ties: member-id order), up to the balanced size.
  for (const p of [...free].sort((x, y) => x - y)) {
    const target = sorted.reduce((least, m) => (result.get(m.id)!.length < result.get(least.id)!.length ? m : least));
    result.get(target.id)!.push(p);
  }
  for (const list of result.values()) list.sort((x, y) => x - y);
  return result;
}

/**
 * The kafkajs assigner over {@link stickyAssignment}; `running()` is what this member runs now,
 * sent along with each join.
 */
export function stickyAssigner(running: () => ReadonlySet<number>): PartitionAssigner {
  return ({ cluster }) => ({
    name: STICKY_ASSIGNER_NAME,
    version: 1,
    async assign({ members, topics }) {
      const [topic] = topics;
      const partitions = cluster.findTopicPartitionMetadata(topic).map((m) => m.partitionId);
      const decoded = members.map((m) => ({ id: m.memberId, previous: previousOf(m.memberMetadata) }));
      const assignment = stickyAssignment(partitions, decoded);
      return members.map(({ memberId }) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 1, assignment: { [topic]: assignment.get(memberId)! }, userData: Buffer.alloc(0) }),
      }));
    },
    protocol({ topics }) {
      return {
        name: STICKY_ASSIGNER_NAME,
        metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.from(JSON.stringify([...running()])) }),
      };
    },
  });
}

/** The partitions a member said it runs; none when its metadata is not ours (tolerated, not trusted). */
function previousOf(metadata: Buffer): number[] {
  try {
    const parsed: unknown = JSON.parse(AssignerProtocol.MemberMetadata.decode(metadata)?.userData.toString('utf8') ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((p): p is number => Number.isInteger(p)) : [];
  } catch {
    return [];
  }
}
