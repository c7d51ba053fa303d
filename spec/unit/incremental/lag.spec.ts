import { ConfigError } from '../../../lib/errors';
import { applyLag, shiftIsoString } from '../../../lib/incremental/lag';

describe('applyLag', () => {
  it.each<[string | number, number, -1 | 1, string | number]>([
    [100, 10, -1, 90],
    [100, 10, 1, 110],
    [1.5, 0.5, -1, 1],
    // datetimes: seconds, format kept
    ['2024-03-01T00:00:00Z', 3600, -1, '2024-02-29T23:00:00Z'],
    ['2024-03-01T00:00:00+02:00', 90, -1, '2024-02-29T23:58:30+02:00'],
    ['2024-03-01T00:00:00.123456Z', 1, -1, '2024-02-29T23:59:59.123456Z'],
    ['2024-03-01T00:00:00.5Z', 0.75, -1, '2024-02-29T23:59:59.7Z'],
    ['2024-03-01 12:00:00', 60, 1, '2024-03-01 12:01:00'],
    ['2024-03-01T12:00', 3600, -1, '2024-03-01T11:00'],
    ['20240301T120000Z', 3600, -1, '20240301T110000Z'],
    ['2023-12-31T23:59:59Z', 1, 1, '2024-01-01T00:00:00Z'],
    // date-only: days
    ['2024-03-01', 1, -1, '2024-02-29'],
    ['20240301', 2, -1, '20240228'],
    ['2024-12-31', 1, 1, '2025-01-01'],
  ])('%p lag %p direction %p → %p', (value, lag, direction, expected) => {
    expect(applyLag(value, lag, direction)).toEqual(expected);
  });

  it.each<unknown>(['not a date', '2024-02-30', true, null, { a: 1 }])('rejects %p', (value) => {
    expect(() => applyLag(value as never, 1, -1)).toThrow(ConfigError);
  });

  it('returns null for a non-ISO string', () => {
    expect(shiftIsoString('yesterday', 1, -1)).toBeNull();
  });
});
