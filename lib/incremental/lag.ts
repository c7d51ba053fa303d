/**
 * dlt's `lag` (§8.3): move a start value back (for `max`; forward for `min`) so a run re-reads a
 * window of recent records. Numbers move by `lag` units, ISO datetime strings by `lag` seconds
 * and date-only strings by `lag` days, each string keeping its exact format.
 */
import type { JsonValue } from '../config/types';
import { ConfigError } from '../errors';

/**
 * `value` shifted by `lag` towards older records: `direction` -1 for `max`, +1 for `min`.
 *
 * @example
 * applyLag('2024-03-01T00:00:00Z', 3600, -1); // '2024-02-29T23:00:00Z'
 * applyLag('20240301', 2, -1); // '20240228'
 * applyLag(100, 10, -1); // 90
 */
export function applyLag(value: JsonValue, lag: number, direction: -1 | 1): JsonValue {
  if (typeof value === 'number') return value + direction * lag;
  if (typeof value === 'string') {
    const shifted = shiftIsoString(value, lag, direction);
    if (shifted !== null) return shifted;
  }
  throw new ConfigError(
    `incremental.lag applies to numbers and ISO 8601 date/datetime strings; cannot shift ${JSON.stringify(value)}`,
    { context: { path: 'incremental.lag' } },
  );
}

// date (YYYY-MM-DD or YYYYMMDD), then optionally T/space + HH[:MM[:SS[.fff]]] and a zone.
const ISO =
  /^(\d{4})(-?)(\d{2})\2(\d{2})(?:([T ])(\d{2})(?:(:?)(\d{2})(?:\7(\d{2})(?:[.,](\d+))?)?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;

const NS_PER_MS = 1_000_000n;

/** The shifted string, or `null` when `value` is not an ISO 8601 date or datetime. */
export function shiftIsoString(value: string, lag: number, direction: -1 | 1): string | null {
  const m = ISO.exec(value);
  if (!m) return null;
  const [, year, dateSep, month, day, timeSep, hour, timeColon, minute, second, fraction, zone] = m;
  const base = new Date(0);
  base.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  base.setUTCHours(Number(hour ?? 0), Number(minute ?? 0), Number(second ?? 0), 0);
  if (
    base.getUTCFullYear() !== Number(year) ||
    base.getUTCMonth() !== Number(month) - 1 ||
    base.getUTCDate() !== Number(day)
  ) {
    return null;
  }

  if (timeSep === undefined) {
    const shifted = new Date(base.getTime() + direction * lag * 86_400_000);
    return `${pad(shifted.getUTCFullYear(), 4)}${dateSep}${pad(shifted.getUTCMonth() + 1, 2)}${dateSep}${pad(shifted.getUTCDate(), 2)}`;
  }

  // Nanosecond arithmetic in BigInt keeps microsecond/nanosecond fractions exact. The wall-clock
  // time is shifted in its own offset, which a fixed offset makes equal to shifting the instant.
  const fractionNs = BigInt((fraction ?? '').slice(0, 9).padEnd(9, '0'));
  const total =
    BigInt(base.getTime()) * NS_PER_MS + fractionNs + BigInt(direction) * BigInt(Math.round(lag * 1e9));
  const ms = floorDiv(total, NS_PER_MS);
  const remainderNs = total - ms * NS_PER_MS;
  const d = new Date(Number(ms));
  const subMs = String(d.getUTCMilliseconds() * 1_000_000 + Number(remainderNs)).padStart(9, '0');
  let out = `${pad(d.getUTCFullYear(), 4)}${dateSep}${pad(d.getUTCMonth() + 1, 2)}${dateSep}${pad(d.getUTCDate(), 2)}`;
  out += `${timeSep}${pad(d.getUTCHours(), 2)}`;
  if (minute !== undefined) out += `${timeColon}${pad(d.getUTCMinutes(), 2)}`;
  if (second !== undefined) out += `${timeColon}${pad(d.getUTCSeconds(), 2)}`;
  if (fraction !== undefined) {
    const sep = value.charAt(value.length - (zone ?? '').length - fraction.length - 1);
    out += `${sep}${subMs.slice(0, fraction.length).padEnd(fraction.length, '0')}`;
  }
  return out + (zone ?? '');
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}
