/** Small helpers over ascending arrays of distinct integers (record indexes). */

/** How many elements of `sorted` are < `value`. */
export function countBelow(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function includesSorted(sorted: readonly number[], value: number): boolean {
  const i = countBelow(sorted, value);
  return i < sorted.length && sorted[i] === value;
}

/** The elements in [lo, hi). */
export function rangeOf(sorted: readonly number[], lo: number, hi: number): number[] {
  return sorted.slice(countBelow(sorted, lo), countBelow(sorted, hi));
}

/** The ascending union of two ascending arrays of distinct integers. */
export function unionSorted(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = i < a.length ? (a[i] as number) : Infinity;
    const y = j < b.length ? (b[j] as number) : Infinity;
    if (x <= y) {
      out.push(x);
      i++;
      if (x === y) j++;
    } else {
      out.push(y);
      j++;
    }
  }
  return out;
}
