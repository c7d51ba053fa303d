/**
 * Fetch ceiling (a child process of the benchmark): the same page requests the pipeline makes,
 * with the same client library (node-fetch over a keep-alive agent) and page concurrency, each
 * body read and JSON.parse'd — and nothing else: no selection, validation, encoding or Kafka.
 *
 * node dist/bench/fetch-ceiling.js --url http://127.0.0.1:8080 --api-key K --concurrency 8
 * prints {"records":N,"pages":P,"bodyBytes":B} on stdout.
 */
import http from 'node:http';
import { parseArgs } from 'node:util';
import fetch from 'node-fetch';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    'api-key': { type: 'string' },
    concurrency: { type: 'string', default: '8' },
    limit: { type: 'string', default: '100' },
  },
});
const base = `${values.url}/v1/incidents?api_key=${values['api-key']}`;
const limit = Number(values.limit);
const concurrency = Number(values.concurrency);
// What lib/http/client.ts uses: keep-alive, 16 sockets per origin.
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

let records = 0;
let pages = 0;
let bodyBytes = 0;

async function page(offset: number): Promise<{ total: number }> {
  const res = await fetch(`${base}&offset=${offset}&limit=${limit}`, { agent });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`offset ${offset}: HTTP ${res.status}: ${text.slice(0, 200)}`);
  const body = JSON.parse(text) as { data: unknown[]; total: number };
  records += body.data.length;
  pages += 1;
  bodyBytes += Buffer.byteLength(text);
  return body;
}

async function main(): Promise<void> {
  const { total } = await page(0);
  let next = limit;
  const worker = async () => {
    while (next < total) {
      const offset = next;
      next += limit;
      await page(offset);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  agent.destroy();
  process.stdout.write(`${JSON.stringify({ records, pages, bodyBytes })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`fetch ceiling failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
