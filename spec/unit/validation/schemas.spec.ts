import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../lib/errors';
import { compileSchema, loadSchemas } from '../../../lib/validation/schemas';

const SCHEMAS_DIR = join(__dirname, '../../../schemas');

/** Shaped like the simulator's records, including every kind of nullability. */
const INCIDENTS = [
  {
    id: 'INC00001', title: 'Checkout latency above 2s', status: 'triggered', urgency: 'high', priority: 'P1',
    service_id: 'SVC001', created_at: '2024-05-01T12:00:00Z', updated_at: '2024-05-01T12:05:00Z', resolved_at: null,
    assignees: [{ id: 'U1', name: 'Ada Lovelace', email: 'ada@example.com' }], description: 'p99 above SLO',
  },
  {
    id: 'INC00002', title: 'Disk full', status: 'resolved', urgency: 'low', priority: null,
    service_id: 'SVC002', created_at: '2024-05-01T12:00:00Z', updated_at: '2024-05-02T08:00:00Z',
    resolved_at: '2024-05-02T08:00:00Z', assignees: [], description: null,
  },
  // Nullable fields omitted altogether.
  {
    id: 'INC00003', title: 'Queue backlog', status: 'acknowledged', urgency: 'high',
    service_id: 'SVC003', created_at: '2024-05-01T12:00:00Z', updated_at: '2024-05-01T13:00:00Z', assignees: [],
  },
];
const SERVICES = [
  { id: 'SVC001', name: 'checkout-api', status: 'active', description: 'Takes the money', team: { id: 'T1', name: 'Payments' }, created_at: '2023-01-01T00:00:00Z', updated_at: '2024-01-01T00:00:00Z' },
  { id: 'SVC002', name: 'storage', status: 'maintenance', description: null, team: null, created_at: '2023-01-01T00:00:00Z', updated_at: '2024-01-01T00:00:00Z' },
  { id: 'SVC003', name: 'queue', status: 'disabled', created_at: '2023-01-01T00:00:00Z', updated_at: '2024-01-01T00:00:00Z' },
];

describe('loadSchemas', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'r2k-schemas-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the repository schemas keyed by resource name, with a SHA-256 canonical fingerprint', () => {
    const schemas = loadSchemas(SCHEMAS_DIR);
    expect([...schemas.keys()].sort()).toEqual(['alerts', 'incidents', 'log_entries', 'services']);
    for (const [name, schema] of schemas) {
      expect(schema.name).toBe(name);
      expect(schema.fingerprint).toMatch(/^[0-9a-f]{64}$/);
      expect(schema.type.typeName).toBe('record');
      expect(schema.json).toMatchObject({ type: 'record', name });
    }
  });

  it.each([
    ['incidents', INCIDENTS],
    ['services', SERVICES],
  ])('accepts simulator-shaped %s, nulls and omitted nullable fields included', (name, records) => {
    const schema = loadSchemas(SCHEMAS_DIR).get(name)!;
    for (const record of records) expect(schema.type.isValid(record)).toBe(true);
  });

  it('documents every field of the repository schemas', () => {
    for (const schema of loadSchemas(SCHEMAS_DIR).values()) {
      const fields = (schema.json as { fields: { name: string; doc?: string }[] }).fields;
      expect(fields.filter((f) => !f.doc).map((f) => f.name)).toEqual([]);
    }
  });

  it('gives the same fingerprint to schemas that differ only in docs', () => {
    const bare = { type: 'record', name: 'x', fields: [{ name: 'a', type: 'string' }] };
    const documented = { ...bare, doc: 'about x', fields: [{ name: 'a', type: 'string', doc: 'about a' }] };
    const other = { ...bare, fields: [{ name: 'a', type: 'long' }] };
    expect(compileSchema('x', documented, 'test').fingerprint).toBe(compileSchema('x', bare, 'test').fingerprint);
    expect(compileSchema('x', other, 'test').fingerprint).not.toBe(compileSchema('x', bare, 'test').fingerprint);
  });

  it('returns an empty map when the directory does not exist', () => {
    expect(loadSchemas(join(dir, 'missing')).size).toBe(0);
  });

  it('ignores files that are not .avsc', () => {
    writeFileSync(join(dir, 'notes.txt'), 'not a schema');
    expect(loadSchemas(dir).size).toBe(0);
  });

  it.each([
    ['not JSON', '{ "type": ', /broken\.avsc: .*JSON/],
    ['unknown type', JSON.stringify({ type: 'record', name: 'x', fields: [{ name: 'a', type: 'strin' }] }), /broken\.avsc: invalid Avro schema: .*strin/],
    ['bad field name', JSON.stringify({ type: 'record', name: 'x', fields: [{ name: 'a-b', type: 'string' }] }), /broken\.avsc: invalid Avro schema: .*a-b/],
    ['union needing wrapping', JSON.stringify({ type: 'record', name: 'x', fields: [{ name: 'n', type: ['int', 'double'] }] }), /broken\.avsc: invalid Avro schema: ambiguous unwrapped union/],
    ['non-record top level', JSON.stringify({ type: 'array', items: 'string' }), /broken\.avsc: the top-level type must be a record, not array/],
  ])('refuses a schema that is %s with a ConfigError naming the file', (_case, text, message) => {
    writeFileSync(join(dir, 'broken.avsc'), text);
    let caught: unknown;
    try {
      loadSchemas(dir);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).message).toMatch(message);
    expect((caught as ConfigError).context).toMatchObject({ resource: 'broken' });
  });

  it('reports an unreadable directory as a ConfigError', () => {
    const file = join(dir, 'plain-file');
    writeFileSync(file, '');
    expect(() => loadSchemas(file)).toThrow(ConfigError);
  });

  it('reports an unreadable schema file as a ConfigError', () => {
    mkdirSync(join(dir, 'folder.avsc'));
    expect(() => loadSchemas(dir)).toThrow(/folder\.avsc/);
  });
});
