// The search box's autocomplete: what it offers for the token under the caret, and which range of the
// text an item replaces.
import { describe, expect, it } from 'vitest';
import { COMPLETION_MAX_ITEMS, completeQuery } from '@/lib/jobs/query/complete-query';
import { parseJobQuery } from '@/lib/jobs/query/parse-query';

const known = {
  names: ['send-email', 'send-sms', 'resize image', 'Sync-Users', 'a*b'],
  paths: ['data.user.plan', 'data.user.id', 'data.amount', 'returnvalue.id', 'returnvalue.status'],
};
/** Completes at the `|` in the text. */
const complete = (marked: string, values = known) => completeQuery(marked.replace('|', ''), marked.indexOf('|'), values);
const labels = (marked: string, values = known) => complete(marked, values).items.map((i) => i.label);
/** The text after inserting the first item whose label is `label`. */
function accept(marked: string, label: string): string {
  const text = marked.replace('|', '');
  const { from, to, items } = complete(marked);
  const item = items.find((i) => i.label === label);
  if (!item) throw new Error(`no ${label} in ${items.map((i) => i.label).join(', ')}`);
  return text.slice(0, from) + item.insert + text.slice(to);
}

describe('qualifier names', () => {
  it('offers the qualifiers that start with what is typed, case-insensitively, with their summary', () => {
    expect(labels('st|')).toEqual(['state:']);
    expect(complete('st|')).toEqual({ from: 0, to: 2, items: [{ label: 'state:', insert: 'state:', detail: expect.stringContaining('states') }] });
    expect(labels('P|')).toEqual(['processed:', 'priority:', 'parent:']);
    expect(labels('x |')).toHaveLength(COMPLETION_MAX_ITEMS);
    expect(labels('|')[0]).toBe('state:');
    expect(labels('zz|')).toEqual([]);
  });

  it('offers data. and returnvalue. as path starts, then the known paths', () => {
    expect(labels('d|')).toEqual(['data.', 'delay:', 'data.user.plan', 'data.user.id', 'data.amount']);
    expect(labels('ret|')).toEqual(['returnvalue.', 'returnvalue.id', 'returnvalue.status']);
    expect(accept('d|', 'data.')).toBe('data.');
  });

  it('completes a JSON path after data. with its : (case-insensitive match, case kept)', () => {
    expect(labels('data.u|')).toEqual(['data.user.plan', 'data.user.id']);
    expect(labels('DATA.USER.P|')).toEqual(['data.user.plan']);
    expect(complete('data.user.p|').items[0]).toEqual({ label: 'data.user.plan', insert: 'data.user.plan:', detail: 'data path' });
    expect(complete('returnvalue.s|').items[0]).toMatchObject({ insert: 'returnvalue.status:', detail: 'returnvalue path' });
    expect(accept('state:failed data.am|', 'data.amount')).toBe('state:failed data.amount:');
    expect(labels('data.zz|')).toEqual([]);
  });

  it('replaces only the word under the caret, keeping a leading - and what follows the :', () => {
    expect(accept('state:failed -er|', 'error:')).toBe('state:failed -error:');
    expect(complete('a -er|')).toMatchObject({ from: 3, to: 5 });
    expect(accept('st|ate:failed', 'state:')).toBe('state:failed');
    expect(accept('na| x', 'name:')).toBe('name: x');
    // With nothing typed, nothing after the caret is replaced.
    expect(complete('a |b')).toMatchObject({ from: 2, to: 2 });
  });
});

describe('values', () => {
  it('offers states after state:, and after a comma the states not yet listed', () => {
    expect(labels('state:|')).toEqual(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed']);
    expect(complete('state:f|')).toEqual({ from: 6, to: 7, items: [{ label: 'failed', insert: 'failed', detail: 'state' }] });
    expect(labels('state:W|')).toEqual(['waiting', 'waiting-children']);
    expect(labels('state:failed,|')).not.toContain('failed');
    expect(complete('state:failed,c|')).toMatchObject({ from: 13, to: 14 });
    expect(accept('state:failed,c|', 'completed')).toBe('state:failed,completed');
    expect(accept('state:fa|,completed', 'failed')).toBe('state:failed,completed');
    expect(accept('-state:a|', 'active')).toBe('-state:active');
  });

  it('offers known job names after name: by prefix, or containing after name:~, quoting where needed', () => {
    expect(labels('name:send|')).toEqual(['send-email', 'send-sms']);
    expect(labels('name:SYNC|')).toEqual(['Sync-Users']);
    expect(labels('name:~mail|')).toEqual(['send-email']);
    expect(complete('name:~mail|')).toMatchObject({ from: 6, to: 10 });
    expect(accept('name:res|', 'resize image')).toBe('name:"resize image"');
    expect(accept('name:a|', 'a*b')).toBe('name:"a*b"');
    expect(accept('name:se| state:failed', 'send-sms')).toBe('name:send-sms state:failed');
    // What the box inserts reads back as that name.
    expect(parseJobQuery(accept('name:res|', 'resize image')).clauses[0]).toMatchObject({ op: 'eq', value: 'resize image' });
    expect(parseJobQuery(accept('name:a|', 'a*b')).clauses[0]).toMatchObject({ op: 'eq', value: 'a*b' });
  });

  it('offers time examples after created:, processed:, finished:, filtered by what is typed', () => {
    expect(labels('created:|')).toEqual(expect.arrayContaining(['>-1h', '-15m..-5m', '>2026-12-01']));
    expect(labels('finished:>-|')).toEqual(['>-1h', '>-24h', '>-7d']);
    expect(complete('processed:-|')).toMatchObject({ from: 10, to: 11, items: [{ label: '-15m..-5m', insert: '-15m..-5m', detail: 'between 15 and 5 minutes ago' }] });
    // Every example parses.
    for (const item of complete('created:|').items) expect(() => parseJobQuery(`created:${item.insert}`), item.insert).not.toThrow();
  });

  it('offers nothing where it knows nothing: other values, inside a phrase, past the end', () => {
    expect(labels('id:|')).toEqual([]);
    expect(labels('worker:a|')).toEqual([]);
    expect(labels('data.user.plan:b|')).toEqual([]);
    expect(labels('"sta|')).toEqual([]);
    expect(complete('"sta|')).toEqual({ from: 4, to: 4, items: [] });
    expect(labels('"a b" st|')).toEqual(['state:']);
    expect(completeQuery('st', 99, known)).toMatchObject({ from: 0, to: 2, items: [{ label: 'state:' }] });
  });

  it('returns at most 12 items', () => {
    const names = Array.from({ length: 30 }, (_, i) => `job-${i}`);
    expect(labels('name:job|', { names, paths: [] })).toHaveLength(COMPLETION_MAX_ITEMS);
  });
});
