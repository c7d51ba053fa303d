import { digestOf, withoutUnchanged } from '../../../lib/delivery/unchanged';
import type { OutgoingMessage } from '../../../lib/sink/message-pack';
import type { PreparedPage } from '../../../lib/sink/prepare';

const message = (key: string, value: string | null): OutgoingMessage => ({ topic: 'incidents', key, value: value === null ? null : Buffer.from(value) });

function page(data: OutgoingMessage[]): PreparedPage {
  const live = data.filter((m) => m.value !== null);
  return {
    data,
    deadLetters: [message('BAD', '{"reason":"x"}')],
    records: live.length,
    tombstones: data.length - live.length,
    deadLettered: 1,
    trimmed: 0,
    bytes: live.reduce((n, m) => n + m.value!.length, 0),
    deadLetteredKeys: ['BAD'],
  };
}

describe('withoutUnchanged', () => {
  const committed = new Map([
    ['INC1', digestOf(Buffer.from('{"v":1}'))],
    ['INC2', digestOf(Buffer.from('{"v":1}'))],
    ['INC3', digestOf(null)],
  ]);

  it('drops records whose key already has this value (or tombstone); keeps updates, new keys and dead letters', () => {
    const result = withoutUnchanged(
      page([message('INC1', '{"v":1}'), message('INC2', '{"v":2}'), message('INC3', null), message('INC4', '{"v":1}'), message('INC1', null)]),
      committed,
    );
    expect(result.data.map((m) => [m.key, m.value?.toString() ?? null])).toEqual([
      ['INC2', '{"v":2}'],
      ['INC4', '{"v":1}'],
      ['INC1', null],
    ]);
    expect(result).toMatchObject({ records: 2, tombstones: 1, bytes: 14, deadLettered: 1, deadLetteredKeys: ['BAD'] });
    expect(result.deadLetters).toHaveLength(1);
  });

  it('returns the page itself when nothing repeats', () => {
    const fresh = page([message('INC9', '{"v":1}')]);
    expect(withoutUnchanged(fresh, committed)).toBe(fresh);
  });
});
