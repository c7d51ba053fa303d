import { refreshRanges } from '../../../lib/replay/refresh-ranges';

const ranges = (...r: [number, number, number][]) => new Map(r.map(([p, from, end]) => [p, { from, end }]));

it.each([
  ['resumes each partition at its stored offset', new Map([[0, 100], [1, 50]]), ranges([0, 0, 150], [1, 0, 50]), { refresh: true, ranges: ranges([0, 100, 150], [1, 50, 50]) }],
  ['reads a partition added since from its start', new Map([[0, 100]]), ranges([0, 0, 150], [1, 0, 20]), { refresh: true, ranges: ranges([0, 100, 150], [1, 0, 20]) }],
])('%s', (_name, stored, current, expected) => {
  expect(refreshRanges(stored, current)).toEqual(expected);
});

it.each([
  ['a stored offset past the end (topic recreated)', new Map([[0, 500]]), ranges([0, 0, 150]), /ends at offset 150, before the stored 500: the topic was recreated/],
  ['a stored offset before the first offset (records deleted)', new Map([[0, 10]]), ranges([0, 40, 150]), /starts at offset 40, after the stored 10/],
  ['a stored partition that no longer exists', new Map([[0, 10], [3, 5]]), ranges([0, 0, 150]), /partition 3 no longer exists/],
])('rebuilds on %s', (_name, stored, current, reason) => {
  const plan = refreshRanges(stored, current);
  expect(plan.refresh).toBe(false);
  expect(plan.refresh === false && plan.reason).toMatch(reason);
});
