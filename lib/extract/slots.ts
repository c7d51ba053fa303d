/**
 * A counting semaphore: the sink's back-pressure on extraction. Pages are fetched only while
 * fewer than `capacity` pages are fetched-but-not-yet-published, so memory stays bounded
 * whatever the data size and however fast the API is.
 */
export interface Slots {
  acquire(): Promise<void>;
  release(): void;
  readonly inUse: number;
}

/** @example const slots = createSlots(8); await slots.acquire(); try { ... } finally { slots.release(); } */
export function createSlots(capacity: number): Slots {
  let inUse = 0;
  const waiters: (() => void)[] = [];
  return {
    acquire() {
      if (inUse < capacity) {
        inUse += 1;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
    release() {
      const next = waiters.shift();
      // Hand the slot straight to a waiter: inUse stays the same.
      if (next) next();
      else inUse = Math.max(0, inUse - 1);
    },
    get inUse() {
      return inUse;
    },
  };
}
