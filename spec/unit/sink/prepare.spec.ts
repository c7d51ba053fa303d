import { compileKey } from '../../../lib/keying/primary-key';
import { createValueEncoder } from '../../../lib/sink/encode';
import { preparePage, type ResourceSink } from '../../../lib/sink/prepare';
import { compileSchema } from '../../../lib/validation/schemas';

const schema = compileSchema(
  'things',
  { type: 'record', name: 'things', fields: [{ name: 'id', type: 'string' }, { name: 'n', type: ['null', 'long'], default: null }] },
  'test',
);

function sink(overrides: Partial<ResourceSink> = {}): ResourceSink {
  return {
    resource: 'things',
    topic: 'things-topic',
    deadLetterTopic: 'dlq',
    keyOf: compileKey(['id']),
    requireKey: true,
    hardDeleteColumn: null,
    schema: null,
    contract: 'evolve',
    encoder: createValueEncoder('json'),
    writer: { pipeline: 'demo', source: 'http://api', resource: 'things' },
    ...overrides,
  };
}

const page = (records: unknown[]) => ({ index: 3, url: 'http://api/things?api_key=***', records, fetchedAt: 1_700_000_000_000 });
const json = (b: Buffer | null) => (b === null ? null : JSON.parse(b.toString('utf8')));

describe('preparePage', () => {
  it('keys each record by its primary key with the extraction timestamp and run headers', () => {
    const out = preparePage(sink(), page([{ id: 'a', n: 1 }, { id: 'b', n: 2 }]), 'run-1');
    expect(out.data.map((m) => [m.topic, m.key, json(m.value)])).toEqual([
      ['things-topic', 'a', { id: 'a', n: 1 }],
      ['things-topic', 'b', { id: 'b', n: 2 }],
    ]);
    expect(out.data[0].timestamp).toBe('1700000000000');
    expect(out.data[0].headers).toEqual({ 'r2k-resource': 'things', 'r2k-pipeline': 'demo', 'r2k-source': 'http://api', 'r2k-run-id': 'run-1', 'content-type': 'application/json' });
    expect(out.data[0].headers).not.toHaveProperty('r2k-schema-fingerprint');
    expect(out).toMatchObject({ records: 2, tombstones: 0, deadLettered: 0, deadLetters: [] });
  });

  it('dead-letters a record without a key instead of publishing a null key', () => {
    const out = preparePage(sink(), page([{ id: null, n: 1 }, { n: 2 }, { id: 'ok' }]), 'run-1');
    expect(out.data.map((m) => m.key)).toEqual(['ok']);
    expect(out.deadLettered).toBe(2);
    const letter = json(out.deadLetters[0].value);
    expect(letter).toMatchObject({ resource: 'things', run_id: 'run-1', page: 3, key: null, paths: ['id'], record: { id: null, n: 1 } });
    expect(letter.reason).toMatch(/no usable primary key id/);
    expect(out.deadLetters[0].topic).toBe('dlq');
    expect(out.deadLetters[0].headers).toMatchObject({ 'r2k-resource': 'things', 'r2k-page': '3' });
  });

  it.each([
    ['a string', 'INC1', 'a string'],
    ['an array', [{ id: 'a' }], 'an array'],
    ['null', null, 'null'],
    ['a number', 7, 'a number'],
  ])('dead-letters a record that is %s, saying it is not an object, on append topics too', (_name, record, what) => {
    for (const s of [sink(), sink({ requireKey: false, keyOf: compileKey([]) })]) {
      const out = preparePage(s, page([record, { id: 'ok' }]), 'run-1');
      expect(out.records).toBe(1);
      expect(json(out.deadLetters[0].value).reason).toBe(`record is not a JSON object but ${what}; check the resource's data_selector points at the list of records`);
    }
  });

  it('publishes keyless records on append topics (requireKey false)', () => {
    const out = preparePage(sink({ requireKey: false, keyOf: compileKey([]) }), page([{ n: 1 }]), 'r');
    expect(out.data.map((m) => m.key)).toEqual([null]);
    expect(out.deadLettered).toBe(0);
  });

  it('turns a truthy hard_delete column into a tombstone (null value, not an empty buffer)', () => {
    const out = preparePage(sink({ hardDeleteColumn: 'deleted' }), page([{ id: 'a', deleted: true }, { id: 'b', deleted: false }, { id: 'c', deleted: 0 }]), 'r');
    const tomb = out.data.find((m) => m.key === 'a')!;
    expect(tomb.value).toBeNull();
    expect(out.data.filter((m) => m.value !== null).map((m) => m.key)).toEqual(['b', 'c']);
    expect(out.tombstones).toBe(1);
  });

  it('validates against the schema: invalid records go to the dead-letter topic with their paths', () => {
    const out = preparePage(sink({ schema }), page([{ id: 'a', n: 1 }, { id: 'b', n: 'x' }]), 'r');
    expect(out.data.map((m) => m.key)).toEqual(['a']);
    expect(out.data[0].headers!['r2k-schema-fingerprint']).toBe(schema.fingerprint);
    const letter = json(out.deadLetters[0].value);
    expect(letter).toMatchObject({ key: 'b', paths: ['n'] });
    expect(letter.reason).toMatch(/id=b/);
  });

  it('counts discard_value trims and dead-letters discard_row rows', () => {
    const trimmed = preparePage(sink({ schema, contract: 'discard_value' }), page([{ id: 'a', extra: 1 }]), 'r');
    expect(trimmed.trimmed).toBe(1);
    expect(json(trimmed.data[0].value)).toEqual({ id: 'a' });
    const discarded = preparePage(sink({ schema, contract: 'discard_row' }), page([{ id: 'a', extra: 1 }, { id: 'b' }]), 'r');
    expect(discarded.data.map((m) => m.key)).toEqual(['b']);
    expect(discarded.deadLetteredKeys).toEqual(['a']);
  });
});
