/**
 * Seeded randomness as pure functions of (seed, index, salt), so record i or the fault on
 * request #k can be computed on its own, in any order, and always comes out the same.
 */

/** A 32-bit avalanche mix (the murmur3 finaliser constants): nearby inputs give unrelated outputs. */
function mix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A 32-bit hash of three integers; `index` may exceed 2^32 (it is split into two words). */
function hash3(seed: number, index: number, salt: number): number {
  const high = Math.floor(index / 0x100000000);
  let h = mix32(seed ^ 0x9e3779b9);
  h = mix32(h ^ (index >>> 0));
  h = mix32(h ^ high ^ Math.imul(salt, 0x27d4eb2f));
  return h;
}

/** A draw-sequence for one (seed, index, salt): each call returns the next float in [0, 1). */
export type Rng = () => number;

/** A generator for one (seed, index, salt), seeded from {@link hash3}. */
export function rngFor(seed: number, index: number, salt: number): Rng {
  return mulberry32(hash3(seed, index, salt));
}

/**
 * mulberry32: a small, fast 32-bit generator; the same seed gives the same sequence, so a fuzz
 * run or a fault schedule replays from its seed.
 *
 * @example
 * const random = mulberry32(42); random(); // 0.6011037519201636, every time
 */
export function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x100000000;
  };
}

/** One element of `items`, chosen by `rng`. */
export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)] as T;
}

/** `true` with probability `p`. */
export function chance(rng: Rng, p: number): boolean {
  return rng() < p;
}
