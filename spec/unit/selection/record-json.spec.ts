import { MAX_DEPTH, memberPath, recordJson } from '../../../lib/selection/record-json';

/** The records JSON.parse reads at `path`, and their texts cut from the same bytes. */
function cut(text: string, path: string[]) {
  const body = Buffer.from(text, 'utf8');
  let list = JSON.parse(text) as unknown;
  for (const name of path) list = (list as Record<string, unknown>)[name];
  const records = list as unknown[];
  const texts = recordJson(body, path, records);
  return { records, texts, textOf: (i: number) => texts?.get(records[i] as object)?.toString('utf8') };
}

describe('memberPath', () => {
  it.each([
    ['data', ['data']],
    ['$.data', ['data']],
    ['$', []],
    ['result.items', ['result', 'items']],
    ["$['@odata.value']", ['@odata.value']],
  ])('%s reads the members %j', (selector, names) => {
    expect(memberPath(selector)).toEqual(names);
  });

  it.each(['data[*]', 'data[0]', '$..items', 'data.*', "$['a','b']", 'data[?(@.id)]'])('%s is not a plain member path', (selector) => {
    expect(memberPath(selector)).toBeNull();
  });
});

describe('recordJson', () => {
  it('cuts every record of a compact body, each exactly as JSON.stringify writes it', () => {
    const records = [
      { id: 'INC1', title: 'Disk "full"\n on db-1\t\\', n: 3, ok: true, none: null, nested: { a: [1, -2, 0.5, 1e21, 'x'] } },
      { id: 'INC2', title: 'Ünïcödé ✓ 🚨', list: [], obj: {}, big: 123456789012345, neg: -7 },
    ];
    const text = JSON.stringify({ data: records, total: 2, offset: 0, limit: 100 });
    const { texts, textOf } = cut(text, ['data']);
    expect(texts?.size).toBe(2);
    expect(textOf(0)).toBe(JSON.stringify(records[0]));
    expect(textOf(1)).toBe(JSON.stringify(records[1]));
  });

  it('pairs texts with the very objects JSON.parse produced, in order', () => {
    const { records, texts } = cut('{"data":[{"id":1},{"id":2},{"id":3}]}', ['data']);
    expect([...texts!.keys()]).toEqual(records);
    expect([...texts!.values()].map((b) => b.toString())).toEqual(['{"id":1}', '{"id":2}', '{"id":3}']);
  });

  it('follows nested members and tolerates whitespace outside the records', () => {
    const { textOf } = cut('{ "meta" : {"x": [1, {"data": []}]},\n "result": { "items" : [ {"id":1} , {"id":2} ] } }\n', ['result', 'items']);
    expect([textOf(0), textOf(1)]).toEqual(['{"id":1}', '{"id":2}']);
  });

  it('reads a top-level list for the selector $', () => {
    const { textOf } = cut('[{"id":"a"},{"id":"b"}]', []);
    expect([textOf(0), textOf(1)]).toEqual(['{"id":"a"}', '{"id":"b"}']);
  });

  it('takes the last member of a duplicated name, as JSON.parse does', () => {
    const { records, textOf } = cut('{"data":[{"id":"old"}],"data":[{"id":"new"}]}', ['data']);
    expect(records).toEqual([{ id: 'new' }]);
    expect(textOf(0)).toBe('{"id":"new"}');
  });

  it.each([
    ['whitespace inside a record', '{"id": 1}'],
    ['a newline inside a record', '{"id":1,\n"a":2}'],
    ['a \\u escape', '{"id":"caf\\u00e9"}'],
    ['a \\u escape of a control character', '{"id":"a\\u0001"}'],
    ['an escaped slash', '{"id":"a\\/b"}'],
    ['a number with a trailing zero', '{"n":1.50}'],
    ['a whole number written as a decimal', '{"n":1.0}'],
    ['an exponent', '{"n":1e2}'],
    ['an upper-case exponent', '{"n":2E-7}'],
    ['negative zero', '{"n":-0}'],
    ['an integer beyond double precision', '{"n":12345678901234567890}'],
    ['a number beyond double range', '{"n":1e400}'],
    ['an integer-like key', '{"b":1,"1":2}'],
    ['a digit-first key', '{"2fa":true}'],
  ])('gives no text to a record with %s (JSON.stringify would spell it differently or might)', (_, record) => {
    const { records, texts, textOf } = cut(`{"data":[${record},{"id":"fine"}]}`, ['data']);
    expect(textOf(0)).toBeUndefined();
    expect(textOf(1)).toBe('{"id":"fine"}');
    expect(texts?.size).toBe(1);
    expect(records).toHaveLength(2);
  });

  it.each([
    ['1.5', true],
    ['0.1', true],
    ['-3.25', true],
    ['1e+21', true],
    ['123456789012345', true],
    ['1234567890123456', true],
    ['9007199254740993', false],
  ])('a number %s is kept when JSON.stringify writes it back the same (%s)', (n, kept) => {
    const { textOf } = cut(`{"data":[{"n":${n}}]}`, ['data']);
    expect(textOf(0)).toBe(kept ? `{"n":${n}}` : undefined);
  });

  it(`leaves records nested deeper than ${MAX_DEPTH} levels to JSON.stringify (which may not manage them)`, () => {
    const nest = (levels: number) => `{"id":"x","deep":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}`;
    const { textOf } = cut(`{"data":[${nest(MAX_DEPTH)},${nest(MAX_DEPTH + 1)},${nest(20_000)}]}`, ['data']);
    expect(textOf(0)).toBe(nest(MAX_DEPTH));
    expect(textOf(1)).toBeUndefined();
    expect(textOf(2)).toBeUndefined();
  });

  it('gives no text to records that are not objects', () => {
    const { texts } = cut('{"data":[1,"two",null,[3],{"id":4}]}', ['data']);
    expect([...texts!.values()].map((b) => b.toString())).toEqual(['{"id":4}']);
  });

  it.each([
    ['the member is missing', '{"items":[{"id":1}]}', ['data']],
    ['the member is an object', '{"data":{"id":1}}', ['data']],
    ['the member is null', '{"data":null}', ['data']],
    ['the body is a list but a member is asked for', '[{"data":[]}]', ['data']],
    ['a name is spelled with an escape', '{"d\\u0061ta":[{"id":1}]}', ['data']],
  ])('returns null when %s', (_, text, path) => {
    expect(recordJson(Buffer.from(text), path, [{ id: 1 }])).toBeNull();
  });

  it('returns null when the list does not have as many elements as records', () => {
    expect(recordJson(Buffer.from('{"data":[{"id":1},{"id":2}]}'), ['data'], [{ id: 1 }])).toBeNull();
  });

  it('cuts an empty list into no texts', () => {
    expect(recordJson(Buffer.from('{"data":[],"total":0}'), ['data'], [])?.size).toBe(0);
  });

  it('keeps exactly the random records spelled as JSON.stringify spells them, and only as it does', () => {
    const random = lcg(7);
    let kept = 0;
    for (let n = 0; n < 50; n++) {
      const records = Array.from({ length: 10 }, () => randomObject(random, 3));
      const pretty = random() < 0.2;
      const spelled = records.map((r) => spell(r, random));
      const text = pretty ? JSON.stringify({ total: 10, data: records }, null, 1) : `{"total":10,"data":[${spelled.join(',')}]}`;
      const { records: parsed, texts } = cut(text, ['data']);
      parsed.forEach((record, i) => {
        const value = texts!.get(record as object)?.toString('utf8');
        // The scan is conservative about \u escapes and digit-first keys, even where they are canonical.
        const expected = !pretty && spelled[i] === JSON.stringify(record) && !spelled[i].includes('\\u') && !/"[0-9][^"]*":/.test(spelled[i]);
        expect({ i, value }).toEqual({ i, value: expected ? spelled[i] : undefined });
        if (value !== undefined) kept++;
      });
    }
    expect(kept).toBeGreaterThan(100);
  });
});

