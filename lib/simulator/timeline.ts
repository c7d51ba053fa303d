/**
 * Base-data timestamps: record i of n is created at a fixed point of its resource's window and
 * last updated a fixed lag after the last record of its tie group was created. Both are
 * non-decreasing in i, so the base data is already in `created_at` and `updated_at` order and
 * `updated_since` is a binary search, whatever n is.
 */

/** Where a resource's base records live in time, in epoch seconds. */
export interface Timeline {
  start: number;
  /** The window the n creation times are spread over. */
  window: number;
  /** `updated_at` − `created_at` of a tie group's last record. */
  lag: number;
}

const DAY = 86_400;

export const INCIDENT_TIMELINE: Timeline = { start: Date.UTC(2024, 0, 1) / 1000, window: 366 * DAY, lag: 6 * 3600 };
export const SERVICE_TIMELINE: Timeline = { start: Date.UTC(2022, 0, 1) / 1000, window: 730 * DAY, lag: 30 * DAY };

/**
 * The simulator clock's first tick. Later than every base timestamp of both timelines
 * (2025-01-01T06:00:00Z at most), so a mutated record always sorts after untouched ones.
 */
export const CLOCK_START = Date.UTC(2025, 0, 2) / 1000;

const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const dayPrefixes = new Map<number, string>();

/**
 * Epoch seconds (whole) → `2024-01-01T00:00:00Z`, like most incident APIs. Three timestamps per
 * record make this the hottest function of a page; `Date#toISOString` was the profile's top
 * entry, so only the date part goes through it, once per day.
 */
export function isoSeconds(epochSeconds: number): string {
  const day = Math.floor(epochSeconds / DAY);
  let prefix = dayPrefixes.get(day);
  if (prefix === undefined) {
    if (dayPrefixes.size >= 4096) dayPrefixes.clear();
    prefix = new Date(day * DAY * 1000).toISOString().slice(0, 11);
    dayPrefixes.set(day, prefix);
  }
  const rest = epochSeconds - day * DAY;
  const h = Math.floor(rest / 3600);
  const m = Math.floor((rest % 3600) / 60);
  return `${prefix}${TWO_DIGITS[h]}:${TWO_DIGITS[m]}:${TWO_DIGITS[Math.floor(rest % 60)]}Z`;
}

/** `created_at` of base record `index` of `count`, in epoch seconds. */
export function baseCreatedAt(timeline: Timeline, count: number, index: number): number {
  return timeline.start + Math.floor((index * timeline.window) / count);
}

/**
 * `updated_at` of base record `index`: every record of a group of `ties` consecutive records
 * shares it, so with e.g. `ties = 7` and pages of 100 a group straddles some page edges.
 */
export function baseUpdatedAt(timeline: Timeline, count: number, ties: number, index: number): number {
  const groupLast = Math.min(Math.floor(index / ties) * ties + ties - 1, count - 1);
  return baseCreatedAt(timeline, count, groupLast) + timeline.lag;
}

/** The first base index whose `updated_at` is ≥ `since` (epoch seconds), or `count` if none. */
export function firstBaseIndexUpdatedSince(timeline: Timeline, count: number, ties: number, since: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (baseUpdatedAt(timeline, count, ties, mid) >= since) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
