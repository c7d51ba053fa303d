/**
 * Summarises `node --cpu-prof` output by self time: per function and per module (a file of
 * lib/, or a package under node_modules, or node's internals).
 *
 *   node dist/bench/profile.js /tmp/prof/*.cpuprofile [--top 25]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' }, callers: { type: 'string' }, inclusive: { type: 'string', multiple: true } } });
const top = Number(values.top);
const byFunction = new Map<string, number>();
/** `--callers NAME`: self time of functions whose name contains NAME, split by calling chain. */
const callers = new Map<string, number>();
/** `--inclusive NAME` (repeatable): time of samples with a frame whose label contains NAME. */
const inclusive = new Map<string, number>((values.inclusive ?? []).map((name) => [name, 0]));
const byModule = new Map<string, number>();
let total = 0;

for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (f: ProfileNode['callFrame']) => `${f.functionName || '(anonymous)'} ${where(f.url)}${f.url ? `:${f.lineNumber + 1}` : ''}`;
  // timeDeltas[i] is the time before sample i; attribute it to that sample's (leaf) node.
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const frame = nodes.get(id)!.callFrame;
    const name = label(frame);
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    byModule.set(moduleOf(frame.url), (byModule.get(moduleOf(frame.url)) ?? 0) + us);
    if (inclusive.size > 0) {
      const stack: string[] = [];
      for (let p: number | undefined = id; p !== undefined; p = parent.get(p)) stack.push(label(nodes.get(p)!.callFrame));
      for (const wanted of inclusive.keys()) if (stack.some((l) => l.includes(wanted))) inclusive.set(wanted, inclusive.get(wanted)! + us);
    }
    if (values.callers && name.includes(values.callers)) {
      const chain: string[] = [];
      for (let p = parent.get(id); p !== undefined && chain.length < 4; p = parent.get(p)) chain.push(label(nodes.get(p)!.callFrame));
      const key = chain.join(' ← ');
      callers.set(key, (callers.get(key) ?? 0) + us);
    }
    total += us;
  });
}

/** A file within its package or dist/, for function labels. */
function where(url: string): string {
  if (!url) return '(vm)';
  if (url.startsWith('node:')) return url;
  const dep = /node_modules\/(.*)$/.exec(url);
  if (dep) return dep[1];
  const own = /\/dist\/(.*)$/.exec(url);
  return own ? own[1] : url;
}

function moduleOf(url: string): string {
  if (!url) return '(vm)';
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const own = /\/dist\/(.*)$/.exec(url);
  return own ? own[1] : url;
}

function print(title: string, map: Map<string, number>, limit: number): void {
  console.log(`\n${title} (self time, ${(total / 1e6).toFixed(1)} s sampled)`);
  for (const [name, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, limit)) {
    console.log(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1e3).toFixed(0).padStart(7)} ms  ${name}`);
  }
}

print('by function', byFunction, top);
print('by module', byModule, 20);
if (inclusive.size > 0) print('inclusive', inclusive, inclusive.size);
if (values.callers) print(`callers of ${values.callers}`, callers, top);
