/**
 * `npm run bench`: throughput and memory of rest2kafka against the ceilings of its parts, in one
 * run on one machine. See bench/README.md.
 *
 *   npm run bench                                  every scenario at full size
 *   npm run bench -- --only pipeline-0ms,fetch-0ms a subset
 *   npm run bench -- --scale 0.1                   every count × 0.1 (a quick run)
 *   npm run bench -- --profile                     also --cpu-prof the 0 ms and 50 ms pipelines (to /tmp/prof)
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createContext } from './context';
import { benchBroker, benchKafka, deleteTopics, REPO_ROOT } from './kafka';
import { freePort, loadAverage, settle } from './processes';
import { analyse, formatAnalysis, formatTable } from './report';
import { SkippedError, type ScenarioResult } from './scenario';
import { SCENARIOS, scaled, WARM_UP } from './scenarios';

const USAGE = `Usage: npm run bench -- [--only ID,ID...] [--scale X] [--repeat N] [--profile [--profile-dir DIR]] [--list]
  --repeat N   run the scenarios N times, round after round; the table and targets use each
               scenario's median run (its worst for peak RSS), and ratios are also given per round
Scenarios: ${SCENARIOS.map((s) => s.id).join(', ')}`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      scale: { type: 'string', default: '1' },
      repeat: { type: 'string', default: '1' },
      profile: { type: 'boolean', default: false },
      'profile-dir': { type: 'string', default: '/tmp/prof' },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return (console.log(USAGE), 0);
  if (values.list) {
    for (const s of SCENARIOS) console.log(`${s.id.padEnd(24)} ${String(s.records).padStart(9)} incidents  ${s.description}`);
    return 0;
  }
  const scale = Number(values.scale);
  if (!(scale > 0)) throw new Error(`--scale must be a positive number, got ${values.scale}`);
  const rounds = Number(values.repeat);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--repeat must be a whole number ≥ 1, got ${values.repeat}`);
  const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = only?.filter((id) => !SCENARIOS.some((s) => s.id === id)) ?? [];
  if (unknown.length) throw new Error(`unknown scenario(s) ${unknown.join(', ')}\n${USAGE}`);
  const chosen = SCENARIOS.filter((s) => !only || only.includes(s.id));

  const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
  const started = new Date();
  const machine = { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, load1AtStart: loadAverage() };
  log(`${machine.cpus} cores (${machine.cpuModel}), load ${machine.load1AtStart}, scale ${scale}: ${chosen.map((s) => s.id).join(', ')}`);

  const tmp = await mkdtemp(path.join(os.tmpdir(), 'rest2kafka-bench-'));
  const broker = await benchBroker(log);
  log(`Kafka at ${broker.brokers.join(',')} (${broker.origin === 'env' ? 'KAFKA_BROKERS' : 'started for this run'})`);
  const kafka = benchKafka(broker.brokers);
  const admin = kafka.admin();
  await admin.connect();
  const ctx = createContext(
    { brokers: broker.brokers, admin, tmp, tag: `bench-${Date.now().toString(36)}`, scale, profileDir: values.profile ? values['profile-dir']! : null, log },
    freePort,
  );
  if (ctx.profileDir) await mkdir(ctx.profileDir, { recursive: true });

  const results: ScenarioResult[] = [];
  const failures: { scenario: string; error: string }[] = [];
  const skipped: { scenario: string; reason: string }[] = [];
  try {
    if (chosen.some((s) => s.kafka)) {
      log(`${WARM_UP.id}: ${WARM_UP.description}`);
      await WARM_UP.run(ctx, scaled(WARM_UP.records, scale));
    }
    for (let round = 1; round <= rounds; round++) {
      for (const scenario of chosen) {
        const n = scaled(scenario.records, scale);
        const quiet = await settle();
        const pass = rounds > 1 ? ` [round ${round}/${rounds}]` : '';
        log(`${scenario.id}${pass}: ${n} incidents — ${scenario.description} (machine ${Math.round(quiet.idle * 100)}% idle after ${quiet.seconds.toFixed(1)} s of settling)`);
        try {
          const r = await scenario.run(ctx, n);
          results.push(rounds > 1 ? { ...r, round } : r);
          log(`${scenario.id}${pass}: ${r.seconds.toFixed(1)} s, ${Math.round(r.recordsPerSecond)} records/s, peak RSS ${r.peakRssMb?.toFixed(0) ?? '?'} MB`);
        } catch (error) {
          if (error instanceof SkippedError) {
            skipped.push({ scenario: `${scenario.id}${pass}`, reason: error.message });
            log(`${scenario.id}${pass} SKIPPED: ${error.message}`);
            continue;
          }
          const message = error instanceof Error ? error.message : String(error);
          failures.push({ scenario: `${scenario.id}${pass}`, error: message });
          log(`${scenario.id}${pass} FAILED: ${message}`);
        }
      }
    }
  } finally {
    await ctx.close();
    await deleteTopics(admin, ctx.tag); // topics scenarios share (replay's) outlive each one
    await admin.disconnect();
    await broker.stop();
    await rm(tmp, { recursive: true, force: true });
  }

  // Dry runs publish nothing to count: their MB/s uses the bytes per record measured in this run.
  for (const r of results) {
    if (r.mbPerSecond === null && r.scenario.startsWith('dryrun') && ctx.bytesPerRecord !== null) r.mbPerSecond = (ctx.bytesPerRecord * r.records) / 1e6 / r.seconds;
  }
  const analysis = analyse(results, scale);
  const report = { startedAt: started.toISOString(), finishedAt: new Date().toISOString(), scale, machine: { ...machine, load1AtEnd: loadAverage() }, kafka: broker.origin, results, failures, skipped, analysis };
  const dir = path.join(REPO_ROOT, 'bench', 'results');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${started.toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);

  console.log(`\n${machine.cpus} cores, ${machine.cpuModel}, Node ${machine.node}; load average ${machine.load1AtStart} at start, ${report.machine.load1AtEnd} at end; scale ${scale}\n`);
  console.log(formatTable(results, failures, skipped));
  console.log(`\n${formatAnalysis(analysis)}`);
  console.log(`\nJSON: ${path.relative(process.cwd(), file)}`);
  console.log(JSON.stringify({ results: results.map(({ scenario, records, seconds, recordsPerSecond, mbPerSecond, peakRssMb }) => ({ scenario, records, seconds, recordsPerSecond, mbPerSecond, peakRssMb })), analysis }, null, 2));
  return failures.length ? 1 : 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
