// The jobs table fits its box by what each list needs first (components/explorer/job-column-fit.ts).
import { describe, expect, it } from 'vitest';
import { columnFitCss, columnsShownAt, type FitColumn } from '@/components/ui/column-fit';
import { parseColumnVisibility } from '@/components/ui/use-stored-column-visibility';
import { DATA_COLUMN_WIDTH, JOB_COLUMN_IDS, JOB_COLUMN_WIDTH, dataColumnId, dataColumnPriority, jobColumnPriority, type JobColumnId, type JobsView } from '@/components/explorer/job-column-fit';
import { JOB_STATES } from '@/lib/jobs/job-states';

// The table's box on the queue page: 1440 px with the sidebar open, 800 px (sidebar collapsed below 1024 px).
const WIDE = 71;
const NARROW = 43;

/** The columns of a list in table order, as the table builds them: State only in search results. */
function columnsOf(view: JobsView, selectable = true): JobColumnId[] {
  return JOB_COLUMN_IDS.filter((id) => (id !== 'select' || selectable) && (id !== 'state' || view === 'search'));
}

/** What the columns' meta tells the column fit (components/explorer/jobs-columns.tsx). */
function jobFitColumns(ids: JobColumnId[], view: JobsView): FitColumn[] {
  return ids.map((id) => ({ id, width: JOB_COLUMN_WIDTH[id], priority: jobColumnPriority(id, view) }));
}

const shownAt = (view: JobsView, width: number, ids = columnsOf(view)) => columnsShownAt(jobFitColumns(ids, view), width);

describe('job column fit', () => {
  it('on the failed tab shows the id, the name and the error in any box, then when it failed and how often it ran', () => {
    expect(shownAt('failed', NARROW)).toEqual(['select', 'id', 'name', 'failed-reason']);
    expect(shownAt('failed', 20)).toEqual(['select', 'id', 'name', 'failed-reason']);
    // At 1440 px everything but the progress bar, which a failed job no longer moves.
    expect(shownAt('failed', WIDE)).toEqual(['select', 'id', 'name', 'created', 'started', 'finished', 'duration', 'attempts', 'failed-reason']);
  });

  it('orders what follows by the list: progress first for active jobs, the finish for completed ones, the state in search results', () => {
    expect(shownAt('active', NARROW)).toEqual(['select', 'id', 'name', 'started', 'progress']);
    expect(shownAt('completed', NARROW)).toEqual(['select', 'id', 'name', 'created', 'finished', 'duration']);
    expect(shownAt('waiting', NARROW)).toEqual(['select', 'id', 'name', 'created', 'attempts']);
    expect(shownAt('search', NARROW)).toEqual(['select', 'id', 'name', 'state']);
    expect(shownAt('search', WIDE)).toContain('failed-reason');
    // Every list gives each of its other columns a place of its own in the order.
    for (const view of [...JOB_STATES, 'search'] as const) {
      const optional = columnsOf(view)
        .map((id) => jobColumnPriority(id, view))
        .filter((p) => p > 0)
        .sort((a, b) => a - b);
      expect(optional).toEqual(optional.map((_, i) => i + 1));
    }
  });

  it('keeps the widths of what shows within the box, and gives a hidden column’s room to the next', () => {
    for (const view of [...JOB_STATES, 'search'] as const) {
      for (const width of [NARROW, WIDE]) {
        const fit = jobFitColumns(columnsOf(view), view);
        const shown = new Set(columnsShownAt(fit, width));
        expect(fit.filter((c) => shown.has(c.id)).reduce((sum, c) => sum + c.width, 0)).toBeLessThanOrEqual(width);
      }
    }
    // Without the checkboxes (a viewer) the same box has room for one more column; so has it with the error hidden.
    expect(shownAt('waiting', NARROW)).not.toContain('progress');
    expect(shownAt('waiting', NARROW, columnsOf('waiting', false))).toEqual(['id', 'name', 'created', 'attempts', 'progress']);
    const withoutError = columnsOf('failed').filter((id) => id !== 'failed-reason');
    expect(shownAt('failed', NARROW, withoutError)).toEqual(['select', 'id', 'name', 'created', 'finished', 'attempts']);
  });

  it('gives data columns (cols=) room right after what always shows, the one added first first, after the list’s own columns in table order', () => {
    const data = [0, 1].map((i) => ({ id: dataColumnId(i), width: DATA_COLUMN_WIDTH, priority: dataColumnPriority(i) }));
    const fit = [...jobFitColumns(columnsOf('search'), 'search'), ...data];
    expect(columnsShownAt(fit, NARROW)).toEqual(['select', 'id', 'name', 'state', 'data-col-0']);
    expect(columnsShownAt(fit, WIDE)).toEqual(['select', 'id', 'name', 'state', 'failed-reason', 'data-col-0', 'data-col-1']);
    // Their ids are safe CSS names whatever the path (a path's dots never reach the stylesheet).
    expect(columnFitCss('job-matches', fit)).toContain('[data-col="data-col-1"]');
  });

  it('reads the remembered hidden columns, and nothing from anything else', () => {
    expect(parseColumnVisibility('{"progress":false,"name":false}')).toEqual({ progress: false, name: false });
    expect(parseColumnVisibility('{"progress":"no","started":false}')).toEqual({ started: false });
    for (const junk of [null, '', 'not json', '[false]', 'null', '7']) expect(parseColumnVisibility(junk)).toEqual({});
  });
});
