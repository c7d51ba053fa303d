import type { KafkaMessage } from 'kafkajs';
import { KeyIndex, WinnerCursor } from '../../../lib/replay/key-index';

const msg = (offset: number, key: string | null, value: string | null): KafkaMessage =>
  ({ offset: String(offset), key: key === null ? null : Buffer.from(key), value: value === null ? null : Buffer.from(value), headers: {}, timestamp: '0', attributes: 0 }) as KafkaMessage;

describe('KeyIndex', () => {
  it("keeps each key's latest offset per partition, counting live and tombstoned keys", () => {
    const index = new KeyIndex();
    index.add(0, [msg(0, 'a', '1'), msg(1, 'b', '1'), msg(2, 'a', '2'), msg(4, 'c', '1')]);
    index.add(0, [msg(5, 'b', null), msg(6, null, 'x')]);
    index.add(1, [msg(0, 'd', '1'), msg(1, 'e', null)]);
    const result = index.finish(false);
    expect(result).toMatchObject({ records: 8, unkeyed: 1, liveKeys: 3, tombstonedKeys: 2 });
    expect([...result.winners.get(0)!]).toEqual([2, 4]);
    expect([...result.winners.get(1)!]).toEqual([0]);
  });

  it('lists the latest tombstones too when asked (a refresh deletes those keys)', () => {
    const index = new KeyIndex();
    index.add(0, [msg(3, 'a', null), msg(7, 'b', '1'), msg(9, 'a', '2'), msg(10, 'c', null)]);
    expect([...index.finish(true).winners.get(0)!]).toEqual([7, 9, 10]);
  });

  it('a key deleted and written again is live with its last value', () => {
    const index = new KeyIndex();
    index.add(0, [msg(0, 'a', '1'), msg(1, 'a', null), msg(2, 'a', '3')]);
    const result = index.finish(false);
    expect(result).toMatchObject({ liveKeys: 1, tombstonedKeys: 0 });
    expect([...result.winners.get(0)!]).toEqual([2]);
  });

  it('sorts winners by offset whatever order the keys were first seen in', () => {
    const index = new KeyIndex();
    index.add(0, [msg(0, 'a', '1'), msg(1, 'b', '1'), msg(2, 'c', '1'), msg(3, 'a', '2'), msg(4, 'b', '2')]);
    expect([...index.finish(false).winners.get(0)!]).toEqual([2, 3, 4]);
  });
});

describe('WinnerCursor', () => {
  it('says which offsets are winners as messages arrive in order', () => {
    const cursor = new WinnerCursor(Float64Array.from([2, 4, 9]));
    expect([0, 1, 2, 3, 4, 5, 9].map((o) => cursor.isWinner(o))).toEqual([false, false, true, false, true, false, true]);
    expect(cursor.missing).toBe(0);
  });

  it('counts winners that never arrived (compacted away between the passes)', () => {
    const cursor = new WinnerCursor(Float64Array.from([2, 4, 9]));
    expect(cursor.isWinner(3)).toBe(false);
    expect(cursor.isWinner(5)).toBe(false);
    expect(cursor.missing).toBe(3);
  });
});
