/** What every scenario gets: the broker, one simulator at a time, the dataset, a scratch dir. */
import path from 'node:path';
import type { Admin } from 'kafkajs';
import { writeDataset, type Dataset } from './dataset';
import { sameSettings, startSimProcess, type RunningSim, type SimSettings } from './simulator';

export interface BenchContext {
  brokers: string[];
  admin: Admin;
  /** Scratch directory of this run (configs, dataset, time reports). */
  tmp: string;
  /** Prefix of every topic and pipeline name of this run: `bench-<time>`. */
  tag: string;
  /** Multiplies every scenario's record count (`--scale`). */
  scale: number;
  /** `--profile`: directory for `node --cpu-prof` of the 0 ms pipeline. */
  profileDir: string | null;
  /** The simulator with these settings (the running one is replaced if it differs). */
  sim(settings: SimSettings): Promise<RunningSim>;
  /** The pre-encoded dataset of the first `records` incidents (made once per count). */
  dataset(records: number): Promise<Dataset>;
  log(line: string): void;
  /** Key + value bytes per record, as last measured in this run (for MB/s of dry runs). */
  bytesPerRecord: number | null;
}

export function createContext(base: Omit<BenchContext, 'sim' | 'dataset' | 'bytesPerRecord'>, simPort: () => Promise<number>): BenchContext & { close(): Promise<void> } {
  let current: RunningSim | null = null;
  const datasets = new Map<number, Promise<Dataset>>();
  const sim = async (settings: SimSettings): Promise<RunningSim> => {
    if (current && sameSettings(current.settings, settings)) return current;
    await current?.stop();
    current = null;
    base.log(`simulator: ${settings.incidents} incidents, latency ${settings.latencyMs} ms${settings.rateLimitPerMinute ? `, ${settings.rateLimitPerMinute} requests/minute` : ''}`);
    current = await startSimProcess(settings, await simPort());
    return current;
  };
  const dataset = (records: number): Promise<Dataset> => {
    let made = datasets.get(records);
    if (!made) {
      made = (async () => {
        const s = await sim({ incidents: records, latencyMs: 0, rateLimitPerMinute: null });
        base.log(`dataset: writing ${records} pre-encoded records (not timed)`);
        return writeDataset(s.url, s.apiKey, records, path.join(base.tmp, `dataset-${records}.tsv`));
      })();
      datasets.set(records, made);
    }
    return made;
  };
  return {
    ...base,
    bytesPerRecord: null,
    sim,
    dataset,
    close: async () => {
      await current?.stop();
      current = null;
    },
  };
}
