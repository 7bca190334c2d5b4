// The theme toggle: every click changes what you see.
import { describe, expect, it } from 'vitest';
import { nextTheme } from '@/components/shell/next-theme';

describe('nextTheme', () => {
  it('always flips what is shown; landing on the system look follows the system again', () => {
    // Light system: system (light) → dark → system (light) → dark…
    expect(nextTheme('system', false)).toBe('dark');
    expect(nextTheme('dark', false)).toBe('system');
    expect(nextTheme('light', false)).toBe('dark');
    // Dark system: system (dark) → light → system (dark)…
    expect(nextTheme('system', true)).toBe('light');
    expect(nextTheme('light', true)).toBe('system');
    expect(nextTheme('dark', true)).toBe('light');
  });
});
