/**
 * A full garbage collection between a replay's phases. V8 grows its heap lazily: after the key
 * pass over 1M keys the released key map stays in a ~250 MB heap until allocation pressure
 * forces a collection, which an idle process waiting on DuckDB's load never applies, and the
 * lazily grown heap limit lets the value pass grow on top of it. Collecting at the phase
 * boundary lets V8 return those pages and size the next phase's heap from what is live.
 * `gc` is exposed through V8's flag API, not `node --expose-gc`: `rest2kafka` is a bin script
 * whose node flags the user chooses.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

/** @example collectGarbage(); await db.rebuild(table, changes) */
export function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
