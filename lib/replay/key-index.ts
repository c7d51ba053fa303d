/**
 * The first pass of a replay: which record is each key's latest. It holds one entry per key
 * (the key's text and an offset), never a value, so its memory grows with the number of keys,
 * not with records × value size.
 */
import type { KafkaMessage } from 'kafkajs';

/** The records a value pass must emit, per partition: ascending offsets. */
export type Winners = Map<number, Float64Array>;

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
 * await readTopicBatches(kafka, topic, (p, messages) => index.add(p, messages));
 * const { winners, liveKeys } = index.finish(false);
 */
export class KeyIndex {
  /** key → offset, or `-offset - 1` when the record is a tombstone (offsets are ≥ 0). */
  private readonly latest = new Map<number, Map<string, number>>();
  private records = 0;
  private unkeyed = 0;

  add(partition: number, messages: readonly KafkaMessage[]): void {
    let keys = this.latest.get(partition);
    if (!keys) this.latest.set(partition, (keys = new Map()));
    this.records += messages.length;
    for (const m of messages) {
      if (!m.key) {
        this.unkeyed++;
        continue;
      }
      const offset = Number(m.offset);
      keys.set(m.key.toString('utf8'), m.value === null ? -offset - 1 : offset);
    }
  }

  /** The index as offsets to emit; the key map is released. */
  finish(includeTombstones: boolean): KeyIndexResult {
    let liveKeys = 0;
    let tombstonedKeys = 0;
    const winners: Winners = new Map();
    for (const [partition, keys] of this.latest) {
      const offsets = new Float64Array(keys.size);
      let n = 0;
      for (const encoded of keys.values()) {
        if (encoded >= 0) liveKeys++;
        else tombstonedKeys++;
        if (encoded >= 0) offsets[n++] = encoded;
        else if (includeTombstones) offsets[n++] = -encoded - 1;
      }
      keys.clear();
      winners.set(partition, offsets.subarray(0, n).sort());
    }
    this.latest.clear();
    return { records: this.records, unkeyed: this.unkeyed, liveKeys, tombstonedKeys, winners };
  }
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
