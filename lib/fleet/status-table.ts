/**
 * `rest2kafka status` for people: the group in a few lines, then one aligned row per resource.
 * Scripts get the same facts as JSON (`--json`), so nothing here needs to be parseable.
 */
import type { JsonValue } from '../config/types';
import type { PipelineStatus, ResourceStatus } from './status';

const REBALANCING = new Set(['PreparingRebalance', 'CompletingRebalance']);

/**
 * The report, ending in a newline. `now` dates the "ago" of each last sync.
 *
 * @example formatStatus(status, new Date()) // → 'pipeline orders: coordination standby, …\nRESOURCE  OWNER  …'
 */
export function formatStatus(status: PipelineStatus, now: Date): string {
  const { coordination } = status;
  const lines = [`pipeline ${status.pipeline}: ${groupLine(status)}`];
  const width = Math.max(0, ...coordination.instances.map((m) => m.instance.length));
  for (const { instance, units } of coordination.instances) lines.push(`  ${instance.padEnd(width)}  ${units.length > 0 ? `runs ${units.join(', ')}` : 'standby'}`);
  lines.push('');
  const rows = [['RESOURCE', 'OWNER', 'LAST SYNC', 'CURSOR', 'LAST RUN', 'NOW'], ...status.resources.map((r) => row(r, status, now))];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((cells) => cells[i].length)));
  // The last column is not padded: no trailing blanks.
  for (const cells of rows) lines.push(cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]))).join('  '));
  return `${lines.join('\n')}\n`;
}

function groupLine({ coordination }: PipelineStatus): string {
  if (coordination.mode === 'none') return 'coordination none (instances are not tracked: a second one fences the first)';
  const count = coordination.instances.length;
  const members = count === 0 ? 'no instance running' : `${count} ${count === 1 ? 'instance' : 'instances'}`;
  return `coordination ${coordination.mode}, group ${coordination.group_id} (${coordination.group_state}): ${members}`;
}

function row(r: ResourceStatus, status: PipelineStatus, now: Date): string[] {
  return [r.resource, owner(r, status), lastSync(r.last_sync, now), cursor(r.cursor), lastRun(r), current(r, status)];
}

function owner(r: ResourceStatus, { coordination }: PipelineStatus): string {
  if (r.owner !== null) return r.owner;
  if (coordination.mode === 'none') return '-';
  if (coordination.instances.length === 0) return 'no instance running';
  return REBALANCING.has(coordination.group_state) ? 'unassigned (rebalancing)' : 'unassigned';
}

function lastSync(at: string | null, now: Date): string {
  return at === null ? 'never' : `${at} (${age(now.getTime() - Date.parse(at))})`;
}

/** `42s ago`, `5m ago`, `3h ago`, `2d ago`; clocks a little apart never make it negative. */
export function age(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 48 * 3600) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

function cursor(value: JsonValue): string {
  if (value === null) return '-';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function lastRun(r: ResourceStatus): string {
  const run = r.last_run;
  if (run === null) return '-';
  return counts(run.records, run.dead_lettered) + (run.full_refresh ? ' (full refresh)' : '');
}

/**
 * A run with committed pages: in progress while an instance holds it, else interrupted (the next
 * owner resumes it). Without a group there is no telling the two apart.
 */
function current(r: ResourceStatus, { coordination }: PipelineStatus): string {
  const run = r.run;
  if (run === null) return 'idle';
  const page = `page ${run.pages}${run.expected_pages === null ? '' : ` of ${run.expected_pages}`}`;
  if (coordination.mode === 'none') return `unfinished (running or interrupted): ${page}, ${counts(run.records, run.dead_lettered)}`;
  if (r.owner === null) return `interrupted at ${page} (${counts(run.records, run.dead_lettered)}): resumes at its next run`;
  return `running: ${page}, ${counts(run.records, run.dead_lettered)}`;
}

function counts(records: number, deadLettered: number | null): string {
  const text = `${records} ${records === 1 ? 'record' : 'records'}`;
  // States written before dead letters were counted say nothing about them.
  return deadLettered === null ? text : `${text}, ${deadLettered} dead ${deadLettered === 1 ? 'letter' : 'letters'}`;
}
