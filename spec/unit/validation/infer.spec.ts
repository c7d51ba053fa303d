import { Type } from 'avsc';
import { formatSchema, inferSchema } from '../../../lib/validation/infer';
import { compileSchema } from '../../../lib/validation/schemas';
import { validatePage } from '../../../lib/validation/validate';
import { compileKey } from '../../../lib/keying/primary-key';

type Fields = { name: string; type: unknown; default?: unknown; doc?: string }[];

function fieldsOf(records: unknown[]): Fields {
  return (inferSchema(records, 'things') as { fields: Fields }).fields;
}

const INCIDENTS = [
  {
    id: 'INC00001', title: 'Checkout latency', status: 'triggered', urgency: 'high', priority: 'P1', service_id: 'SVC001',
    created_at: '2024-05-01T12:00:00Z', updated_at: '2024-05-01T12:05:00Z', resolved_at: null,
    assignees: [{ id: 'U1', name: 'Ada', email: 'ada@example.com' }], description: 'p99 above SLO',
  },
  {
    id: 'INC00002', title: 'Disk full', status: 'resolved', urgency: 'low', priority: null, service_id: 'SVC002',
    created_at: '2024-05-01T12:00:00Z', updated_at: '2024-05-02T08:00:00Z', resolved_at: '2024-05-02T08:00:00Z',
    assignees: [], description: null,
  },
];

