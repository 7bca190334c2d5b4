// Counts PostgreSQL estimates (a state above 100,000 jobs) read "≈" with a title saying so, on the queue
// page's state tabs and in the overview's count cells; exact counts have neither.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { StateTabs } from '@/components/explorer/state-tabs';
import { CountCell, type OverviewRow } from '@/components/explorer/overview-columns';
import { APPROXIMATE_TITLE } from '@/components/explorer/format';
import type { QueueCounts } from '@/lib/queues/queue-summary';

const counts: QueueCounts = { waiting: 3, active: 1, delayed: 0, prioritized: 0, 'waiting-children': 0, completed: 2_987_654, failed: 12 };

function tab(html: string, state: string): string {
  const m = new RegExp(`<span[^>]*data-testid="count-${state}"[^>]*>(.*?)</span>`).exec(html);
  if (!m) throw new Error(`no count-${state} in ${html}`);
  return m[0];
}

describe('approximate counts', () => {
  it('state tabs mark an estimated count with ≈ and the title, exact counts with neither', () => {
    const html = renderToStaticMarkup(createElement(StateTabs, { conn: 'pg', queue: 'q', state: 'completed', counts, approximate: ['completed'], keep: {} }));
    expect(tab(html, 'completed')).toContain('≈3M');
    expect(tab(html, 'completed')).toContain(`title="${APPROXIMATE_TITLE.replace("'", '&#x27;')}"`);
    expect(tab(html, 'failed')).not.toContain('≈');
    expect(tab(html, 'failed')).not.toContain('title=');
    const exact = renderToStaticMarkup(createElement(StateTabs, { conn: 'pg', queue: 'q', state: 'completed', counts, keep: {} }));
    expect(exact).not.toContain('≈');
  });

  it('overview cells mark a column whose states include an estimate', () => {
    const q = { connection: 'pg', name: 'q', counts, approximate: ['completed', 'prioritized'] } as unknown as OverviewRow;
    const cell = (id: string, value: number, state?: string) => renderToStaticMarkup(createElement(CountCell, { q, id, value, state }));
    expect(cell('completed', counts.completed, 'completed')).toContain('≈3M');
    expect(cell('completed', counts.completed, 'completed')).toContain('2,987,654, estimated by PostgreSQL');
    // Waiting adds waiting and prioritized: an estimate in either makes the sum one.
    expect(cell('waiting', 3, 'waiting')).toContain('≈3');
    expect(cell('failed', 12, 'failed')).not.toContain('≈');
    expect(cell('failed', 12, 'failed')).toContain('title="12"');
    const exact = { ...q, approximate: undefined } as unknown as OverviewRow;
    expect(renderToStaticMarkup(createElement(CountCell, { q: exact, id: 'completed', value: counts.completed, state: 'completed' }))).not.toContain('≈');
  });
});
