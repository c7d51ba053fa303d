/**
 * The README's "Incremental loading" walk-through, run as written: its bash block is read from
 * README.md, each `npx rest2kafka …` line runs the built CLI on examples/pipeline.ts, each `curl`
 * line goes to a fresh simulator, and the counts its comments promise are checked. So the
 * README cannot drift from what the example config does (issue 13). The simulator and the broker
 * are the tests' own: BASE_URL and KAFKA_BROKERS point there, and PIPELINE_NAME gives the
 * example its own state and topics on a shared broker.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startSimulator, type SimulatorHandle } from '../../../lib/simulator';
import { readAllFromStart, testBrokers, uniqueTopic } from '../../support/kafka';
import { parseSummary, REPO_ROOT, runIdOf } from '../../support/pipeline';
import { runCliProcess } from '../extraction/cli';

/** The lines of the first bash block after the README's "## Incremental loading" heading. */
function walkThrough(): string[] {
  const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Incremental loading\n'));
  const block = /```bash\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README.md: no bash block in "Incremental loading"');
  return block[1].split('\n').filter((line) => line.trim() !== '');
}

/** `words 'quoted words' …  # comment` → the words, quotes removed, and the comment. */
function parseLine(line: string): { words: string[]; comment: string } {
  const hash = line.search(/\s#\s/);
  const command = hash < 0 ? line : line.slice(0, hash);
  const words = [...command.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]);
  return { words, comment: hash < 0 ? '' : line.slice(hash).replace(/^\s#\s/, '') };
}

const LINES = walkThrough();
const apiKey = /--api-key (\S+)/.exec(LINES.join('\n'))?.[1];

let sim: SimulatorHandle;
const env = (): NodeJS.ProcessEnv => ({ API_KEY: apiKey, BASE_URL: sim.url, KAFKA_BROKERS: testBrokers().join(','), PIPELINE_NAME: pipelineName });
const pipelineName = uniqueTopic('r2k-it-walkthrough');

beforeAll(async () => {
  // A fresh simulator with the CLI's defaults, as `npx rest2kafka simulator` starts one.
  sim = await startSimulator({ port: 0, apiKey });
});
afterAll(() => sim?.close());

it('the walk-through starts a simulator, runs the example config and names its API key', () => {
  expect(apiKey).toBe('demo-key');
  expect(LINES.filter((l) => l.startsWith('npx rest2kafka run --config examples/pipeline.ts')).length).toBeGreaterThanOrEqual(2);
});

it('every step does what its comment says: the second run fetches only the records just updated, deletes need --full-refresh', async () => {
  let updated: string[] = [];
  let afterUpdate = false;
  for (const line of LINES) {
    const { words, comment } = parseLine(line);
    if (words[0] === 'export' || words.slice(0, 3).join(' ') === 'npx rest2kafka simulator') continue;
    if (words[0] === 'curl') {
      const url = new URL(words[words.indexOf('-X') + 2]);
      const body = words[words.indexOf('-d') + 1];
      const response = await fetch(`${sim.url}${url.pathname}`, { method: words[words.indexOf('-X') + 1], headers: { 'content-type': 'application/json' }, body });
      expect(response.status).toBe(200);
      const result = (await response.json()) as { ids: string[] };
      if (url.pathname === '/_sim/update') {
        updated = result.ids;
        afterUpdate = true;
      }
      expect(result.ids).toHaveLength((JSON.parse(body) as { count: number }).count);
      continue;
    }
    expect(words.slice(0, 2)).toEqual(['npx', 'rest2kafka']);
    const result = await runCliProcess(words.slice(2), env());
    expect({ line, code: result.code, stderr: result.code === 0 ? '' : result.stderr }).toEqual({ line, code: 0, stderr: '' });
    if (words[2] === 'replay') {
      const live = /"live_keys":\d+/.exec(comment)![0];
      expect(result.stdout).toContain(live);
      continue;
    }
    const incidents = parseSummary(result.stderr).get('incidents')!;
    expect({ line, records: incidents.records }).toEqual({ line, records: Number(/(\d+) records/.exec(comment)![1]) });
    const tombstones = /(\d+) tombstones/.exec(comment);
    if (tombstones) expect(incidents.tombstones).toBe(Number(tombstones[1]));
    if (afterUpdate) {
      // The run right after the update published exactly the updated incidents.
      const runId = runIdOf(result.stderr);
      const published = (await readAllFromStart(`${pipelineName}.incidents`)).filter((r) => r.headers['r2k-run-id'] === runId);
      expect(published.map((r) => r.key).sort()).toEqual([...updated].sort());
      afterUpdate = false;
    }
  }
});
