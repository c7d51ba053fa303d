/**
 * topicRanges, where every reader starts (the state log, `status`, replay): a partition whose
 * leader is not serving it yet — a topic another process created a moment ago — is asked again
 * instead of failing the command; any other error fails at once. kafkajs's admin is stubbed.
 */
import type { Kafka } from 'kafkajs';
import { topicRanges } from '../../../lib/sink/read-topic';

function kafkaAnswering(answers: (Error | { partition: number; low: string; high: string; offset: string }[])[]): { kafka: Kafka; calls: () => number } {
  let calls = 0;
  const admin = {
    connect: async () => undefined,
    disconnect: async () => undefined,
    fetchTopicOffsets: async () => {
      const answer = answers[Math.min(calls++, answers.length - 1)];
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  return { kafka: { admin: () => admin } as unknown as Kafka, calls: () => calls };
}

const typed = (message: string, type: string) => Object.assign(new Error(message), { type });

it('asks again while the partition has no serving leader, then answers the ranges', async () => {
  const { kafka, calls } = kafkaAnswering([
    typed('This server is not the leader for that topic-partition', 'NOT_LEADER_FOR_PARTITION'),
    Object.assign(new Error('retries exceeded'), { cause: { type: 'LEADER_NOT_AVAILABLE' } }),
    [{ partition: 0, low: '3', high: '42', offset: '42' }],
  ]);
  expect(await topicRanges(kafka, 'state')).toEqual(new Map([[0, { from: 3, end: 42 }]]));
  expect(calls()).toBe(3);
});

it('fails at once on any other error', async () => {
  const { kafka, calls } = kafkaAnswering([typed('Topic authorization failed', 'TOPIC_AUTHORIZATION_FAILED')]);
  await expect(topicRanges(kafka, 'state')).rejects.toThrow('Topic authorization failed');
  expect(calls()).toBe(1);
});
