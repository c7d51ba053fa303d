/** Which of a config's resources a command works on. */
import { ConfigError } from '../errors';
import type { ResolvedResource } from './types';

/**
 * The resources named with `--resource` (a name the config lacks is a usage error listing the
 * known ones), else those the config selects (dlt's `selected`, default true).
 *
 * @example
 * selectedResources(loaded.resources, ['incidents']); // [the incidents resource]
 */
export function selectedResources(resources: readonly ResolvedResource[], only: readonly string[]): ResolvedResource[] {
  const known = resources.map((r) => r.name);
  for (const name of only) {
    if (!known.includes(name)) throw new ConfigError(`--resource ${name}: no such resource; the config defines: ${known.join(', ')}`, { code: 'USAGE' });
  }
  return resources.filter((r) => (only.length ? only.includes(r.name) : r.selected));
}
