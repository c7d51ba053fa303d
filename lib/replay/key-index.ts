/**
 * The first pass of a replay: which record is each key's latest. It holds one entry per key
 * (the key's bytes and an offset), never a value, so its memory grows with the number of keys,
 * not with records × value size. Entries live in typed arrays and one byte arena, not in a Map
 * of strings: 1M keys take ~40 MB that the garbage collector never has to walk, where the Map
 * held ~190 MB of heap after the pass and needed a forced GC to give it back.
 */

/** The records a value pass must emit, per partition: ascending offsets. */
export type Winners = Map<number, Float64Array>;

/** What the index reads of a record: its offset, its key's bytes (length -1: no key), and whether it is a tombstone. */
export interface KeyedRecord {
  offset: number;
  buffer: Buffer;
  keyAt: number;
  keyLength: number;
  /** -1: a tombstone. */
  valueLength: number;
}

export interface KeyIndexResult {
  /** Records read (keyed or not). */
  records: number;
  /** Records without a key: they cannot take part in a key's state and are not replayed. */
  unkeyed: number;
  /** Keys whose latest record has a value. */
  liveKeys: number;
  /** Keys whose latest record is a tombstone. */
  tombstonedKeys: number;
  /**
   * The offsets of the latest record of each live key, and of each tombstoned key too when
   * {@link KeyIndex.finish} was asked for them (a refresh must delete those keys downstream).
   */
  winners: Winners;
}

/**
 * Latest offset per key, per partition: Kafka's default partitioner keeps a key on one
 * partition, and offsets are only ordered within one.
 *
 * @example
 * const index = new KeyIndex();
 * await scanTopic(kafka, topic, { record: (p, record) => index.add(p, record) }, { ranges });
 * const { winners, liveKeys } = index.finish(false);
 */
export class KeyIndex {
  private readonly tables = new Map<number, KeyTable>();
  private records = 0;
  private unkeyed = 0;

  /** `expected`: records per partition (its offset range), to size each table once instead of growing it. */
  constructor(private readonly expected: ReadonlyMap<number, number> = new Map()) {}

  add(partition: number, record: KeyedRecord): void {
    this.records++;
    if (record.keyLength < 0) {
      this.unkeyed++;
      return;
    }
    let table = this.tables.get(partition);
    if (!table) this.tables.set(partition, (table = new KeyTable(this.expected.get(partition) ?? 0)));
    table.set(record.buffer, record.keyAt, record.keyLength, record.valueLength < 0 ? -record.offset - 1 : record.offset);
  }

  /** The index as offsets to emit; the tables are released. */
  finish(includeTombstones: boolean): KeyIndexResult {
    let liveKeys = 0;
    let tombstonedKeys = 0;
    const winners: Winners = new Map();
    for (const [partition, table] of this.tables) {
      const offsets = new Float64Array(table.size);
      let n = 0;
      for (const encoded of table.latest()) {
        if (encoded >= 0) liveKeys++;
        else tombstonedKeys++;
        if (encoded >= 0) offsets[n++] = encoded;
        else if (includeTombstones) offsets[n++] = -encoded - 1;
      }
      winners.set(partition, ascending(offsets.subarray(0, n)));
    }
    this.tables.clear();
    return { records: this.records, unkeyed: this.unkeyed, liveKeys, tombstonedKeys, winners };
  }
}

/**
 * `offsets` sorted. The table lists keys in the order they were first seen, so a topic whose
 * keys were each written once (or last updated in their first order) is already sorted; checking
 * first saves sorting 1M offsets (~60 ms).
 */
