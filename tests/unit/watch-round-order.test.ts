import { describe, expect, it } from 'vitest';
import { inTurn } from '@/lib/schedules/watch/watch-schedules';

describe('the watch round’s connection order', () => {
  it('starts one connection further along each round, so a slow first connection cannot starve the others every round', () => {
    const conns = ['a', 'b', 'c'];
    expect([0, 1, 2, 3, 4].map((turn) => inTurn(conns, turn)[0])).toEqual(['a', 'b', 'c', 'a', 'b']);
    expect(inTurn(conns, 1)).toEqual(['b', 'c', 'a']);
    expect(inTurn([], 7)).toEqual([]);
  });
});
