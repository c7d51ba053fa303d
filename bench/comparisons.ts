/**
 * The targets that set one scenario of the `shapes` group against another: fan-out
 * against its sequential form and against dlt, the seed shape against dlt, a bare 429 against
 * the fault-free run, and fan-out's memory.
 */
import type { Target } from './report';
import type { ScenarioResult } from './scenario';

interface Speedup {
  fast: string;
  slow: string;
  atLeast: number;
  target: string;
}

const SPEEDUPS: readonly Speedup[] = [
  { fast: 'fanout-50ms', slow: 'fanout-50ms-sequential', atLeast: 6, target: 'fan-out at 50 ms: ≥ 6× sequential fan-out (parallelized: false)' },
  { fast: 'fanout-50ms', slow: 'dlt-fanout-50ms', atLeast: 5, target: 'fan-out at 50 ms: ≥ 5× dlt (parallelized: true; extract + load into duckdb)' },
  { fast: 'seed-50ms', slow: 'dlt-seed-50ms', atLeast: 10, target: 'seed shape at 50 ms, default settings: ≥ 10× dlt extract + load into duckdb' },
];

/** The fault run may take 1.5× the fault-free one, plus the Retry-After it was told to wait. */
const BARE_429_FACTOR = 1.5;
const FANOUT_RSS_MB = 256;
const FANOUT_PARENTS = 100_000;

const rate = (r: ScenarioResult) => `${Math.round(r.recordsPerSecond)}/s`;

/** A target with one side missing: said, not judged. */
function unmeasured(target: string, missing: string): Target {
  return { target, value: `not measured: ${missing} did not run (skipped or failed; see the table)`, met: null };
}

/**
 * The comparison targets whose scenarios ran (either side): `results` are the median runs,
 * `runs` all of them (peak RSS is judged by the worst).
 *
 * @example comparisonTargets(medianRuns(runs), runs) // [{ target: 'fan-out at 50 ms: ≥ 6× …', value: '7.12× (…)', met: true }, …]
 */
export function comparisonTargets(results: readonly ScenarioResult[], runs: readonly ScenarioResult[]): Target[] {
  const byId = new Map(results.map((r) => [r.scenario, r]));
  const targets: Target[] = [];
  for (const { fast, slow, atLeast, target } of SPEEDUPS) {
    const [f, s] = [byId.get(fast), byId.get(slow)];
    if (f && s) {
      const x = f.recordsPerSecond / s.recordsPerSecond;
      targets.push({ target, value: `${x.toFixed(2)}× (${fast} ${rate(f)}, ${slow} ${rate(s)})`, met: x >= atLeast });
    } else if (f || s) {
      targets.push(unmeasured(target, f ? slow : fast));
    }
  }

  const [fault, free] = [byId.get('429-bare'), byId.get('seed-50ms')];
  const retryAfter = (fault?.extra.retryAfterSeconds as number | undefined) ?? 1;
  const bareTarget = `one bare 429: ≤ ${BARE_429_FACTOR}× the fault-free run + its Retry-After (${retryAfter} s)`;
  if (fault && free) {
    const bound = BARE_429_FACTOR * free.seconds + retryAfter;
    const own = (r: ScenarioResult) => r.extra.runSeconds as number | undefined;
    const [ownFault, ownFree] = [own(fault), own(free)];
    const runReported = ownFault && ownFree ? `; run-reported ${ownFault.toFixed(1)} s vs ${ownFree.toFixed(1)} s = ${(ownFault / ownFree).toFixed(2)}×, bound ${(BARE_429_FACTOR * ownFree + retryAfter).toFixed(1)} s` : '';
    targets.push({
      target: bareTarget,
      value: `${fault.seconds.toFixed(1)} s vs seed-50ms ${free.seconds.toFixed(1)} s = ${(fault.seconds / free.seconds).toFixed(2)}×, bound ${bound.toFixed(1)} s${runReported}`,
      met: fault.seconds <= bound,
    });
  } else if (fault || free) {
    targets.push(unmeasured(bareTarget, fault ? 'seed-50ms' : '429-bare'));
  }

  const worst = runs.filter((r) => r.scenario === 'fanout-100k-0ms' && r.peakRssMb !== null).sort((a, b) => b.peakRssMb! - a.peakRssMb!)[0];
  if (worst) {
    const parents = worst.extra.incidents as number;
    const scaledDown = parents < FANOUT_PARENTS ? ` (only ${parents} parents)` : '';
    targets.push({ target: `fanout-100k-0ms: peak RSS ≤ ${FANOUT_RSS_MB} MB in fan-out${scaledDown}`, value: `${worst.peakRssMb!.toFixed(0)} MB (${worst.records} records)`, met: worst.peakRssMb! <= FANOUT_RSS_MB });
  }
  return targets;
}
