// The job query language's parser: every qualifier and operator into the syntax tree, quoting and
// negation, the limits, and every error's message and 1-based position.
import { describe, expect, it } from 'vitest';
import { InvalidError } from '@/lib/errors';
import { QUERY_MAX_CHARS, QUERY_MAX_CLAUSES, jobQuerySchema } from '@/lib/jobs/query/ast';
import { QueryError, parseJobQuery } from '@/lib/jobs/query/parse-query';
import { QUALIFIERS, didYouMean } from '@/lib/jobs/query/qualifiers';

const clauses = (text: string) => parseJobQuery(text).clauses;
const clause = (text: string) => {
  const all = clauses(text);
  expect(all).toHaveLength(1);
  return all[0];
};
function failure(text: string): { message: string; position: number; length: number } {
  try {
    parseJobQuery(text);
  } catch (err) {
    if (!(err instanceof QueryError)) throw err;
    return { message: err.message, position: err.position, length: err.length };
  }
  throw new Error(`${text} parsed`);
}

const DAY = 86_400_000;
const DEC_1 = Date.UTC(2026, 11, 1);

describe('free words and phrases', () => {
  it('searches every text field for each word, as typed, and ANDs the words', () => {
    expect(clauses('ECONNREFUSED Timeout')).toEqual([
      { kind: 'text', negate: false, field: 'any', needle: 'ECONNREFUSED' },
      { kind: 'text', negate: false, field: 'any', needle: 'Timeout' },
    ]);
  });

  it('keeps a quoted phrase whole, with \\" and \\\\ escapes, and a quoted `:` is text', () => {
    expect(clause('"rate limited"')).toEqual({ kind: 'text', negate: false, field: 'any', needle: 'rate limited' });
    expect(clause('"say \\"hi\\" \\\\ bye"')).toMatchObject({ needle: 'say "hi" \\ bye' });
    expect(clause('"a:b"')).toMatchObject({ kind: 'text', field: 'any', needle: 'a:b' });
    expect(clause('"state:failed"')).toMatchObject({ kind: 'text', needle: 'state:failed' });
    // A backslash before anything else is itself.
    expect(clause('"C:\\temp"')).toMatchObject({ needle: 'C:\\temp' });
  });

  it('negates a word or phrase with a leading -', () => {
    expect(clause('-timeout')).toEqual({ kind: 'text', negate: true, field: 'any', needle: 'timeout' });
    expect(clause('-"rate limited"')).toEqual({ kind: 'text', negate: true, field: 'any', needle: 'rate limited' });
    // Only the first - negates; a quoted one is text.
    expect(clause('--x')).toMatchObject({ negate: true, needle: '-x' });
    expect(clause('"-x"')).toMatchObject({ negate: false, needle: '-x' });
  });

  it('splits on any whitespace and ignores it around the query', () => {
    expect(clauses('  a\tb\n c  ').map((c) => (c.kind === 'text' ? c.needle : ''))).toEqual(['a', 'b', 'c']);
  });
});

describe('state:', () => {
  it('takes one state or a comma list (one clause), case-insensitive, without duplicates', () => {
    expect(clause('state:failed')).toEqual({ kind: 'state', negate: false, states: ['failed'] });
    expect(clause('state:failed,completed')).toEqual({ kind: 'state', negate: false, states: ['failed', 'completed'] });
    expect(clause('STATE:Failed,failed,waiting-children')).toEqual({ kind: 'state', negate: false, states: ['failed', 'waiting-children'] });
    expect(clause('state:=active')).toEqual({ kind: 'state', negate: false, states: ['active'] });
    expect(clause('-state:delayed')).toEqual({ kind: 'state', negate: true, states: ['delayed'] });
  });

  it('keeps several state: terms as several clauses', () => {
    expect(clauses('state:failed state:completed')).toHaveLength(2);
  });

  it('names an unknown state, suggesting the close one or listing them all', () => {
    expect(failure('state:faild')).toEqual({ message: 'unknown state `faild` at 7 — did you mean `failed`?', position: 7, length: 5 });
    expect(failure('state:failed,complted')).toMatchObject({ message: 'unknown state `complted` at 14 — did you mean `completed`?', position: 14 });
    expect(failure('state:wait')).toMatchObject({ message: 'unknown state `wait` at 7 — did you mean `waiting`?' });
    expect(failure('state:zzz')).toEqual({
      message: 'unknown state `zzz` at 7 — the states are waiting, active, delayed, prioritized, waiting-children, completed, failed',
      position: 7,
      length: 3,
    });
  });

  it('rejects an empty list item, an empty value and any operator but =', () => {
    expect(failure('state:failed,,completed')).toMatchObject({ message: expect.stringContaining('empty state in `state:failed,,completed` at 14'), position: 14 });
    expect(failure('state:failed,')).toMatchObject({ message: expect.stringContaining('empty state in `state:failed,` at 13'), position: 13 });
    expect(failure('state:')).toEqual({ message: '`state:` needs a value at 1', position: 1, length: 6 });
    expect(failure('x -state:')).toMatchObject({ message: '`state:` needs a value at 4', position: 4 });
    expect(failure('state:>failed')).toEqual({ message: '`>` at 7 does not work with `state:` — write state:<state>[,<state>…]', position: 7, length: 1 });
    expect(failure('state:~fail')).toMatchObject({ position: 7, message: expect.stringContaining('`~` at 7 does not work with `state:`') });
  });
});

