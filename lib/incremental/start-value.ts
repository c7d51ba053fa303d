/**
 * The start value of an incremental run (dlt §8.3): stored `last_value`, else `initial_value`,
 * moved back by `lag` but never past `initial_value`; `end_value` makes the run stateless.
 */
import type { IncrementalConfig, JsonValue } from '../config/types';
import { ConfigError } from '../errors';
import { compareCursor, describeCursor } from './compare';
import { applyLag } from './lag';
import type { IncrementalState } from './types';

/** +1 when larger cursors are newer (`max`, the default), -1 for `min`. */
export function directionOf(config: Pick<IncrementalConfig, 'last_value_func'>): 1 | -1 {
  return config.last_value_func === 'min' ? -1 : 1;
}

/** dlt treats a falsy lag (unset, null, 0) as no lag. */
export function hasLag(config: Pick<IncrementalConfig, 'lag'>): config is { lag: number } {
  return typeof config.lag === 'number' && config.lag !== 0;
}

/** With `end_value` the run is a bounded backfill: state is neither read nor written. */
export function isStateless(config: Pick<IncrementalConfig, 'end_value'>): boolean {
  return config.end_value !== undefined && config.end_value !== null;
}

/**
 * The value the first request receives as `{incremental.start_value}` / `start_param`, and the
 * lower bound of the record filter.
 *
 * @example
 * startValue({ cursor_path: 'id', initial_value: 10, lag: 5 }, { initial_value: 10, last_value: 40, unique_hashes: [] }); // 35
 */
export function startValue(config: IncrementalConfig, state: IncrementalState | null): JsonValue {
  const initial = config.initial_value ?? null;
  const direction = directionOf(config);
  if (isStateless(config)) {
    checkEndValue(config, initial, direction);
    return initial;
  }
  const base = state ? state.last_value : initial;
  if (!hasLag(config) || base === null) return base;
  const lagged = applyLag(base, config.lag, direction === 1 ? -1 : 1);
  if (initial === null) return lagged;
  const c = compareCursor(lagged, initial);
  if (c === null) {
    throw new ConfigError(
      `incremental: cannot compare lagged start ${describeCursor(lagged)} with initial_value ${describeCursor(initial)}`,
      { context: { path: 'incremental.initial_value' } },
    );
  }
  return c * direction < 0 ? initial : lagged;
}

function checkEndValue(config: IncrementalConfig, initial: JsonValue, direction: 1 | -1): void {
  if (initial === null) {
    throw new ConfigError('incremental.end_value requires incremental.initial_value', {
      context: { path: 'incremental.end_value' },
    });
  }
  const c = compareCursor(config.end_value ?? null, initial);
  if (c === null) {
    throw new ConfigError(
      `incremental: end_value ${describeCursor(config.end_value)} cannot be compared with initial_value ${describeCursor(initial)}`,
      { context: { path: 'incremental.end_value' } },
    );
  }
  if (c * direction < 0) {
    throw new ConfigError(
      `incremental: end_value ${describeCursor(config.end_value)} is ${direction === 1 ? 'below' : 'above'} initial_value ${describeCursor(initial)} for last_value_func "${config.last_value_func ?? 'max'}"`,
      { context: { path: 'incremental.end_value' } },
    );
  }
}
