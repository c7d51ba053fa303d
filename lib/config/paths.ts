/** Where files named by a config live. */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../errors';

/** The folder `delivery.schemas_dir` means when it is not set, next to the config file. */
export const DEFAULT_SCHEMAS_DIR = 'schemas';

/**
 * `delivery.schemas_dir` resolved against the config file's folder. Left unset, it is
 * `schemas` next to the config, which may be absent (every resource is then published
 * unvalidated). Set, it must be a folder: a typo would otherwise publish every record
 * unvalidated without a word. Schemas are never taken from anywhere else (the package's own
 * `schemas/` are the demo's, and a user's `incidents` resource is not the demo's).
 *
 * @example resolveSchemasDir(undefined, '/etc/r2k') // '/etc/r2k/schemas'
 * @throws {ConfigError} `dir` is set but is not an existing folder.
 */
export function resolveSchemasDir(dir: string | undefined, configDir: string): string {
  const resolved = resolve(configDir, dir ?? DEFAULT_SCHEMAS_DIR);
  if (dir === undefined) return resolved;
  const stats = statSync(resolved, { throwIfNoEntry: false });
  if (!stats?.isDirectory()) {
    const what = stats ? 'is not a folder' : 'does not exist';
    throw new ConfigError(`delivery.schemas_dir: ${resolved} ${what} (relative paths are resolved against the config file's folder, ${configDir}). Create it with the <resource>.avsc files, or remove the key to publish without schemas.`, { context: { path: 'delivery.schemas_dir', file: resolved } });
  }
  return resolved;
}
