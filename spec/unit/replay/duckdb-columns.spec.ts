import path from 'node:path';
import { avroColumns, quoteIdentifier } from '../../../lib/replay/duckdb-columns';
import { compileSchema, loadSchemas } from '../../../lib/validation/schemas';

it("maps the incidents schema to columns: nullable unions as their type, an array of records as a STRUCT list", () => {
  const schema = loadSchemas(path.join(__dirname, '../../../schemas')).get('incidents')!;
  expect(avroColumns(schema.type)).toEqual([
    ['_r2k_key', 'VARCHAR'],
    ['id', 'VARCHAR'],
    ['title', 'VARCHAR'],
    ['status', 'VARCHAR'],
    ['urgency', 'VARCHAR'],
    ['priority', 'VARCHAR'],
    ['service_id', 'VARCHAR'],
    ['created_at', 'VARCHAR'],
    ['updated_at', 'VARCHAR'],
    ['resolved_at', 'VARCHAR'],
    ['assignees', 'STRUCT("id" VARCHAR, "name" VARCHAR, "email" VARCHAR)[]'],
    ['description', 'VARCHAR'],
  ]);
});

it.each([
  ['int', 'INTEGER'],
  ['long', 'BIGINT'],
  ['double', 'DOUBLE'],
  ['float', 'FLOAT'],
  ['boolean', 'BOOLEAN'],
  ['bytes', 'VARCHAR'],
  [{ type: 'enum', name: 'e', symbols: ['A'] }, 'VARCHAR'],
  [{ type: 'map', values: 'long' }, 'MAP(VARCHAR, BIGINT)'],
  [{ type: 'long', logicalType: 'timestamp-millis' }, 'BIGINT'],
  [['null', 'int', 'string'], 'JSON'],
  [{ type: 'record', name: 'r', fields: [{ name: 'order', type: ['null', { type: 'array', items: 'int' }] }] }, 'STRUCT("order" INTEGER[])'],
])('%j is %s', (field, expected) => {
  const schema = compileSchema('t', { type: 'record', name: 't', fields: [{ name: 'f', type: field }] }, 'test');
  expect(avroColumns(schema.type)[1]).toEqual(['f', expected]);
});

it('quotes identifiers', () => {
  expect(quoteIdentifier('we"ird')).toBe('"we""ird"');
});
