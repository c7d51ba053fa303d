import type { IncrementalConfig } from '../../../lib/config/types';
import { ConfigError } from '../../../lib/errors';
import { startValue } from '../../../lib/incremental/start-value';
import type { IncrementalState } from '../../../lib/incremental/types';

const state = (last_value: IncrementalState['last_value'], initial_value: IncrementalState['initial_value'] = null): IncrementalState => ({
  initial_value,
  last_value,
  unique_hashes: [],
});

describe('startValue', () => {
  it.each<[string, IncrementalConfig, IncrementalState | null, unknown]>([
    ['no state → initial_value', { cursor_path: 'id', initial_value: 10 }, null, 10],
    ['no state, no initial → null', { cursor_path: 'id' }, null, null],
    ['state → stored last_value', { cursor_path: 'id', initial_value: 10 }, state(40, 10), 40],
    ['changed initial_value ignored once state exists', { cursor_path: 'id', initial_value: 99 }, state(40, 10), 40],
    ['numeric lag (max)', { cursor_path: 'id', initial_value: 10, lag: 5 }, state(40), 35],
    ['numeric lag (min) moves up', { cursor_path: 'id', initial_value: 100, lag: 5, last_value_func: 'min' }, state(40), 45],
    ['lag never crosses initial_value (max)', { cursor_path: 'id', initial_value: 38, lag: 5 }, state(40), 38],
    ['lag never crosses initial_value (min)', { cursor_path: 'id', initial_value: 42, lag: 5, last_value_func: 'min' }, state(40), 42],
    ['datetime lag in seconds', { cursor_path: 't', initial_value: '2024-01-01T00:00:00Z', lag: 86400 }, state('2024-03-01T00:00:00Z'), '2024-02-29T00:00:00Z'],
    ['date lag in days', { cursor_path: 't', initial_value: '2024-01-01', lag: 3 }, state('2024-03-01'), '2024-02-27'],
    ['lag on first run stays at initial', { cursor_path: 't', initial_value: '2024-01-01', lag: 3 }, null, '2024-01-01'],
    ['lag 0 is no lag', { cursor_path: 'id', initial_value: 1, lag: 0 }, state(40), 40],
    ['end_value → initial_value, state ignored', { cursor_path: 'id', initial_value: 10, end_value: 20 }, state(40), 10],
    ['end_value → no lag', { cursor_path: 'id', initial_value: 10, end_value: 20, lag: 5 }, state(40), 10],
  ])('%s', (_name, config, stored, expected) => {
    expect(startValue(config, stored)).toEqual(expected);
  });

  it.each<[string, IncrementalConfig, RegExp]>([
    ['end_value without initial_value', { cursor_path: 'id', end_value: 5 }, /requires incremental.initial_value/],
    ['end below initial for max', { cursor_path: 'id', initial_value: 10, end_value: 5 }, /below initial_value/],
    ['end above initial for min', { cursor_path: 'id', initial_value: 10, end_value: 15, last_value_func: 'min' }, /above initial_value/],
    ['end and initial of different types', { cursor_path: 'id', initial_value: 10, end_value: '15' }, /cannot be compared/],
  ])('rejects %s', (_name, config, message) => {
    expect(() => startValue(config, null)).toThrow(ConfigError);
    expect(() => startValue(config, null)).toThrow(message);
  });
});
