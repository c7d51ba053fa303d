/**
 * The produce ceilings' input: the simulator's incidents, keyed and encoded exactly as the
 * pipeline does it (lib's key and JSON value encoders), one `key<TAB>value` line per record.
 * JSON.stringify escapes tabs and newlines inside strings, so a line is always one record.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { compileKey } from '../lib/keying/primary-key';
import { createValueEncoder } from '../lib/sink/encode';

export interface Dataset {
  file: string;
  records: number;
  /** Key + value bytes (without the separators). */
  bytes: number;
}

const PAGE = 100;
const PARALLEL = 8;

/** Pulls every incident from the simulator (not timed) and writes the dataset file. */
export async function writeDataset(simUrl: string, apiKey: string, records: number, file: string): Promise<Dataset> {
  const keyOf = compileKey(['id']);
  const encoder = createValueEncoder('json');
  const out = createWriteStream(file);
  let bytes = 0;
  let written = 0;
  for (let offset = 0; offset < records; offset += PAGE * PARALLEL) {
    const offsets = Array.from({ length: PARALLEL }, (_, i) => offset + i * PAGE).filter((o) => o < records);
    const pages = await Promise.all(offsets.map((o) => page(simUrl, apiKey, o)));
    const lines: string[] = [];
    for (const recs of pages) {
      const values = encoder.encodePage(recs);
      recs.forEach((r, i) => {
        const key = keyOf(r)!;
        const value = values[i].toString('utf8');
        bytes += Buffer.byteLength(key) + values[i].length;
        lines.push(`${key}\t${value}\n`);
      });
      written += recs.length;
    }
    if (!out.write(lines.join(''))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  if (written !== records) throw new Error(`dataset: the simulator served ${written} incidents, expected ${records}`);
  return { file, records, bytes };
}

async function page(simUrl: string, apiKey: string, offset: number): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${simUrl}/v1/incidents?api_key=${apiKey}&offset=${offset}&limit=${PAGE}`);
  if (res.status !== 200) throw new Error(`dataset: offset ${offset} answered ${res.status}`);
  return ((await res.json()) as { data: Record<string, unknown>[] }).data;
}