describe('name:', () => {
  it('matches exactly, by prefix with a trailing *, or containing with ~', () => {
    expect(clause('name:send-email')).toEqual({ kind: 'name', negate: false, op: 'eq', value: 'send-email' });
    expect(clause('name:=send-email')).toEqual({ kind: 'name', negate: false, op: 'eq', value: 'send-email' });
    expect(clause('name:send-*')).toEqual({ kind: 'name', negate: false, op: 'prefix', value: 'send-' });
    expect(clause('name:~Mail')).toEqual({ kind: 'name', negate: false, op: 'contains', value: 'Mail' });
    expect(clause('-Name:x')).toEqual({ kind: 'name', negate: true, op: 'eq', value: 'x' });
  });

  it('takes a quoted value, where * is a literal star and : is text', () => {
    expect(clause('name:"send email"')).toEqual({ kind: 'name', negate: false, op: 'eq', value: 'send email' });
    expect(clause('name:"a*"')).toEqual({ kind: 'name', negate: false, op: 'eq', value: 'a*' });
    expect(clause('name:"a*"*')).toEqual({ kind: 'name', negate: false, op: 'prefix', value: 'a*' });
    expect(clause('name:a:b')).toEqual({ kind: 'name', negate: false, op: 'eq', value: 'a:b' });
    expect(clause('name:~"rate limit"')).toEqual({ kind: 'name', negate: false, op: 'contains', value: 'rate limit' });
  });

  it('rejects a * anywhere but the end, with ~, or alone', () => {
    expect(failure('name:a*b')).toEqual({ message: '`*` at 7 works only at the end of a name (name:send-*, a prefix); quote the value to find a literal *', position: 7, length: 1 });
    expect(failure('name:a**')).toMatchObject({ position: 7 });
    expect(failure('name:~mail*')).toMatchObject({ message: expect.stringContaining('`*` at 11 means nothing in `name:~mail*`'), position: 11 });
    expect(failure('name:*')).toEqual({ message: '`name:*` needs some text before the `*` at 1', position: 1, length: 6 });
  });

  it('rejects comparisons and an empty value', () => {
    expect(failure('name:>a')).toMatchObject({ message: expect.stringContaining('`>` at 6 does not work with `name:`'), position: 6 });
    expect(failure('name:')).toMatchObject({ message: '`name:` needs a value at 1', position: 1 });
    expect(failure('name:~')).toMatchObject({ message: '`name:~` needs a value at 1', position: 1 });
    expect(failure('name:""')).toMatchObject({ message: '`name:` needs a value at 1' });
  });
});

describe('id:', () => {
  it('matches exactly', () => {
    expect(clause('id:123')).toEqual({ kind: 'id', negate: false, value: '123' });
    expect(clause('id:=abc-1')).toEqual({ kind: 'id', negate: false, value: 'abc-1' });
    expect(clause('-ID:"a b"')).toEqual({ kind: 'id', negate: true, value: 'a b' });
  });

  it('rejects other operators', () => {
    expect(failure('id:~12')).toMatchObject({ message: '`~` at 4 does not work with `id:` — write id:<id>', position: 4, length: 1 });
    expect(failure('id:>=12')).toMatchObject({ position: 4, length: 2 });
  });
});

