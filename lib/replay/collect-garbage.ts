/**
 * A full garbage collection when a replay hands over to DuckDB. The passes leave memory that
 * only V8's next mark-compact frees: the key index's typed arrays (~40 MB at 1M keys, released
 * by `KeyIndex.finish`), the last fetched chunks and young-generation pages. A process waiting
 * on DuckDB's load allocates nothing in V8's heap, so that collection would not come before the
 * load's peak. `gc` is exposed through V8's flag API, not `node --expose-gc`: the node flags are
 * the CLI shebang's, and the bench and specs read them from there.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

/** @example collectGarbage(); await db.releaseFreedMemory(); await db.rebuild(table, changes) */
export function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
