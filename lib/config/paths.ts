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
  return packageSchemasDir() ?? resolved;
}

/**
 * The `schemas/` folder of the nearest package root above this file. Checking for the folder,
 * not just package.json, skips the copy of package.json a build puts in `dist/`.
 */
function packageSchemasDir(): string | undefined {
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'schemas'))) return join(dir, 'schemas');
  }
  return undefined;
}
