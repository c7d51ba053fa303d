import { collectGarbage } from '../../../lib/replay/collect-garbage';

it('collects what nothing references any more, without node --expose-gc, and can run again', async () => {
  const ref = new WeakRef({ keys: new Array(100_000).fill('INC-000001') });
  await new Promise((resolve) => setImmediate(resolve)); // a WeakRef keeps its target alive until the job that made it ends
  collectGarbage();
  expect(ref.deref()).toBeUndefined();
  expect(() => collectGarbage()).not.toThrow();
});
