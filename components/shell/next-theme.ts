// The theme toggle's rule, pure so it can be tested without a browser.
export type Theme = 'system' | 'light' | 'dark';

/**
 * Every click shows: the next choice is always the other look. Landing on the system's own look goes
 * back to following the system, so "system" stays one click away without a click that changes nothing.
 */
export function nextTheme(current: Theme, systemDark: boolean): Theme {
  const shownDark = current === 'dark' || (current === 'system' && systemDark);
  const wanted = shownDark ? 'light' : 'dark';
  return (wanted === 'dark') === systemDark ? 'system' : wanted;
}
