// Dense tables fit their box by column priority (components/ui/column-fit.ts).
import { describe, expect, it } from 'vitest';
import { columnBreakpoints, columnFitCss, columnsShownAt, type FitColumn } from '@/components/ui/column-fit';

// Shaped like the overview: signals always, then the trend, then the other counts.
const columns: FitColumn[] = [
  { id: 'name', width: 16, priority: 0 },
  { id: 'health', width: 10, priority: 0 },
  { id: 'failed', width: 5, priority: 0 },
  { id: 'trend', width: 7, priority: 1 },
  { id: 'active', width: 6, priority: 2 },
  { id: 'delayed', width: 6, priority: 3 },
  { id: 'children', width: 6, priority: 3 },
];

describe('column fit', () => {
  it('shows the always-columns in any box, then adds columns in priority order as the box widens', () => {
    expect(columnBreakpoints(columns)).toEqual(
      new Map([
        ['trend', 38],
        ['active', 44],
        ['delayed', 50],
        ['children', 56],
      ]),
    );
    expect(columnsShownAt(columns, 20)).toEqual(['name', 'health', 'failed']);
    expect(columnsShownAt(columns, 45)).toEqual(['name', 'health', 'failed', 'trend', 'active']);
    expect(columnsShownAt(columns, 100)).toEqual(columns.map((c) => c.id));
  });

  it('gives a hidden column’s room to the next ones', () => {
    const withoutActive = columns.filter((c) => c.id !== 'active');
    expect(columnsShownAt(withoutActive, 45)).toEqual(['name', 'health', 'failed', 'trend', 'delayed']);
    // Hiding an always-column lets every optional one in sooner.
    expect(columnBreakpoints(columns.filter((c) => c.id !== 'health')).get('trend')).toBe(28);
  });

  it('writes container queries for the columns that need room, and refuses names that could escape a selector', () => {
    const css = columnFitCss('overview', columns);
    expect(css).toContain('[data-fit="overview"] [data-col="trend"]{display:none}');
    expect(css).toContain('@container (min-width:38rem){[data-fit="overview"] [data-col="trend"]{display:table-cell}}');
    expect(css).not.toContain('"name"');
    expect(() => columnFitCss('overview', [{ id: 'x"]{}body{', width: 1, priority: 1 }])).toThrow(/unsafe/);
  });
});
