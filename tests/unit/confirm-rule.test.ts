import { describe, expect, it } from 'vitest';
import { TYPE_TO_CONFIRM_ABOVE, confirmationMatches, typeToConfirmFor } from '@/components/ui/confirm-rule';

describe('the confirmation rule of destructive bulk actions', () => {
  it('asks for one click up to 100 and for the count above', () => {
    expect(TYPE_TO_CONFIRM_ABOVE).toBe(100);
    expect(typeToConfirmFor({ count: 1 })).toBeUndefined();
    expect(typeToConfirmFor({ count: 100 })).toBeUndefined();
    expect(typeToConfirmFor({ count: 101 })).toBe('101');
    expect(typeToConfirmFor({ count: 2997 })).toBe('2997');
  });

  it('asks for the queue name above 100 when the action empties a whole queue', () => {
    expect(typeToConfirmFor({ count: 100, queue: 'email' })).toBeUndefined();
    expect(typeToConfirmFor({ count: 101, queue: 'email' })).toBe('email');
  });

  it('treats an uncounted set as above the threshold', () => {
    expect(typeToConfirmFor({ count: null })).toBe('all');
    expect(typeToConfirmFor({ count: null, queue: 'email' })).toBe('email');
  });

  it('accepts a count typed with separators, and names only exactly', () => {
    expect(confirmationMatches('2997', '2,997')).toBe(true);
    expect(confirmationMatches('2997', ' 2997 ')).toBe(true);
    expect(confirmationMatches('2997', '299')).toBe(false);
    expect(confirmationMatches('2997', '29970')).toBe(false);
    expect(confirmationMatches('email', 'email')).toBe(true);
    expect(confirmationMatches('email', 'Email')).toBe(false);
    expect(confirmationMatches('all', 'al')).toBe(false);
  });
});