function ascending(offsets: Float64Array): Float64Array {
  for (let i = 1; i < offsets.length; i++) if (offsets[i] < offsets[i - 1]) return offsets.sort();
  return offsets;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const EMPTY = 0;

/**
 * An open-addressing hash table from key bytes to a number (the offset; `-offset - 1` for a
 * tombstone). Keys are compared byte for byte, so a hash collision never merges two keys.
 * Key i's bytes are `arena[keyAt[i] .. keyAt[i + 1])`: entries are appended, never removed.
 */
class KeyTable {
  size = 0;
  /** Entry index + 1 per slot, {@link EMPTY} when free; at most half full, so probes stay short. */
  private slots: Int32Array;
  private hashes: Int32Array;
  private values: Float64Array;
  private keyAt: Uint32Array;
  private arena: Buffer;

  /**
   * Sized for `expected` keys, up to 1M: each doubling leaves the old arrays as garbage, and
   * that memory stayed in the process's peak (1M keys: ~10 MB). A partition of many updates
   * per key would be oversized by its record count, hence the cap.
   */
  constructor(expected: number) {
    let capacity = 1 << 11;
    while (capacity < Math.min(expected, 1 << 20)) capacity *= 2;
    this.slots = new Int32Array(capacity * 2);
    this.hashes = new Int32Array(capacity);
    this.values = new Float64Array(capacity);
    this.keyAt = new Uint32Array(capacity + 1);
    this.arena = Buffer.allocUnsafe(capacity * 16);
  }

  set(buffer: Buffer, at: number, length: number, value: number): void {
    let hash = FNV_OFFSET | 0;
    for (let i = at; i < at + length; i++) hash = Math.imul(hash ^ buffer[i], FNV_PRIME);
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot] - 1;
      if (entry < 0) {
        this.insert(slot, hash, buffer, at, length, value);
        return;
      }
      if (this.hashes[entry] === hash && this.equals(entry, buffer, at, length)) {
        this.values[entry] = value;
        return;
      }
    }
  }

  /** Each key's value, in insertion order. */
  latest(): Float64Array {
    return this.values.subarray(0, this.size);
  }

  private equals(entry: number, buffer: Buffer, at: number, length: number): boolean {
    const start = this.keyAt[entry];
    if (this.keyAt[entry + 1] - start !== length) return false;
    for (let i = 0; i < length; i++) if (this.arena[start + i] !== buffer[at + i]) return false;
    return true;
  }

  private insert(slot: number, hash: number, buffer: Buffer, at: number, length: number, value: number): void {
    const entry = this.size++;
    if (this.size > this.values.length) this.growEntries();
    const start = this.keyAt[entry];
    if (start + length > this.arena.length) this.growArena(start + length);
    // Keys are short: a loop beats buffer.copy's call into C++ for each one.
    for (let i = 0; i < length; i++) this.arena[start + i] = buffer[at + i];
    this.keyAt[entry + 1] = start + length;
    this.hashes[entry] = hash;
    this.values[entry] = value;
    this.slots[slot] = entry + 1;
    if (this.size * 2 > this.slots.length) this.rehash();
  }

  private growEntries(): void {
    const capacity = this.values.length * 2;
    this.hashes = grown(this.hashes, new Int32Array(capacity));
    this.values = grown(this.values, new Float64Array(capacity));
    this.keyAt = grown(this.keyAt, new Uint32Array(capacity + 1));
  }

  private growArena(needed: number): void {
    // keyAt holds 32-bit positions: 4 GiB of key bytes, far past the memory a replay may take.
    if (needed > 0xffffffff) throw new RangeError('replay: more than 4 GiB of distinct keys in one partition');
    const arena = Buffer.allocUnsafe(Math.min(0xffffffff, Math.max(needed, this.arena.length * 2)));
    this.arena.copy(arena, 0, 0, this.keyAt[this.size - 1]);
    this.arena = arena;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let entry = 0; entry < this.size; entry++) {
      let slot = this.hashes[entry] & mask;
      while (slots[slot] !== EMPTY) slot = (slot + 1) & mask;
      slots[slot] = entry + 1;
    }
    this.slots = slots;
  }
}

function grown<T extends Int32Array | Float64Array | Uint32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/**
 * The second pass's filter for one partition: messages arrive in offset order, so a cursor
 * over the ascending winners decides each one without any key lookup.
 */
export class WinnerCursor {
  private at = 0;
  /** Winners passed over without their record arriving (compacted away between the passes). */
  skipped = 0;

  constructor(private readonly offsets: Float64Array) {}

  /** Whether the message at `offset` is its key's latest record. */
  isWinner(offset: number): boolean {
    const { offsets } = this;
    while (this.at < offsets.length && offsets[this.at] < offset) {
      this.at++;
      this.skipped++;
    }
    if (this.at < offsets.length && offsets[this.at] === offset) {
      this.at++;
      return true;
    }
    return false;
  }

  /** Winners never reached, once the partition has been read to its end. */
  get missing(): number {
    return this.skipped + this.offsets.length - this.at;
  }
}
