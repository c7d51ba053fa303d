import { createSlots } from '../../../lib/extract/slots';

describe('createSlots', () => {
  it('grants up to capacity at once and hands released slots to waiters in order', async () => {
    const slots = createSlots(2);
    await slots.acquire();
    await slots.acquire();
    expect(slots.inUse).toBe(2);
    const order: string[] = [];
    const a = slots.acquire().then(() => order.push('a'));
    const b = slots.acquire().then(() => order.push('b'));
    await Promise.resolve();
    expect(order).toEqual([]);
    slots.release();
    await a;
    expect(order).toEqual(['a']);
    expect(slots.inUse).toBe(2);
    slots.release();
    await b;
    expect(order).toEqual(['a', 'b']);
    slots.release();
    slots.release();
    expect(slots.inUse).toBe(0);
  });
});
