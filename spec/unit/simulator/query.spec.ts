import { encodeCursor } from '../../../lib/simulator/cursor';
import { parseAlertsQuery, parseListQuery, parsePaging } from '../../../lib/simulator/query';

const parse = (qs: string) => parseListQuery(new URLSearchParams(qs));

describe('parseListQuery', () => {
  it('defaults to offset 0, limit 100, id order, no filter', () => {
    expect(parse('api_key=x')).toEqual({ ok: true, query: { offset: 0, limit: 100, filter: { sort: 'id', since: null } } });
  });

  it.each([
    ['offset=200&limit=50', { offset: 200, limit: 50, filter: { sort: 'id', since: null } }],
    ['limit=100&sort=updated_at', { offset: 0, limit: 100, filter: { sort: 'updated_at', since: null } }],
    ['sort=created_at&updated_since=2024-03-01T00:00:00Z', { offset: 0, limit: 100, filter: { sort: 'created_at', since: Date.UTC(2024, 2, 1) / 1000 } }],
    ['updated_since=2024-03-01', { offset: 0, limit: 100, filter: { sort: 'id', since: Date.UTC(2024, 2, 1) / 1000 } }],
    ['updated_since=2024-03-01T02:00:00%2B02:00', { offset: 0, limit: 100, filter: { sort: 'id', since: Date.UTC(2024, 2, 1) / 1000 } }],
    ['updated_since=2024-03-01T00:00:00.500Z', { offset: 0, limit: 100, filter: { sort: 'id', since: Date.UTC(2024, 2, 1) / 1000 + 0.5 } }],
  ])('accepts %s', (qs, query) => {
    expect(parse(qs)).toEqual({ ok: true, query });
  });

  it.each([
    ['offset=-1', 'offset'],
    ['offset=1.5', 'offset'],
    ['offset=abc', 'offset'],
    ['offset=', 'offset'],
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=-5', 'limit'],
    ['limit=10.0', 'limit'],
    ['updated_since=yesterday', 'updated_since'],
    ['updated_since=2024-03-01T00:00:00', 'updated_since'],
    ['updated_since=2024-13-45T00:00:00Z', 'updated_since'],
    ['sort=name', 'sort'],
    ['sort=', 'sort'],
    ['sort=-updated_at', 'sort'],
  ])('rejects %s, naming %s', (qs, parameter) => {
    const result = parse(qs);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problem.parameter).toBe(parameter);
      expect(result.problem.message.startsWith(`${parameter}: `)).toBe(true);
    }
  });
});

describe('parsePaging', () => {
  it('reads offset and limit only, ignoring list filters', () => {
    expect(parsePaging(new URLSearchParams('offset=5&limit=7&sort=name'))).toEqual({ ok: true, query: { offset: 5, limit: 7 } });
  });
});

describe('parseAlertsQuery', () => {
  it.each([
    ['', { after: null, limit: 100 }],
    ['cursor=&limit=5', { after: null, limit: 5 }],
    [`cursor=${encodeCursor({ index: 9, seq: 2 })}`, { after: { index: 9, seq: 2 }, limit: 100 }],
  ])('accepts %j', (qs, query) => {
    expect(parseAlertsQuery(new URLSearchParams(qs))).toEqual({ ok: true, query });
  });

  it.each([
    ['limit=101', 'limit'],
    ['cursor=abc', 'cursor'],
  ])('rejects %s, naming %s', (qs, parameter) => {
    expect(parseAlertsQuery(new URLSearchParams(qs))).toMatchObject({ ok: false, problem: { parameter } });
  });
});
