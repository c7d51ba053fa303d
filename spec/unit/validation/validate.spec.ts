import type { SchemaContractMode } from '../../../lib/config/types';
import { compileKey } from '../../../lib/keying/primary-key';
import { compileSchema } from '../../../lib/validation/schemas';
import { validatePage } from '../../../lib/validation/validate';

const schema = compileSchema('incidents', {
  type: 'record',
  name: 'incidents',
  namespace: 'rest2kafka.test',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'status', type: 'string' },
    { name: 'priority', type: ['null', 'string'], default: null },
    { name: 'count', type: 'long' },
    {
      name: 'assignees',
      type: { type: 'array', items: { type: 'record', name: 'assignee', fields: [{ name: 'id', type: 'string' }, { name: 'email', type: 'string' }] } },
    },
    { name: 'team', type: ['null', { type: 'record', name: 'team', fields: [{ name: 'id', type: 'string' }, { name: 'name', type: 'string' }] }], default: null },
    { name: 'labels', type: { type: 'map', values: { type: 'record', name: 'label', fields: [{ name: 'colour', type: 'string' }] } }, default: {} },
  ],
}, 'test');
const keyOf = compileKey(['id']);

function incident(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'INC00042', status: 'triggered', priority: 'P2', count: 3,
    assignees: [{ id: 'U1', email: 'a@example.com' }], team: { id: 'T1', name: 'Payments' },
    ...overrides,
  };
}