describe('data.<path> and returnvalue.<path>', () => {
  it('matches a path equal to a string, kept a string even when numeric', () => {
    expect(clause('data.user.plan:business')).toEqual({ kind: 'path', negate: false, root: 'data', path: ['user', 'plan'], op: 'eq', value: 'business' });
    expect(clause('data.amount:100')).toEqual({ kind: 'path', negate: false, root: 'data', path: ['amount'], op: 'eq', value: '100' });
    expect(clause('data.items.0.sku:=A1')).toEqual({ kind: 'path', negate: false, root: 'data', path: ['items', '0', 'sku'], op: 'eq', value: 'A1' });
    expect(clause('returnvalue.status:"all good"')).toEqual({ kind: 'path', negate: false, root: 'returnvalue', path: ['status'], op: 'eq', value: 'all good' });
  });

  it('lower-cases the root but keeps the path as typed', () => {
    expect(clause('DATA.User.Plan:Biz')).toMatchObject({ root: 'data', path: ['User', 'Plan'], value: 'Biz' });
    expect(clause('ReturnValue.ID:7')).toMatchObject({ root: 'returnvalue', path: ['ID'] });
  });

  it('compares numbers with > >= < <=', () => {
    expect(clause('data.amount:>100')).toEqual({ kind: 'path', negate: false, root: 'data', path: ['amount'], op: 'gt', value: 100 });
    expect(clause('data.amount:>=1.5')).toMatchObject({ op: 'gte', value: 1.5 });
    expect(clause('data.amount:<-3')).toMatchObject({ op: 'lt', value: -3 });
    expect(clause('returnvalue.ms:<=1e3')).toMatchObject({ root: 'returnvalue', op: 'lte', value: 1000 });
    expect(clause('-data.n:>.5')).toMatchObject({ negate: true, op: 'gt', value: 0.5 });
  });

  it('searches a path, or the whole field without one, with ~', () => {
    expect(clause('data.note:~"time out"')).toEqual({ kind: 'path', negate: false, root: 'data', path: ['note'], op: 'contains', value: 'time out' });
    expect(clause('data:~x')).toEqual({ kind: 'path', negate: false, root: 'data', path: [], op: 'contains', value: 'x' });
    expect(clause('-returnvalue:~ok')).toEqual({ kind: 'path', negate: true, root: 'returnvalue', path: [], op: 'contains', value: 'ok' });
  });

  it('needs a finite number after a comparison', () => {
    expect(failure('data.amount:>abc')).toEqual({ message: '`data.amount:>abc` needs a number at 14', position: 14, length: 3 });
    expect(failure('data.amount:<1e999')).toMatchObject({ message: '`data.amount:<1e999` needs a number at 14' });
    expect(failure('data.amount:>Infinity')).toMatchObject({ position: 14 });
    expect(failure('data.amount:>0x10')).toMatchObject({ position: 14 });
  });

  it('tells how to write a path-less data: term that is not ~', () => {
    expect(failure('data:x')).toEqual({
      message: '`data:x` at 1 names no field: write `data.<key>:x` to match a field, or `data:~x` to search the whole data',
      position: 1,
      length: 6,
    });
    expect(failure('returnvalue:>3')).toMatchObject({ message: expect.stringContaining('`returnvalue:>3` at 1 names no field'), position: 1 });
  });

  it('rejects empty, too many, too long and quoted path segments, and an empty value', () => {
    expect(failure('data..x:1')).toEqual({ message: 'empty path segment in `data..x` at 6: write data.<key>.<key>', position: 6, length: 1 });
    expect(failure('data.:1')).toMatchObject({ message: expect.stringContaining('empty path segment in `data.` at 6'), position: 6 });
    expect(failure('data.a.:1')).toMatchObject({ position: 8 });
    expect(failure('data.a.b.c.d.e.f.g.h.i:1')).toEqual({ message: 'path `data.a.b.c.d.e.f.g.h.i` at 1 has 9 segments: at most 8', position: 1, length: 22 });
    expect(clause('data.a.b.c.d.e.f.g.h:1')).toMatchObject({ path: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'] });
    const long = 'k'.repeat(65);
    expect(failure(`data.a.${long}:1`)).toMatchObject({ message: expect.stringContaining('is longer than 64 characters'), position: 8, length: 65 });
    expect(clause(`data.${'k'.repeat(64)}:1`)).toMatchObject({ path: ['k'.repeat(64)] });
    expect(failure('data."a b":1')).toMatchObject({ message: expect.stringContaining('a path cannot be quoted'), position: 1 });
    expect(failure('data.x:')).toMatchObject({ message: '`data.x:` needs a value at 1', position: 1 });
  });
});

describe('error: and logs:', () => {
  it('search the text with or without ~', () => {
    expect(clause('error:ECONNREFUSED')).toEqual({ kind: 'text', negate: false, field: 'error', needle: 'ECONNREFUSED' });
    expect(clause('error:~ECONNREFUSED')).toEqual({ kind: 'text', negate: false, field: 'error', needle: 'ECONNREFUSED' });
    expect(clause('logs:~"rate limited"')).toEqual({ kind: 'text', negate: false, field: 'logs', needle: 'rate limited' });
    expect(clause('-logs:retry')).toEqual({ kind: 'text', negate: true, field: 'logs', needle: 'retry' });
  });

  it('reject other operators', () => {
    expect(failure('logs:="x"')).toEqual({ message: '`=` at 6 does not work with `logs:` — write logs:~<text>', position: 6, length: 1 });
    expect(failure('error:>3')).toMatchObject({ position: 7 });
  });
});

describe('created:, processed:, finished:', () => {
  const time = (text: string) => {
    const c = clause(text);
    if (c.kind !== 'time') throw new Error(c.kind);
    return c;
  };

  it('compare with an instant, each operator setting its exclusive flag', () => {
    const t = Date.UTC(2026, 11, 1, 10, 0);
    expect(time('created:>2026-12-01T10:00')).toEqual({ kind: 'time', negate: false, field: 'created', from: { at: t }, fromExclusive: true, toExclusive: false });
    expect(time('created:>=2026-12-01T10:00')).toEqual({ kind: 'time', negate: false, field: 'created', from: { at: t }, fromExclusive: false, toExclusive: false });
    expect(time('finished:<2026-12-01T10:00')).toEqual({ kind: 'time', negate: false, field: 'finished', to: { at: t }, fromExclusive: false, toExclusive: true });
    expect(time('processed:<=2026-12-01T10:00')).toEqual({ kind: 'time', negate: false, field: 'processed', to: { at: t }, fromExclusive: false, toExclusive: false });
    expect(time('-finished:<-1h')).toEqual({ kind: 'time', negate: true, field: 'finished', to: { ago: 3_600_000 }, fromExclusive: false, toExclusive: true });
  });

  it('read a date as a whole UTC day, with every operator', () => {
    expect(time('created:2026-12-01')).toMatchObject({ from: { at: DEC_1 }, to: { at: DEC_1 + DAY }, fromExclusive: false, toExclusive: true });
    expect(time('created:>2026-12-01')).toEqual({ kind: 'time', negate: false, field: 'created', from: { at: DEC_1 + DAY }, fromExclusive: false, toExclusive: false });
    expect(time('created:>=2026-12-01')).toMatchObject({ from: { at: DEC_1 }, fromExclusive: false });
    expect(time('created:<2026-12-01')).toMatchObject({ to: { at: DEC_1 }, toExclusive: true });
    expect(time('created:<=2026-12-01')).toMatchObject({ to: { at: DEC_1 + DAY }, toExclusive: true });
    expect(time('created:2026-12-01..2026-12-01')).toMatchObject({ from: { at: DEC_1 }, to: { at: DEC_1 + DAY }, toExclusive: true });
    expect(time('created:2026-12-01..2026-12-03')).toMatchObject({ from: { at: DEC_1 }, to: { at: DEC_1 + 3 * DAY }, fromExclusive: false, toExclusive: true });
  });

  it('read every instant form: times with seconds and milliseconds, zones, epoch ms, now', () => {
    expect(time('created:>2026-12-01T10:00:05Z').from).toEqual({ at: Date.UTC(2026, 11, 1, 10, 0, 5) });
    expect(time('created:>2026-12-01T10:00:05.5').from).toEqual({ at: Date.UTC(2026, 11, 1, 10, 0, 5, 500) });
    expect(time('created:>2026-12-01T10:00:05.123z').from).toEqual({ at: Date.UTC(2026, 11, 1, 10, 0, 5, 123) });
    expect(time('created:>2026-12-01T10:00+02:00').from).toEqual({ at: Date.UTC(2026, 11, 1, 8, 0) });
    expect(time('created:>2026-12-01T10:00-05:30').from).toEqual({ at: Date.UTC(2026, 11, 1, 15, 30) });
    expect(time('created:>1796169600000').from).toEqual({ at: 1796169600000 });
    expect(time('created:>100000000000').from).toEqual({ at: 100000000000 });
    expect(time('created:<now').to).toEqual({ ago: 0 });
    expect(time('created:<NOW').to).toEqual({ ago: 0 });
  });

  it('read relative times in s, m, h, d, w; alone, one means "since then"', () => {
    expect(time('created:>-30s').from).toEqual({ ago: 30_000 });
    expect(time('created:>-15m').from).toEqual({ ago: 900_000 });
    expect(time('created:>-2d').from).toEqual({ ago: 2 * DAY });
    expect(time('created:>-1w').from).toEqual({ ago: 7 * DAY });
    expect(time('finished:-1h')).toEqual({ kind: 'time', negate: false, field: 'finished', from: { ago: 3_600_000 }, fromExclusive: false, toExclusive: false });
  });

  it('take ranges inclusive at both ends, either end open', () => {
    expect(time('processed:-15m..-5m')).toEqual({ kind: 'time', negate: false, field: 'processed', from: { ago: 900_000 }, to: { ago: 300_000 }, fromExclusive: false, toExclusive: false });
    expect(time('processed:-1h..now')).toMatchObject({ from: { ago: 3_600_000 }, to: { ago: 0 } });
    expect(time('created:2026-12-01T10:00..')).toEqual({ kind: 'time', negate: false, field: 'created', from: { at: Date.UTC(2026, 11, 1, 10) }, fromExclusive: false, toExclusive: false });
    expect(time('created:..-1h')).toEqual({ kind: 'time', negate: false, field: 'created', to: { ago: 3_600_000 }, fromExclusive: false, toExclusive: false });
    expect(time('-created:1796169600000..1796173200000')).toMatchObject({ negate: true, from: { at: 1796169600000 }, to: { at: 1796173200000 } });
  });

  it('reject a lone instant that is not a day or a relative time', () => {
    expect(failure('created:2026-12-01T10:00')).toEqual({
      message: '`created:2026-12-01T10:00` at 1 is a single instant: write created:>2026-12-01T10:00, created:<2026-12-01T10:00 or a range created:<from>..<to>',
      position: 1,
      length: 24,
    });
    expect(failure('x finished:now')).toMatchObject({ message: expect.stringContaining('`finished:now` at 3 is a single instant'), position: 3 });
    expect(failure('created:1796169600000')).toMatchObject({ position: 1 });
  });

  it('reject what is not a time, invalid dates, backwards and empty ranges, = and ~', () => {
    expect(failure('created:>yesterday')).toEqual({
      message: '`yesterday` at 10 is not a time: write -1h or -15m (before now), 2026-12-01 (a UTC day), 2026-12-01T10:00Z, epoch milliseconds or now',
      position: 10,
      length: 9,
    });
    expect(failure('created:>1234')).toMatchObject({ message: expect.stringContaining('`1234` at 10 is not a time: epoch milliseconds have at least 12 digits'), position: 10 });
    expect(failure('created:>-1y')).toMatchObject({ position: 10 });
    expect(failure('created:>+1h')).toMatchObject({ position: 10 });
    expect(failure('created:2026-13-45')).toEqual({ message: 'invalid date `2026-13-45` at 9: there is no month 13', position: 9, length: 10 });
    expect(failure('created:2026-02-29')).toMatchObject({ message: 'invalid date `2026-02-29` at 9: 2026-02 has no day 29', position: 9 });
    expect(clause('created:2028-02-29')).toMatchObject({ kind: 'time' });
    expect(failure('created:>2026-12-01T24:00')).toMatchObject({ message: 'invalid date `2026-12-01T24:00` at 10: there is no time 24:00', position: 10 });
    expect(failure('created:>2026-12-01T10:00+25:00')).toMatchObject({ message: expect.stringContaining('there is no time zone +25:00') });
    expect(failure('created:-1h..2026-12-32')).toMatchObject({ message: expect.stringContaining('invalid date `2026-12-32` at 14'), position: 14 });
    expect(failure('processed:-5m..-15m')).toEqual({ message: 'range `-5m..-15m` at 11 ends before it starts: write the earlier time first', position: 11, length: 9 });
    expect(failure('created:2026-12-02..2026-12-01')).toMatchObject({ position: 9 });
    expect(failure('created:..')).toEqual({ message: '`created:..` needs a time on at least one side of `..` at 9', position: 9, length: 2 });
    expect(failure('created:~x')).toMatchObject({ message: expect.stringContaining('`~` at 9 does not work with `created:`'), position: 9 });
    expect(failure('created:=2026-12-01')).toMatchObject({ position: 9 });
    expect(failure('finished:>')).toMatchObject({ message: '`finished:>` needs a value at 1' });
  });
});

describe('attempts:, priority:, delay:', () => {
  it('compare with each operator', () => {
    expect(clause('attempts:3')).toEqual({ kind: 'number', negate: false, field: 'attempts', op: 'eq', value: 3 });
    expect(clause('attempts:=3')).toMatchObject({ op: 'eq', value: 3 });
    expect(clause('attempts:>3')).toMatchObject({ op: 'gt', value: 3 });
    expect(clause('attempts:>=3')).toMatchObject({ op: 'gte', value: 3 });
    expect(clause('priority:<10')).toEqual({ kind: 'number', negate: false, field: 'priority', op: 'lt', value: 10 });
    expect(clause('priority:<=-1')).toMatchObject({ op: 'lte', value: -1 });
    expect(clause('-delay:>0')).toEqual({ kind: 'number', negate: true, field: 'delay', op: 'gt', value: 0 });
  });

  it('turn a range into two clauses, or one when an end is open', () => {
    expect(clauses('attempts:1..3')).toEqual([
      { kind: 'number', negate: false, field: 'attempts', op: 'gte', value: 1 },
      { kind: 'number', negate: false, field: 'attempts', op: 'lte', value: 3 },
    ]);
    expect(clauses('priority:2..')).toEqual([{ kind: 'number', negate: false, field: 'priority', op: 'gte', value: 2 }]);
    expect(clauses('-priority:..2')).toEqual([{ kind: 'number', negate: true, field: 'priority', op: 'lte', value: 2 }]);
    expect(clauses('attempts:1.5..1.5')).toHaveLength(2);
  });

  it('read delay units ms, s, m, h as milliseconds', () => {
    expect(clause('delay:>250')).toMatchObject({ value: 250 });
    expect(clause('delay:>250ms')).toMatchObject({ value: 250 });
    expect(clause('delay:>5s')).toMatchObject({ value: 5000 });
    expect(clause('delay:>=1.5m')).toMatchObject({ op: 'gte', value: 90_000 });
    expect(clause('delay:2H')).toMatchObject({ op: 'eq', value: 7_200_000 });
    expect(clauses('delay:1s..1m').map((c) => (c.kind === 'number' ? c.value : null))).toEqual([1000, 60_000]);
  });

  it('reject what is not a finite number, a unit outside delay, backwards and negated ranges, ~', () => {
    expect(failure('attempts:abc')).toEqual({ message: '`attempts:abc` needs a number at 10', position: 10, length: 3 });
    expect(failure('attempts:>5s')).toMatchObject({ message: '`attempts:>5s` needs a number at 11', position: 11 });
    expect(failure('priority:1e400')).toMatchObject({ position: 10 });
    expect(failure('delay:>5x')).toEqual({ message: '`delay:>5x` needs a number (of ms, or with a unit: ms, s, m, h) at 8', position: 8, length: 2 });
    expect(failure('attempts:1..x')).toMatchObject({ message: '`attempts:1..x` needs a number at 13', position: 13 });
    expect(failure('attempts:3..1')).toMatchObject({ message: 'range `3..1` at 10 ends before it starts: write the smaller number first', position: 10 });
    expect(failure('attempts:..')).toMatchObject({ message: expect.stringContaining('needs a number on at least one side of `..` at 10') });
    expect(failure('-attempts:1..3')).toEqual({
      message: '`-attempts:1..3` at 1: a range cannot be negated; search attempts:<1 and attempts:>3 separately',
      position: 1,
      length: 14,
    });
    expect(failure('attempts:~3')).toMatchObject({ message: expect.stringContaining('`~` at 10 does not work with `attempts:`') });
  });
});

describe('parent: and worker:', () => {
  it('parent: splits queue and id at the first /', () => {
    expect(clause('parent:orders/42')).toEqual({ kind: 'parent', negate: false, queue: 'orders', id: '42' });
    expect(clause('-parent:=orders/a/b')).toEqual({ kind: 'parent', negate: true, queue: 'orders', id: 'a/b' });
  });

  it('parent: needs both parts, a short queue name, and no operator', () => {
    expect(failure('parent:orders')).toEqual({ message: '`parent:orders` at 1 needs a queue and a job id: parent:<queue>/<id>', position: 1, length: 13 });
    expect(failure('parent:/42')).toMatchObject({ position: 1 });
    expect(failure('parent:orders/')).toMatchObject({ position: 1 });
    expect(failure(`parent:${'q'.repeat(201)}/1`)).toMatchObject({ message: expect.stringContaining('is longer than 200 characters'), position: 8 });
    expect(failure('parent:~orders/1')).toMatchObject({ position: 8 });
  });

  it('worker: matches exactly or by prefix', () => {
    expect(clause('worker:api-1')).toEqual({ kind: 'worker', negate: false, op: 'eq', value: 'api-1' });
    expect(clause('worker:api-*')).toEqual({ kind: 'worker', negate: false, op: 'prefix', value: 'api-' });
    expect(failure('worker:a*b')).toMatchObject({ message: expect.stringContaining('`*` at 9 works only at the end of a worker'), position: 9 });
    expect(failure('worker:~api')).toMatchObject({ position: 8 });
  });
});

describe('qualifiers and their errors', () => {
  it('reads qualifier names case-insensitively', () => {
    expect(clause('State:failed')).toMatchObject({ kind: 'state' });
    expect(clause('ERROR:x')).toMatchObject({ kind: 'text', field: 'error' });
    expect(clause('Attempts:2')).toMatchObject({ kind: 'number', field: 'attempts' });
  });

  it('names an unknown qualifier, suggests the close one, and tells to quote', () => {
    expect(failure('stat:x')).toEqual({ message: 'unknown qualifier `stat` at 1 — did you mean `state`? (quote it to search the text: "stat:x")', position: 1, length: 4 });
    expect(failure('a -nme:x')).toEqual({ message: 'unknown qualifier `nme` at 4 — did you mean `name`? (quote it to search the text: "nme:x")', position: 4, length: 3 });
    expect(failure('foo:bar')).toEqual({ message: 'unknown qualifier `foo` at 1 (quote it to search the text: "foo:bar")', position: 1, length: 3 });
    expect(failure('http://x')).toMatchObject({ message: 'unknown qualifier `http` at 1 (quote it to search the text: "http://x")' });
    expect(failure('ab"c":d')).toMatchObject({ message: expect.stringContaining('(quote it to search the text: "ab\\"c\\":d")') });
    expect(failure(':x')).toEqual({ message: '`:x` at 1 has nothing before `:`: write a qualifier like state:failed (quote it to search the text: ":x")', position: 1, length: 2 });
  });

  it('suggests a path under data. (or the closest root) for an unknown dotted qualifier', () => {
    expect(failure('user.plan:business').message).toBe('unknown qualifier `user.plan` at 1 — did you mean `data.user.plan`? (quote it to search the text: "user.plan:business")');
    expect(failure('dat.user:x').message).toContain('did you mean `data.user`?');
    expect(failure('retrunvalue.id:x').message).toContain('did you mean `returnvalue.id`?');
  });

  it('reads the qualifier before the first unquoted :', () => {
    expect(clause('data.url:http://x')).toMatchObject({ path: ['url'], value: 'http://x' });
  });
});

describe('quotes, negation, emptiness and limits', () => {
  it('points at an unterminated quote', () => {
    expect(failure('abc "def')).toEqual({ message: 'unterminated quote `"` at 5: close the phrase with a second `"`', position: 5, length: 4 });
    expect(failure('logs:~"rate')).toMatchObject({ position: 7 });
    expect(failure('"a\\"')).toMatchObject({ position: 1 });
  });

  it('rejects a - with nothing after it and an empty phrase', () => {
    expect(failure('-')).toEqual({ message: '`-` at 1 needs a word or a qualifier right after it, with no space (-state:failed)', position: 1, length: 1 });
    expect(failure('state:failed - x')).toMatchObject({ position: 14 });
    expect(failure('a ""')).toEqual({ message: 'empty phrase `""` at 3: type something between the quotes', position: 3, length: 2 });
    expect(failure('-""')).toMatchObject({ message: expect.stringContaining('empty phrase'), position: 2 });
  });

  it('asks for something when the query is empty', () => {
    for (const text of ['', '   ', '\t\n']) {
      expect(failure(text)).toEqual({ message: 'type a word to find, or a qualifier like state:failed', position: 1, length: 0 });
    }
  });

  it(`takes at most ${QUERY_MAX_CHARS} characters`, () => {
    const long = 'a'.repeat(QUERY_MAX_CHARS);
    expect(clause(long)).toMatchObject({ needle: long });
    expect(failure(`${long}bc`)).toEqual({ message: `the query is too long at ${QUERY_MAX_CHARS + 1}: at most ${QUERY_MAX_CHARS} characters (it has ${QUERY_MAX_CHARS + 2})`, position: QUERY_MAX_CHARS + 1, length: 2 });
  });

  it(`takes at most ${QUERY_MAX_CLAUSES} terms, a range counting two`, () => {
    const words = Array.from({ length: QUERY_MAX_CLAUSES }, (_, i) => `w${i}`);
    expect(clauses(words.join(' '))).toHaveLength(QUERY_MAX_CLAUSES);
    const text = [...words, 'extra'].join(' ');
    expect(failure(text)).toEqual({ message: `\`extra\` at ${text.indexOf('extra') + 1} is one term too many: a query takes at most 20 terms`, position: text.indexOf('extra') + 1, length: 5 });
    const withRange = [...words.slice(1), 'attempts:1..3'].join(' ');
    expect(failure(withRange).message).toContain('at most 20 terms');
  });

  it('is an InvalidError (a 400), and every result passes the schema', () => {
    expect(() => parseJobQuery('stat:x')).toThrow(InvalidError);
    // Only a query's error counts as a QueryError (DroverError's brand check alone would take any 400).
    expect(new InvalidError('other') instanceof QueryError).toBe(false);
    expect(new QueryError('x at 1', 1, 1) instanceof QueryError).toBe(true);
    const query = parseJobQuery('state:failed error:~ECONNREFUSED data.user.plan:business name:send-* -id:1 created:>-1h attempts:1..3 parent:q/1 worker:w logs:x "a b"');
    expect(jobQuerySchema.parse(query)).toEqual(query);
    expect(query.clauses).toHaveLength(12);
  });

  it('parses the issue example compound query', () => {
    expect(clauses('state:failed name:send-email finished:>-1h data.user.plan:business error:~ECONNREFUSED attempts:3')).toEqual([
      { kind: 'state', negate: false, states: ['failed'] },
      { kind: 'name', negate: false, op: 'eq', value: 'send-email' },
      { kind: 'time', negate: false, field: 'finished', from: { ago: 3_600_000 }, fromExclusive: true, toExclusive: false },
      { kind: 'path', negate: false, root: 'data', path: ['user', 'plan'], op: 'eq', value: 'business' },
      { kind: 'text', negate: false, field: 'error', needle: 'ECONNREFUSED' },
      { kind: 'number', negate: false, field: 'attempts', op: 'eq', value: 3 },
    ]);
  });
});

describe('the qualifier table and didYouMean', () => {
  it('lists every qualifier once, each example parsing', () => {
    expect(QUALIFIERS.map((q) => q.name)).toEqual(['state', 'name', 'id', 'data', 'returnvalue', 'error', 'logs', 'created', 'processed', 'finished', 'attempts', 'priority', 'delay', 'parent', 'worker']);
    for (const q of QUALIFIERS) expect(() => parseJobQuery(q.example), q.example).not.toThrow();
  });

  it('suggests within two edits or by prefix, case-insensitively, else nothing', () => {
    expect(didYouMean('stat', ['state', 'name'])).toBe('state');
    expect(didYouMean('STAET', ['state', 'name'])).toBe('state');
    expect(didYouMean('proc', ['processed', 'priority'])).toBe('processed');
    expect(didYouMean('prio', ['processed', 'priority'])).toBe('priority');
    expect(didYouMean('zzzzz', ['state', 'name'])).toBeNull();
    expect(didYouMean('x', ['id'])).toBeNull();
    expect(didYouMean('', ['id'])).toBeNull();
  });
});

describe('hostile text', () => {
  it('either parses into a valid query or throws a QueryError inside the text, never anything else', () => {
    // A fixed pseudo-random walk over the syntax's characters, so a failure replays.
    let seed = 16;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const pieces = ['state', 'name', 'data', 'data.a', 'created', 'delay', 'parent', 'x', ':', '"', '\\', '-', '*', '~', '>', '<', '=', '..', '.', ',', '/', ' ', '1', '-1h', '2026-12-01', 'now', 'ms', 'é', '\t'];
    for (let n = 0; n < 5000; n++) {
      const text = Array.from({ length: 1 + Math.floor(next() * 12) }, () => pieces[Math.floor(next() * pieces.length)]).join('');
      try {
        expect(jobQuerySchema.parse(parseJobQuery(text))).toBeTruthy();
      } catch (err) {
        if (!(err instanceof QueryError)) throw new Error(`${JSON.stringify(text)}: ${String(err)}`);
        expect(err.position, text).toBeGreaterThanOrEqual(1);
        expect(err.position + Math.max(err.length, 1) - 1, text).toBeLessThanOrEqual(Math.max(text.length, 1));
        if (!text.trim()) continue;
        // The "at N" the message says (outside the quoted text) is the position it reports.
        expect(Number(/ at (\d+)/.exec(err.message.replace(/`[^`]*`/g, ''))?.[1]), `${text}: ${err.message}`).toBe(err.position);
      }
    }
  });
});
