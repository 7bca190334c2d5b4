import { describe, expect, it } from 'vitest';
import { byteRounds } from '@/lib/dlq/byte-rounds';

describe('byteRounds', () => {
  const size = (n: number) => n;
  it('fills each round up to the byte bound, in order', () => {
    expect(byteRounds([3, 3, 3, 4, 1], size, 7)).toEqual([[3, 3], [3, 4], [1]]);
  });
  it('puts an item larger than the bound alone, never skips or splits it', () => {
    expect(byteRounds([2, 50, 2, 2], size, 5)).toEqual([[2], [50], [2, 2]]);
  });
  it('caps the items per round too', () => {
    expect(byteRounds([1, 1, 1, 1, 1], size, 100, 2)).toEqual([[1, 1], [1, 1], [1]]);
  });
  it('has no round for no items', () => {
    expect(byteRounds([], size, 10)).toEqual([]);
  });
});
