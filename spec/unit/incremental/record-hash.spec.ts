import { ResponseError } from '../../../lib/errors';
import { recordHash, stableStringify } from '../../../lib/incremental/record-hash';

describe('stableStringify', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(stableStringify({ b: 1, a: [{ d: 2, c: 3 }, 'x'], e: null })).toBe('{"a":[{"c":3,"d":2},"x"],"b":1,"e":null}');
  });
});

describe('recordHash', () => {
  it('depends only on the primary key when one is given', () => {
    expect(recordHash({ id: 1, v: 'a' }, ['id'])).toBe(recordHash({ v: 'b', id: 1 }, ['id']));
    expect(recordHash({ id: 1 }, ['id'])).not.toBe(recordHash({ id: 2 }, ['id']));
  });

  it('keeps compound keys in declared order', () => {
    const r = { a: 1, b: 2 };
    expect(recordHash(r, ['a', 'b'])).not.toBe(recordHash(r, ['b', 'a']));
  });

  it('hashes the whole record, field order aside, without a primary key', () => {
    expect(recordHash({ a: 1, b: 2 }, [])).toBe(recordHash({ b: 2, a: 1 }, []));
    expect(recordHash({ a: 1, b: 2 }, [])).not.toBe(recordHash({ a: 1, b: 3 }, []));
  });

  it('is stable across versions (the hash is persisted state)', () => {
    expect(recordHash({ id: 1 }, ['id'])).toBe('a4ayc_80_OGda4BO_1o_V0');
  });

  it('names a missing key field', () => {
    expect(() => recordHash({ x: 1 }, ['id'], 'posts')).toThrow(ResponseError);
    expect(() => recordHash({ x: 1 }, ['id'], 'posts')).toThrow(/"posts".*"id"/);
  });
});
