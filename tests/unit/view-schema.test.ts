// What a saved view accepts (lib/views/view.ts): names, columns (the jobs table's own, or paths into
// data / returnvalue written as the query language writes them), and the URL a view opens.
import { describe, expect, it } from 'vitest';
import { JOB_COLUMN_IDS } from '@/components/explorer/job-column-fit';
import { BUILT_IN_VIEW_COLUMNS, isPathColumn, viewColumnsSchema, viewInputSchema, viewNameSchema, viewTarget } from '@/lib/views/view';

describe('saved view fields', () => {
  it('offers exactly the jobs table’s columns, less the checkbox', () => {
    expect([...BUILT_IN_VIEW_COLUMNS].sort()).toEqual(JOB_COLUMN_IDS.filter((id) => id !== 'select').sort());
  });

  it('takes data and returnvalue paths of 1–8 segments without spaces, ":", quotes or dots', () => {
    for (const ok of ['data.customerId', 'returnvalue.id', 'data.items.0.sku', 'data.a-b_c$', `data.${'k'.repeat(64)}`, `data.${Array(8).fill('x').join('.')}`]) expect(isPathColumn(ok), ok).toBe(true);
    for (const bad of ['data', 'data.', 'data..x', 'data.a b', 'data.a:b', 'data."a"', 'Data.x', 'opts.delay', 'returnvalue', `data.${'k'.repeat(65)}`, `data.${Array(9).fill('x').join('.')}`, 'data.\u0007'])
      expect(isPathColumn(bad), bad).toBe(false);
  });

  it('bounds the columns: 12 at most, 8 of them paths, none twice', () => {
    expect(viewColumnsSchema.safeParse(['id', 'name', 'data.a']).success).toBe(true);
    expect(viewColumnsSchema.safeParse(['select']).success).toBe(false);
    expect(viewColumnsSchema.safeParse(['id', 'id']).success).toBe(false);
    expect(viewColumnsSchema.safeParse(Array.from({ length: 8 }, (_, i) => `data.k${i}`)).success).toBe(true);
    expect(viewColumnsSchema.safeParse(Array.from({ length: 9 }, (_, i) => `data.k${i}`)).success).toBe(false);
    expect(viewColumnsSchema.safeParse([...Array.from({ length: 8 }, (_, i) => `data.k${i}`), 'id', 'name', 'state', 'created']).success).toBe(true);
    expect(viewColumnsSchema.safeParse([...Array.from({ length: 8 }, (_, i) => `data.k${i}`), 'id', 'name', 'state', 'created', 'started']).success).toBe(false);
  });

  it('names are 1–80 characters, trimmed, without control characters', () => {
    expect(viewNameSchema.parse('  Failed today  ')).toBe('Failed today');
    expect(viewNameSchema.safeParse('x'.repeat(80)).success).toBe(true);
    for (const bad of ['', '   ', 'x'.repeat(81), 'a\tb', 'a\nb', 'a\u0000b', 'a\u0085b']) expect(viewNameSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });

  it('fills the defaults and refuses fields it does not know (an owner is never taken from the input)', () => {
    expect(viewInputSchema.parse({ conn: 'main', queue: 'email', name: 'n', query: '' })).toEqual({ conn: 'main', queue: 'email', name: 'n', query: '', within: 'all', columns: [], order: 'newest', visibility: 'private' });
    expect(viewInputSchema.safeParse({ conn: 'main', queue: 'email', name: 'n', query: '', owner: 'x' }).success).toBe(false);
    expect(viewInputSchema.safeParse({ conn: 'main', queue: 'email', name: 'n', query: 'x'.repeat(501) }).success).toBe(false);
  });

  it('opens the queue page with the view’s query, state and id', () => {
    expect(viewTarget({ id: 'abc', conn: 'my conn', queue: 'e/mail', query: 'data.plan:"big co" -state:failed', within: 'all' })).toBe(
      '/connections/my%20conn/queues/e%2Fmail?q=data.plan%3A%22big+co%22+-state%3Afailed&in=all&view=abc',
    );
  });
});
