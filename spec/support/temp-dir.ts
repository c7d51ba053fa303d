/**
 * A fresh temporary folder per test (made in beforeEach, removed in afterEach) and a writer for
 * files in it: the config-loading specs read real files from disk.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface TempDir {
  /** The current test's folder. */
  readonly path: string;
  /** Writes `text` to `name` (sub-folders made as needed) and returns the file's absolute path. */
  write(name: string, text: string): string;
}

/** Call at the top of a spec file (or describe block): registers the hooks. */
export function useTempDir(prefix: string): TempDir {
  let current = '';
  beforeEach(() => {
    current = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(() => rmSync(current, { recursive: true, force: true }));
  return {
    get path() {
      return current;
    },
    write(name, text) {
      const file = join(current, name);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      return file;
    },
  };
}