function lcg(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
}

const STRINGS = ['', 'plain', 'quote " and \\ backslash', 'tab\tnew\nline', 'ünï ✓ 🚨', '\u0001ctl', '</script>', 'a/b'];
const NUMBERS = [0, 1, -1, 42, 0.5, -3.25, 1e21, 1.5e-7, 123456789012345, 2 ** 53 + 2];

function randomValue(random: () => number, depth: number): unknown {
  const r = random();
  if (depth > 0 && r < 0.15) return randomObject(random, depth - 1);
  if (depth > 0 && r < 0.25) return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth - 1));
  if (r < 0.55) return STRINGS[Math.floor(random() * STRINGS.length)];
  if (r < 0.8) return NUMBERS[Math.floor(random() * NUMBERS.length)];
  return [true, false, null][Math.floor(random() * 3)];
}

function randomObject(random: () => number, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const keys = ['id', 'title', 'status', 'n', 'x_y', 'ümlaut', '2nd', '10'];
  for (let k = 0; k < 1 + Math.floor(random() * 5); k++) out[keys[Math.floor(random() * keys.length)]] = randomValue(random, depth);
  return out;
}

/** Mostly JSON.stringify's own spelling; sometimes an equivalent one it would not write. */
function spell(record: Record<string, unknown>, random: () => number): string {
  const text = JSON.stringify(record);
  const r = random();
  if (r < 0.05) return text.replace(/":/, '": ');
  if (r < 0.1) return text.replace(/é|ü|✓/, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (r < 0.15) return text.replace(/(:-?[0-9]+)([,}\]])/, '$1.0$2');
  return text;
}
