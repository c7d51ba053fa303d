import { Observable, of, Subject, toArray, firstValueFrom, timer, map } from 'rxjs';
import { orderedMergeMap } from '../../../lib/pagination/ordered-merge';

describe('orderedMergeMap', () => {
  it('emits results in source order even when later inners finish first', async () => {
    const delays = [30, 5, 15, 1];
    const result = await firstValueFrom(
      of(0, 1, 2, 3).pipe(
        orderedMergeMap((i) => timer(delays[i]).pipe(map(() => `page${i}`)), 4),
        toArray(),
      ),
    );
    expect(result).toEqual(['page0', 'page1', 'page2', 'page3']);
  });

  it('frees a slot only when its result is emitted, so finished pages never pile up', () => {
    const gates = [0, 1, 2, 3, 4].map(() => new Subject<string>());
    const started: number[] = [];
    const out: string[] = [];
    of(0, 1, 2, 3, 4)
      .pipe(
        orderedMergeMap(
          (i) =>
            new Observable<string>((s) => {
              started.push(i);
              const sub = gates[i].subscribe({ next: (v) => s.next(v), complete: () => s.complete() });
              return () => sub.unsubscribe();
            }),
          2,
        ),
      )
      .subscribe((v) => out.push(v));
    expect(started).toEqual([0, 1]);
    // page 1 finishes first: its slot stays taken until page 0 is emitted.
    gates[1].next('b');
    gates[1].complete();
    expect(started).toEqual([0, 1]);
    expect(out).toEqual([]);
    gates[0].next('a');
    gates[0].complete();
    expect(out).toEqual(['a', 'b']);
    // Both slots freed at once: exactly two more start, never a third.
    expect(started).toEqual([0, 1, 2, 3]);
  });

  it('propagates an inner error', async () => {
    const run = firstValueFrom(
      of(0, 1).pipe(
        orderedMergeMap((i) => (i === 1 ? new Observable<number>((s) => s.error(new Error('page 1 failed'))) : of(i)), 2),
        toArray(),
      ),
    );
    await expect(run).rejects.toThrow('page 1 failed');
  });
});
