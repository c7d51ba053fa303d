/** The CLI's start-up node flags: read from its shebang, and what they do to V8's heap. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { shebangNodeFlags } from '../../bench/processes';
import { REPO_ROOT } from '../support/pipeline';

/** New space after a churn of short-lived objects, which grows it to its cap: the young generation a run gets. */
const CHURN = "let keep = []; for (let i = 0; i < 3e6; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 200000) keep = []; }";
const newSpaceMb = (flags: string[]): number =>
  Number(execFileSync(process.execPath, [...flags, '-e', `${CHURN}; console.log(require('v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1048576)`], { encoding: 'utf8' }));

describe('shebangNodeFlags', () => {
  const script = (first: string) => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'r2k-shebang-')), 'cli.js');
    writeFileSync(file, `${first}\nconsole.log(1);\n`);
    return file;
  };

  it('reads the flags after node in an env -S shebang, and none from a bare one', () => {
    expect(shebangNodeFlags(script('#!/usr/bin/env -S node --max-semi-space-size=8 --no-warnings'))).toEqual(['--max-semi-space-size=8', '--no-warnings']);
    expect(shebangNodeFlags(script('#!/usr/bin/env node'))).toEqual([]);
  });

  it('refuses a file that does not start with a node shebang', () => {
    expect(() => shebangNodeFlags(script('console.log(0);'))).toThrow(/does not start with a node shebang/);
  });
});

describe("lib/cli.ts's shebang", () => {
  const flags = shebangNodeFlags(path.join(REPO_ROOT, 'lib', 'cli.ts'));

  it('caps the young generation below node’s default: new space 2 × 8 MB', () => {
    expect(flags).toContain('--max-semi-space-size=8');
    expect(newSpaceMb(flags)).toBe(16);
    expect(newSpaceMb([])).toBeGreaterThan(16);
  });
});