describe('validatePage', () => {
  it('passes valid records through as the same objects, in page order', () => {
    const page = [incident({ id: 'A' }), incident({ id: 'B' }), incident({ id: 'C' })];
    const result = validatePage(page, schema, 'evolve', keyOf);
    expect(result.valid).toHaveLength(3);
    result.valid.forEach((record, i) => expect(record).toBe(page[i]));
    expect(result).toMatchObject({ invalid: [], discarded: [], trimmed: [] });
  });

  it.each([
    ['a JSON null on a ["null","string"] union', { priority: null }],
    ['an omitted field that has a default', { priority: undefined, team: undefined, labels: undefined }],
    ['a null nested record', { team: null }],
    ['an empty array', { assignees: [] }],
  ])('accepts %s without union wrapping', (_case, overrides) => {
    const record = incident(overrides);
    for (const key of Object.keys(overrides)) if (overrides[key as keyof typeof overrides] === undefined) delete record[key];
    expect(validatePage([record], schema, 'freeze', keyOf).valid).toEqual([record]);
  });

  it('names the record key, the schema and the failing path with expected and actual values', () => {
    const { invalid } = validatePage([incident({ priority: 5 })], schema, 'evolve', keyOf);
    expect(invalid).toEqual([{
      record: incident({ priority: 5 }),
      key: 'INC00042',
      paths: ['priority'],
      reason: 'record id=INC00042 does not match schema incidents: priority: expected null or string, got 5',
    }]);
  });

  it.each<[string, Record<string, unknown>, string[], string]>([
    ['a missing required field', { status: undefined }, ['status'], 'status: expected string, got missing'],
    ['a wrong scalar type', { status: 7 }, ['status'], 'status: expected string, got 7'],
    ['a fraction in a long', { count: 1.5 }, ['count'], 'count: expected long, got 1.5'],
    ['a nested array item field', { assignees: [{ id: 'U1', email: 'a@x' }, { id: 'U2', email: 'b@x' }, { id: 'U3' }] }, ['assignees[2].email'], 'assignees[2].email: expected string, got missing'],
    ['an array item of the wrong kind', { assignees: ['U1'] }, ['assignees[0]'], 'assignees[0]: expected record assignee, got "U1"'],
    ['an object instead of an array', { assignees: { id: 'U1' } }, ['assignees'], 'assignees: expected array of record assignee, got an object'],
    ['fields of a nullable nested record', { team: {} }, ['team.id', 'team.name'], 'team.id: expected string, got missing; team.name: expected string, got missing'],
    ['a scalar in a nullable record', { team: 'Payments' }, ['team'], 'team: expected null or record team, got "Payments"'],
    ['a numeric-looking map key', { labels: { 7: { colour: 1 } } }, ['labels.7.colour'], 'labels.7.colour: expected string, got 1'],
  ])('reports %s with its path', (_case, overrides, paths, detail) => {
    const record = incident(overrides);
    for (const key of Object.keys(overrides)) if (overrides[key] === undefined) delete record[key];
    const { valid, invalid } = validatePage([record], schema, 'evolve', keyOf);
    expect(valid).toEqual([]);
    expect(invalid[0].paths).toEqual(paths);
    expect(invalid[0].reason).toBe(`record id=INC00042 does not match schema incidents: ${detail}`);
  });

  it.each([
    ['a string', 'INC1', '"INC1"'],
    ['null', null, 'null'],
    ['an array', [incident()], 'an array'],
    ['a number', 42, '42'],
  ])('rejects a record that is %s, by its position in the page', (_case, record, got) => {
    const { invalid } = validatePage([incident(), record], schema, 'evolve', keyOf);
    expect(invalid).toEqual([{
      record, key: null, paths: [],
      reason: `record #1 (no id) does not match schema incidents: expected an object, got ${got}`,
    }]);
  });

  it('names a record whose key is missing by its position', () => {
    const record = incident();
    delete record.id;
    const { invalid } = validatePage([record], schema, 'evolve', keyOf);
    expect(invalid[0]).toMatchObject({ key: null, paths: ['id'] });
    expect(invalid[0].reason).toBe('record #0 (no id) does not match schema incidents: id: expected string, got missing');
  });

  it('names a compound key by its fields', () => {
    const { invalid } = validatePage([incident({ status: null })], schema, 'evolve', compileKey(['id', 'count']));
    expect(invalid[0].reason).toMatch(/^record \[id,count\]=\["INC00042",3\] does not match/);
  });

  it('caps the paths it collects and summarises the rest in the reason', () => {
    const assignees = Array.from({ length: 30 }, () => ({ id: 1, email: 'x' }));
    const { invalid } = validatePage([incident({ assignees })], schema, 'evolve', keyOf);
    expect(invalid[0].paths).toHaveLength(20);
    expect(invalid[0].paths.slice(0, 2)).toEqual(['assignees[0].id', 'assignees[1].id']);
    expect(invalid[0].reason).toMatch(/assignees\[4\]\.id: expected string, got 1; and 25 more$/);
  });

  it('truncates long values in the reason', () => {
    const { invalid } = validatePage([incident({ count: 'x'.repeat(500) })], schema, 'evolve', keyOf);
    expect(invalid[0].reason).toBe(`record id=INC00042 does not match schema incidents: count: expected long, got "${'x'.repeat(39)}…`);
  });

  describe('schema contract', () => {
    const extra = (): Record<string, unknown> => incident({
      severity: 'sev1',
      team: { id: 'T1', name: 'Payments', slack: '#payments' },
      assignees: [{ id: 'U1', email: 'a@x' }, { id: 'U2', email: 'b@x', phone: '555' }],
      labels: { urgent: { colour: 'red', shade: 'dark' } },
    });
    // In the record's own key order.
    const undeclared = ['assignees[1].phone', 'team.slack', 'severity', 'labels.urgent.shade'];
    const clean = (): Record<string, unknown> => ({
      ...incident(),
      assignees: [{ id: 'U1', email: 'a@x' }, { id: 'U2', email: 'b@x' }],
      labels: { urgent: { colour: 'red' } },
    });

    it('evolve: undeclared fields pass and the record is unchanged', () => {
      const record = extra();
      expect(validatePage([record], schema, 'evolve', keyOf)).toEqual({ valid: [record], invalid: [], discarded: [], trimmed: [] });
      expect(validatePage([record], schema, 'evolve', keyOf).valid[0]).toBe(record);
    });

    it('freeze: a record with undeclared fields is invalid and the reason names every one', () => {
      const record = extra();
      const result = validatePage([incident({ id: 'OK' }), record], schema, 'freeze', keyOf);
      expect(result.valid).toEqual([incident({ id: 'OK' })]);
      expect(result.invalid).toEqual([{
        record, key: 'INC00042', paths: undeclared,
        reason: `record id=INC00042 does not match schema incidents (schema_contract freeze): undeclared fields ${undeclared.join(', ')}`,
      }]);
      expect(result.discarded).toEqual([]);
    });

    it('discard_row: the record is set aside in `discarded`, with a reason, never silently', () => {
      const record = extra();
      const result = validatePage([record, incident({ id: 'OK' })], schema, 'discard_row', keyOf);
      expect(result.valid).toEqual([incident({ id: 'OK' })]);
      expect(result.invalid).toEqual([]);
      expect(result.discarded).toEqual([{
        record, key: 'INC00042', paths: undeclared,
        reason: `record id=INC00042 discarded (schema_contract discard_row, schema incidents): undeclared fields ${undeclared.join(', ')}`,
      }]);
    });

    it('discard_value: publishes a copy without the undeclared fields and reports them; the input is untouched', () => {
      const record = extra();
      const result = validatePage([record], schema, 'discard_value', keyOf);
      expect(result.valid).toEqual([clean()]);
      expect(schema.type.isValid(result.valid[0], { noUndeclaredFields: true })).toBe(true);
      expect(result.trimmed).toEqual([{ key: 'INC00042', paths: undeclared }]);
      expect(record).toEqual(extra());
      expect((result.valid[0].assignees as unknown[])[0]).toBe((record.assignees as unknown[])[0]);
    });

    it.each<SchemaContractMode>(['evolve', 'freeze', 'discard_row', 'discard_value'])(
      '%s: a wrong type is invalid whatever else the record carries',
      (mode) => {
        const result = validatePage([incident({ status: 1, severity: 'sev1' })], schema, mode, keyOf);
        expect(result.invalid.map((r) => r.paths)).toEqual([['status']]);
        expect(result).toMatchObject({ valid: [], discarded: [], trimmed: [] });
      },
    );

    it.each<SchemaContractMode>(['freeze', 'discard_row', 'discard_value'])('%s: records without undeclared fields pass as the same objects', (mode) => {
      const record = incident();
      expect(validatePage([record], schema, mode, keyOf).valid[0]).toBe(record);
    });
  });
});
