// Which columns of a dense table show at which width of its box. Each column has a rough width and a
// priority; the signals (priority 0) always show, the others join in priority order as the box widens.
// The answer is CSS container queries, so the server's HTML already fits, nothing measures the page and
// a resize (or the sidebar opening) re-renders nothing. A column the user hid takes no room: the next
// one gets it.

export type FitColumn = {
  id: string;
  /** rough width in rem, padding included */
  width: number;
  /** 0: always shown; 1, 2…: the order in which columns get room as the box widens */
  priority: number;
};

/**
 * The box width (rem) from which each column shows, for the columns given (the visible ones, in table
 * order); columns that always show are absent. Ties in priority go left to right.
 */
export function columnBreakpoints(columns: readonly FitColumn[]): Map<string, number> {
  let needed = columns.filter((c) => c.priority <= 0).reduce((sum, c) => sum + c.width, 0);
  const optional = columns
    .map((column, index) => ({ column, index }))
    .filter(({ column }) => column.priority > 0)
    .sort((a, b) => a.column.priority - b.column.priority || a.index - b.index);
  const breakpoints = new Map<string, number>();
  for (const { column } of optional) {
    needed += column.width;
    breakpoints.set(column.id, Math.round(needed * 100) / 100);
  }
  return breakpoints;
}

/** The ids of the columns shown in a box `width` rem wide: what the CSS of columnFitCss does, in table order. */
export function columnsShownAt(columns: readonly FitColumn[], width: number): string[] {
  const breakpoints = columnBreakpoints(columns);
  return columns.filter((c) => (breakpoints.get(c.id) ?? 0) <= width).map((c) => c.id);
}

const SAFE = /^[a-z0-9-]+$/i;

/**
 * The container queries that show each column of the table marked `data-fit="<scope>"` from its
 * breakpoint on. Its cells carry `data-col="<id>"`; the nearest `@container` ancestor is the box.
 */
export function columnFitCss(scope: string, columns: readonly FitColumn[]): string {
  const rules: string[] = [];
  for (const [id, rem] of columnBreakpoints(columns)) {
    // Ids and scopes are constants of the code; refuse anything that could escape the selector.
    if (!SAFE.test(id) || !SAFE.test(scope)) throw new Error(`column fit: unsafe name ${scope}/${id}`);
    const cells = `[data-fit="${scope}"] [data-col="${id}"]`;
    rules.push(`${cells}{display:none}`, `@container (min-width:${rem}rem){${cells}{display:table-cell}}`);
  }
  return rules.join('\n');
}