describe('inferSchema', () => {
  it.each<[string, unknown[], Fields]>([
    ['strings, booleans and whole numbers', [{ s: 'a', b: true, n: 1 }, { s: 'b', b: false, n: 2 ** 40 }],
      [{ name: 's', type: 'string' }, { name: 'b', type: 'boolean' }, { name: 'n', type: 'long' }]],
    ['any fraction as double', [{ n: 1 }, { n: 2.5 }], [{ name: 'n', type: 'double' }]],
    ['a field seen null as nullable with default null', [{ p: 'P1' }, { p: null }],
      [{ name: 'p', type: ['null', 'string'], default: null }]],
    ['a field missing from some records as nullable', [{ a: 1, p: 'P1' }, { a: 2 }],
      [{ name: 'a', type: 'long' }, { name: 'p', type: ['null', 'string'], default: null }]],
    ['a field only ever null as a nullable string, flagged', [{ x: null }],
      [{ name: 'x', type: ['null', 'string'], default: null, doc: 'Only null was seen: the type is a guess, review it.' }]],
    ['mixed kinds as a union, flagged', [{ v: 1 }, { v: 'one' }],
      [{ name: 'v', type: ['long', 'string'], doc: 'Seen as long and string.' }]],
    ['a nested object as a named record', [{ team: { id: 'T1' } }, { team: null }],
      [{ name: 'team', type: ['null', { type: 'record', name: 'things_team', fields: [{ name: 'id', type: 'string' }] }], default: null }]],
    ['arrays with items merged across records', [{ a: [1] }, { a: [2.5] }, { a: [] }],
      [{ name: 'a', type: { type: 'array', items: 'double' } }]],
    ['array items that are objects as a record with optional fields', [{ a: [{ id: 'x', e: 'm' }, { id: 'y' }] }],
      [{ name: 'a', type: { type: 'array', items: { type: 'record', name: 'things_a_item', fields: [{ name: 'id', type: 'string' }, { name: 'e', type: ['null', 'string'], default: null }] } } }]],
    ['only empty arrays as array of string, flagged', [{ a: [] }],
      [{ name: 'a', type: { type: 'array', items: 'string' }, doc: 'Only empty arrays were seen: the item type is a guess, review it.' }]],
    ['an object whose keys are not Avro names as a map', [{ m: { 'a-b': 1, 'c d': 2 } }],
      [{ name: 'm', type: { type: 'map', values: 'long' }, doc: 'Keys are not Avro names: inferred as a map.' }]],
    ['only empty objects as a map of strings, flagged', [{ m: {} }],
      [{ name: 'm', type: { type: 'map', values: 'string' }, doc: 'Only empty objects were seen: inferred as a map of strings, review it.' }]],
    ['non-object samples ignored', [{ a: 's' }, 'junk', null, [1]], [{ name: 'a', type: 'string' }]],
  ])('infers %s', (_case, records, fields) => {
    expect(fieldsOf(records)).toEqual(fields);
  });

  it('names the record after the resource, made a valid Avro name, in the given namespace', () => {
    expect(inferSchema([{ a: 1 }], 'issue-comments', 'rest2kafka.github')).toMatchObject({
      type: 'record', name: 'issue_comments', namespace: 'rest2kafka.github',
      doc: 'Inferred by rest2kafka from 1 sample record; review before committing.',
    });
    expect(inferSchema([], '2fa')).toMatchObject({ name: '_2fa', fields: [] });
  });

  it('leaves out top-level keys that cannot be Avro field names, and says so', () => {
    const schema = inferSchema([{ id: 'a', '@type': 'x', 'x-y': 1 }], 'things') as { doc: string; fields: Fields };
    expect(schema.fields.map((f) => f.name)).toEqual(['id']);
    expect(schema.doc).toMatch(/Left out \(not Avro names\): @type, x-y\.$/);
  });

  it('keeps nested record names unique', () => {
    const schema = inferSchema([{ a: { b_c: { x: 1 } }, a_b: { c: { y: 1 } } }], 'r');
    const names = JSON.stringify(schema).match(/"name":"r_[a-z_0-9]+"/g);
    expect(names).toEqual(['"name":"r_a"', '"name":"r_a_b_c"', '"name":"r_a_b"', '"name":"r_a_b_c_2"']);
    expect(() => compileSchema('r', schema, 'inferred')).not.toThrow();
  });

  it.each<[string, unknown[]]>([
    ['simulator-shaped incidents', INCIDENTS],
    ['mixed and nested samples', [{ a: 1, b: [{ c: null }], d: { e: [1.5, 2] } }, { a: 'x', b: [], d: null, f: true }]],
  ])('infers a schema that compiles and accepts its own %s under freeze', (_case, records) => {
    const schema = compileSchema('things', inferSchema(records, 'things'), 'inferred');
    const result = validatePage(records, schema, 'freeze', compileKey([]));
    expect(result.invalid).toEqual([]);
    expect(result.valid).toHaveLength(records.length);
  });

  it('infers the incident shape the hand-written schema declares', () => {
    expect(fieldsOf(INCIDENTS).map((f) => [f.name, f.type])).toEqual([
      ['id', 'string'], ['title', 'string'], ['status', 'string'], ['urgency', 'string'],
      ['priority', ['null', 'string']], ['service_id', 'string'], ['created_at', 'string'], ['updated_at', 'string'],
      ['resolved_at', ['null', 'string']],
      ['assignees', { type: 'array', items: { type: 'record', name: 'things_assignees_item', fields: [
        { name: 'id', type: 'string' }, { name: 'name', type: 'string' }, { name: 'email', type: 'string' }] } }],
      ['description', ['null', 'string']],
    ]);
  });
});

describe('formatSchema', () => {
  const schema = inferSchema(INCIDENTS, 'incidents');

  it('prints JSON that parses back to the schema, ending with a newline', () => {
    const text = formatSchema(schema);
    expect(JSON.parse(text)).toEqual(schema);
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('puts each short field on one line and keeps lines within 100 characters', () => {
    const lines = formatSchema(schema).split('\n');
    expect(lines).toContain('    { "name": "priority", "type": ["null", "string"], "default": null },');
    expect(lines.filter((l) => l.length > 100)).toEqual([]);
  });

  it('accepts a compiled avsc type', () => {
    const type = Type.forSchema({ type: 'record', name: 'x', fields: [{ name: 'a', type: 'string', doc: 'the a' }] });
    expect(formatSchema(type)).toBe(
      '{ "name": "x", "type": "record", "fields": [{ "name": "a", "type": "string", "doc": "the a" }] }\n',
    );
  });
});
