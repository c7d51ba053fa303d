/** Where files named by a config live. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * `delivery.schemas_dir` resolved against the config file's folder. When the default
 * `schemas` folder is not there, the package's own `schemas/` is used (the demo's schemas).
 */
export function resolveSchemasDir(dir: string, configDir: string): string {
  const resolved = resolve(configDir, dir);
  if (dir !== 'schemas' || existsSync(resolved)) return resolved;
  return join(packageRoot(), 'schemas');
}

/** The nearest folder above this file that holds a package.json (works from lib/ and dist/lib/). */
function packageRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return resolve(__dirname, '..', '..');
  }
}
