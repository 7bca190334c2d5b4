// The search box's text → the job query's syntax tree (lib/jobs/query/ast.ts). Every malformed query
// is a QueryError naming the offending text and its 1-based position, never a crash.
import { InvalidError } from '@/lib/errors';
import { JOB_STATES, type JobState } from '@/lib/jobs/job-states';
import {
  PATH_MAX_SEGMENTS,
  PATH_ROOTS,
  PATH_SEGMENT_MAX_CHARS,
  QUERY_MAX_CHARS,
  QUERY_MAX_CLAUSES,
  jobQuerySchema,
  type Clause,
  type CompareOp,
  type JobQuery,
  type TimeBound,
} from '@/lib/jobs/query/ast';
import { QUALIFIER_NAMES, didYouMean, qualifierNamed } from '@/lib/jobs/query/qualifiers';

export class QueryError extends InvalidError {
  /** 1-based index of the first character at fault. */
  readonly position: number;
  /** How many characters are at fault (0 when the fault is a missing thing). */
  readonly length: number;
  constructor(message: string, position: number, length: number) {
    super(message);
    this.position = position;
    this.length = length;
  }

  /** DroverError's cross-bundle check matches any `invalid` error; a QueryError also has its position. */
  static [Symbol.hasInstance](value: unknown): boolean {
    return super[Symbol.hasInstance](value) && typeof (value as { position?: unknown }).position === 'number';
  }
}

/** One character of a term, `quoted` when it came from inside "…" (so it is never syntax). */
type Char = { ch: string; quoted: boolean; pos: number };
type Word = { chars: Char[]; start: number; end: number };
type Operator = '' | '=' | '~' | '>' | '>=' | '<' | '<=';
type Term = {
  text: string;
  /** The term as typed without its leading `-` (what messages quote), and where that starts (0-based). */
  raw: string;
  start: number;
  negate: boolean;
  /** Whether the term has an unquoted `:` (a qualifier); otherwise it is a free word or phrase. */
  qualified: boolean;
  head: string;
  headChars: Char[];
  op: Operator;
  opPos: number;
  value: Char[];
  /** Where the value starts (0-based); after the operator when the value is empty. */
  valuePos: number;
};

const COMPARE: Record<'>' | '>=' | '<' | '<=', CompareOp> = { '>': 'gt', '>=': 'gte', '<': 'lt', '<=': 'lte' };
const DAY_MS = 86_400_000;
const RELATIVE_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS };
const DELAY_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;
const DELAY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)(ms|s|m|h)?$/i;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2})?)?$/i;
/** Epoch milliseconds are told from small numbers by size: 1e11 ms is March 1973. */
const EPOCH_MS_MIN = 100_000_000_000;
const TIME_HINT = 'write -1h or -15m (before now), 2026-12-01 (a UTC day), 2026-12-01T10:00Z, epoch milliseconds or now';

const fail = (message: string, pos: number, length: number): never => {
  throw new QueryError(message, pos + 1, length);
};
const at = (pos: number) => `at ${pos + 1}`;
const str = (chars: Char[]) => chars.map((c) => c.ch).join('');
const isSpace = (ch: string) => /\s/.test(ch);

export function parseJobQuery(text: string): JobQuery {
  if (text.length > QUERY_MAX_CHARS) {
    fail(`the query is too long ${at(QUERY_MAX_CHARS)}: at most ${QUERY_MAX_CHARS} characters (it has ${text.length})`, QUERY_MAX_CHARS, text.length - QUERY_MAX_CHARS);
  }
  const words = splitWords(text);
  if (words.length === 0) fail('type a word to find, or a qualifier like state:failed', 0, 0);
  const clauses: Clause[] = [];
  for (const word of words) {
    const term = readTerm(text, word);
    const made = termClauses(term);
    if (clauses.length + made.length > QUERY_MAX_CLAUSES) {
      fail(`\`${term.text}\` ${at(word.start)} is one term too many: a query takes at most ${QUERY_MAX_CLAUSES} terms`, word.start, word.end - word.start);
    }
    clauses.push(...made);
  }
  const checked = jobQuerySchema.safeParse({ clauses });
  // Unreachable when the checks above are complete; a precise 400 rather than a 500 if one is missed.
  if (!checked.success) fail(`the query does not fit the query schema at 1: ${checked.error.issues[0]?.message ?? 'invalid'}`, 0, text.length);
  return checked.data!;
}

/** Whitespace-separated words; "…" (with \" and \\) keeps spaces and syntax inside one word. */
function splitWords(text: string): Word[] {
  const words: Word[] = [];
  let i = 0;
  while (i < text.length) {
    if (isSpace(text[i])) {
      i++;
      continue;
    }
    const start = i;
    const chars: Char[] = [];
    while (i < text.length && !isSpace(text[i])) {
      if (text[i] !== '"') {
        chars.push({ ch: text[i], quoted: false, pos: i });
        i++;
        continue;
      }
      const open = i++;
      let closed = false;
      while (i < text.length) {
        if (text[i] === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
          chars.push({ ch: text[i + 1], quoted: true, pos: i });
          i += 2;
        } else if (text[i] === '"') {
          closed = true;
          i++;
          break;
        } else {
          chars.push({ ch: text[i], quoted: true, pos: i });
          i++;
        }
      }
      if (!closed) fail(`unterminated quote \`"\` ${at(open)}: close the phrase with a second \`"\``, open, text.length - open);
    }
    words.push({ chars, start, end: i });
  }
  return words;
}

function readTerm(text: string, word: Word): Term {
  let chars = word.chars;
  let start = word.start;
  const negate = chars.length > 0 && !chars[0].quoted && chars[0].ch === '-' && chars[0].pos === word.start;
  if (negate) {
    chars = chars.slice(1);
    start++;
    if (start === word.end) fail(`\`-\` ${at(word.start)} needs a word or a qualifier right after it, with no space (-state:failed)`, word.start, 1);
  }
  const raw = text.slice(start, word.end);
  const colon = chars.findIndex((c) => !c.quoted && c.ch === ':');
  if (colon < 0) {
    return { text: text.slice(word.start, word.end), raw, start, negate, qualified: false, head: '', headChars: [], op: '', opPos: start, value: chars, valuePos: start };
  }
  const headChars = chars.slice(0, colon);
  const afterColon = chars.slice(colon + 1);
  let op: Operator = '';
  const [c0, c1] = afterColon;
  if (c0 && !c0.quoted && (c0.ch === '>' || c0.ch === '<')) {
    op = c1 && !c1.quoted && c1.ch === '=' ? (`${c0.ch}=` as Operator) : (c0.ch as Operator);
  } else if (c0 && !c0.quoted && (c0.ch === '=' || c0.ch === '~')) {
    op = c0.ch as Operator;
  }
  const opPos = chars[colon].pos + 1;
  const value = afterColon.slice(op.length);
  return {
    text: text.slice(word.start, word.end),
    raw,
    start,
    negate,
    qualified: true,
    head: str(headChars),
    headChars,
    op,
    opPos,
    value,
    valuePos: value[0]?.pos ?? opPos + op.length,
  };
}

function termClauses(term: Term): Clause[] {
  const { negate } = term;
  if (!term.qualified) return [{ kind: 'text', negate, field: 'any', needle: needleOf(term) }];

  const lower = term.head.toLowerCase();
  const root = PATH_ROOTS.find((r) => lower === r || lower.startsWith(`${r}.`));
  if (root) return [pathClause(term, root)];
  const quotedHead = term.headChars.some((c) => c.quoted);
  const qualifier = quotedHead ? undefined : qualifierNamed(lower);
  if (!qualifier) unknownQualifier(term);
  const name = qualifier!.name;
  if (term.value.length === 0) fail(`\`${term.head}:${term.op}\` needs a value ${at(term.start)}`, term.start, term.raw.length);

  switch (name) {
    case 'state':
      only(term, ['', '=']);
      return [{ kind: 'state', negate, states: stateList(term) }];
    case 'name': {
      only(term, ['', '=', '~']);
      const { value, prefix } = starValue(term);
      return [{ kind: 'name', negate, op: term.op === '~' ? 'contains' : prefix ? 'prefix' : 'eq', value }];
    }
    case 'id':
      only(term, ['', '=']);
      return [{ kind: 'id', negate, value: str(term.value) }];
    case 'error':
    case 'logs':
      only(term, ['', '~']);
      return [{ kind: 'text', negate, field: name, needle: str(term.value) }];
    case 'created':
    case 'processed':
    case 'finished':
      only(term, ['', '>', '>=', '<', '<=']);
      return [{ kind: 'time', negate, field: name, ...timeRange(term) }];
    case 'attempts':
    case 'priority':
    case 'delay':
      only(term, ['', '=', '>', '>=', '<', '<=']);
      return numberClauses(term, name);
    case 'parent': {
      only(term, ['', '=']);
      const value = str(term.value);
      const slash = value.indexOf('/');
      if (slash <= 0 || slash === value.length - 1) {
        fail(`\`${term.raw}\` ${at(term.start)} needs a queue and a job id: parent:<queue>/<id>`, term.start, term.raw.length);
      }
      if (slash > 200) fail(`queue name in \`${term.raw}\` ${at(term.valuePos)} is longer than 200 characters`, term.valuePos, slash);
      return [{ kind: 'parent', negate, queue: value.slice(0, slash), id: value.slice(slash + 1) }];
    }
    case 'worker': {
      only(term, ['', '=']);
      const { value, prefix } = starValue(term);
      return [{ kind: 'worker', negate, op: prefix ? 'prefix' : 'eq', value }];
    }
  }
  throw new Error(`qualifier ${name} has no parser`);
}

/** A free word or quoted phrase: searched as typed in every text field. */
function needleOf(term: Term): string {
  const needle = str(term.value);
  if (!needle) fail(`empty phrase \`${term.raw}\` ${at(term.start)}: type something between the quotes`, term.start, term.raw.length);
  return needle;
}

function unknownQualifier(term: Term): never {
  const pos = term.headChars[0]?.pos ?? term.start;
  const quoted = `"${term.raw.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  if (!term.head) fail(`\`${term.raw}\` ${at(pos)} has nothing before \`:\`: write a qualifier like state:failed (quote it to search the text: ${quoted})`, pos, term.raw.length);
  // `user.plan:x` or `dat.user:x` was probably a path: suggest it under its (closest) root.
  const dot = term.head.indexOf('.');
  const rootGuess = dot > 0 ? didYouMean(term.head.slice(0, dot), PATH_ROOTS) : null;
  const guess = dot < 0 ? didYouMean(term.head, QUALIFIER_NAMES) : rootGuess ? `${rootGuess}${term.head.slice(dot)}` : `data.${term.head}`;
  const suggestion = guess ? ` — did you mean \`${guess}\`?` : '';
  return fail(`unknown qualifier \`${term.head}\` ${at(pos)}${suggestion} (quote it to search the text: ${quoted})`, pos, term.head.length);
}

function only(term: Term, allowed: Operator[]) {
  if (allowed.includes(term.op)) return;
  const qualifier = qualifierNamed(term.head.toLowerCase().split('.')[0]);
  fail(`\`${term.op}\` ${at(term.opPos)} does not work with \`${term.head}:\` — write ${qualifier?.syntax ?? term.head}`, term.opPos, term.op.length);
}

function stateList(term: Term): JobState[] {
  const states: JobState[] = [];
  let item: Char[] = [];
  let itemPos = term.valuePos;
  const take = (endPos: number) => {
    const word = str(item).toLowerCase();
    if (!word) fail(`empty state in \`${term.raw}\` ${at(endPos)}: separate states with one comma (state:failed,completed)`, endPos, 1);
    const state = JOB_STATES.find((s) => s === word);
    if (!state) {
      const guess = didYouMean(word, JOB_STATES);
      const hint = guess ? `did you mean \`${guess}\`?` : `the states are ${JOB_STATES.join(', ')}`;
      fail(`unknown state \`${str(item)}\` ${at(itemPos)} — ${hint}`, itemPos, item.length);
    }
    if (!states.includes(state!)) states.push(state!);
  };
  for (const c of term.value) {
    if (!c.quoted && c.ch === ',') {
      take(c.pos);
      item = [];
      itemPos = c.pos + 1;
    } else {
      if (item.length === 0) itemPos = c.pos;
      item.push(c);
    }
  }
  take(itemPos - 1);
  return states;
}

/** `x` exact, `x*` a prefix (only an unquoted `*` at the very end); a quoted `*` is a literal one. */
function starValue(term: Term): { value: string; prefix: boolean } {
  const stars = term.value.filter((c) => !c.quoted && c.ch === '*');
  const last = term.value[term.value.length - 1];
  const name = term.head.toLowerCase();
  for (const star of stars) {
    if (term.op === '~') {
      fail(`\`*\` ${at(star.pos)} means nothing in \`${term.raw}\`: \`~\` already matches anywhere in the ${name} (quote the value to find a literal *)`, star.pos, 1);
    }
    if (star !== last) {
      fail(`\`*\` ${at(star.pos)} works only at the end of a ${name} (${name}:send-*, a prefix); quote the value to find a literal *`, star.pos, 1);
    }
  }
  if (stars.length === 0) return { value: str(term.value), prefix: false };
  const value = str(term.value.slice(0, -1));
  if (!value) fail(`\`${term.raw}\` needs some text before the \`*\` ${at(term.start)}`, term.start, term.raw.length);
  return { value, prefix: true };
}

function pathClause(term: Term, root: (typeof PATH_ROOTS)[number]): Clause {
  const { negate } = term;
  const headPos = term.headChars[0].pos;
  if (term.headChars.some((c) => c.quoted)) {
    fail(`\`${term.raw}\` ${at(headPos)}: a path cannot be quoted; its segments are keys without spaces, \`:\` or \`"\``, headPos, term.head.length);
  }
  if (term.value.length === 0) fail(`\`${term.head}:${term.op}\` needs a value ${at(term.start)}`, term.start, term.raw.length);
  const path = term.head.length > root.length ? term.head.slice(root.length + 1).split('.') : [];
  let segmentPos = headPos + root.length + 1;
  for (const segment of path) {
    if (!segment) fail(`empty path segment in \`${term.head}\` ${at(segmentPos)}: write ${root}.<key>.<key>`, segmentPos, 1);
    if (segment.length > PATH_SEGMENT_MAX_CHARS) {
      fail(`path segment \`${segment.slice(0, 20)}…\` ${at(segmentPos)} is longer than ${PATH_SEGMENT_MAX_CHARS} characters`, segmentPos, segment.length);
    }
    segmentPos += segment.length + 1;
  }
  if (path.length > PATH_MAX_SEGMENTS) {
    fail(`path \`${term.head}\` ${at(headPos)} has ${path.length} segments: at most ${PATH_MAX_SEGMENTS}`, headPos, term.head.length);
  }
  const value = str(term.value);
  if (path.length === 0) {
    if (term.op !== '~') {
      fail(`\`${term.raw}\` ${at(headPos)} names no field: write \`${root}.<key>:${value}\` to match a field, or \`${root}:~${value}\` to search the whole ${root}`, headPos, term.raw.length);
    }
    return { kind: 'path', negate, root, path, op: 'contains', value };
  }
  if (term.op === '' || term.op === '=') return { kind: 'path', negate, root, path, op: 'eq', value };
  if (term.op === '~') return { kind: 'path', negate, root, path, op: 'contains', value };
  return { kind: 'path', negate, root, path, op: COMPARE[term.op], value: numberAt(term, value, term.valuePos) };
}

function numberAt(term: Term, value: string, pos: number, units?: Record<string, number>): number {
  const match = units ? DELAY.exec(value) : NUMBER.test(value) ? [value, value] : null;
  const number = match ? Number(match[1]) * (units && match[2] ? units[match[2].toLowerCase()] : 1) : NaN;
  if (!Number.isFinite(number)) {
    const kind = units ? `a number (of ms, or with a unit: ${Object.keys(units).join(', ')})` : 'a number';
    fail(`\`${term.raw}\` needs ${kind} ${at(pos)}`, pos, Math.max(value.length, 1));
  }
  return number;
}

function numberClauses(term: Term, field: 'attempts' | 'priority' | 'delay'): Clause[] {
  const { negate } = term;
  const units = field === 'delay' ? DELAY_UNITS : undefined;
  const value = str(term.value);
  if (term.op !== '') return [{ kind: 'number', negate, field, op: COMPARE[term.op as keyof typeof COMPARE] ?? 'eq', value: numberAt(term, value, term.valuePos, units) }];
  const dots = value.indexOf('..');
  if (dots < 0) return [{ kind: 'number', negate, field, op: 'eq', value: numberAt(term, value, term.valuePos, units) }];
  const [left, right] = [value.slice(0, dots), value.slice(dots + 2)];
  const rightPos = term.valuePos + dots + 2;
  if (!left && !right) fail(`\`${term.raw}\` needs a number on at least one side of \`..\` ${at(term.valuePos)}`, term.valuePos, 2);
  const min = left ? numberAt(term, left, term.valuePos, units) : null;
  const max = right ? numberAt(term, right, rightPos, units) : null;
  if (min !== null && max !== null) {
    if (min > max) fail(`range \`${value}\` ${at(term.valuePos)} ends before it starts: write the smaller number first`, term.valuePos, value.length);
    if (negate) {
      fail(`\`-${term.raw}\` ${at(term.start - 1)}: a range cannot be negated; search ${field}:<${left} and ${field}:>${right} separately`, term.start - 1, term.raw.length + 1);
    }
  }
  const clauses: Clause[] = [];
  if (min !== null) clauses.push({ kind: 'number', negate, field, op: 'gte', value: min });
  if (max !== null) clauses.push({ kind: 'number', negate, field, op: 'lte', value: max });
  return clauses;
}

type Instant = { bound: TimeBound; kind: 'day' | 'instant' | 'relative' | 'now'; dayEnd?: number };
type TimeRange = { from?: TimeBound; to?: TimeBound; fromExclusive: boolean; toExclusive: boolean };

/**
 * A date without a time is a whole UTC day wherever it stands: `2026-12-01` is that day, `>2026-12-01`
 * starts the next day, `<=2026-12-01` and `..2026-12-01` end with it, `>=` and `<` at its start.
 */
function timeRange(term: Term): TimeRange {
  const value = str(term.value);
  const pos = term.valuePos;
  const open = { fromExclusive: false, toExclusive: false };
  if (term.op !== '') {
    const t = instantAt(value, pos);
    if (t.kind === 'day') {
      if (term.op === '>') return { ...open, from: { at: t.dayEnd! } };
      if (term.op === '>=') return { ...open, from: t.bound };
      if (term.op === '<') return { ...open, to: t.bound, toExclusive: true };
      return { ...open, to: { at: t.dayEnd! }, toExclusive: true };
    }
    if (term.op === '>' || term.op === '>=') return { ...open, from: t.bound, fromExclusive: term.op === '>' };
    return { ...open, to: t.bound, toExclusive: term.op === '<' };
  }
  const dots = value.indexOf('..');
  if (dots < 0) {
    const t = instantAt(value, pos);
    if (t.kind === 'day') return { from: t.bound, to: { at: t.dayEnd! }, fromExclusive: false, toExclusive: true };
    if (t.kind === 'relative') return { ...open, from: t.bound };
    const name = term.head.toLowerCase();
    return fail(`\`${term.raw}\` ${at(term.start)} is a single instant: write ${name}:>${value}, ${name}:<${value} or a range ${name}:<from>..<to>`, term.start, term.raw.length);
  }
  const [left, right] = [value.slice(0, dots), value.slice(dots + 2)];
  if (!left && !right) fail(`\`${term.raw}\` needs a time on at least one side of \`..\` ${at(pos)}`, pos, 2);
  const from = left ? instantAt(left, pos) : undefined;
  const to = right ? instantAt(right, pos + dots + 2) : undefined;
  const toBound = to?.kind === 'day' ? { at: to.dayEnd! } : to?.bound;
  // Against the start of a last day, so `2026-12-01..2026-12-01` is that day.
  const last = to?.bound;
  const backwards =
    from && last && (('at' in from.bound && 'at' in last && from.bound.at > last.at) || ('ago' in from.bound && 'ago' in last && from.bound.ago < last.ago));
  if (backwards) fail(`range \`${value}\` ${at(pos)} ends before it starts: write the earlier time first`, pos, value.length);
  return { from: from?.bound, to: toBound, fromExclusive: false, toExclusive: to?.kind === 'day' };
}

function instantAt(value: string, pos: number): Instant {
  if (value.toLowerCase() === 'now') return { bound: { ago: 0 }, kind: 'now' };
  const relative = /^-(\d+)([smhdw])$/i.exec(value);
  if (relative) {
    const ago = Number(relative[1]) * RELATIVE_UNITS[relative[2].toLowerCase()];
    if (!Number.isSafeInteger(ago)) fail(`\`${value}\` ${at(pos)} is too far back`, pos, value.length);
    return { bound: { ago }, kind: 'relative' };
  }
  if (/^\d+$/.test(value)) {
    const ms = Number(value);
    if (ms < EPOCH_MS_MIN || !Number.isSafeInteger(ms)) {
      fail(`\`${value}\` ${at(pos)} is not a time: epoch milliseconds have at least 12 digits; or ${TIME_HINT}`, pos, value.length);
    }
    return { bound: { at: ms }, kind: 'instant' };
  }
  const iso = ISO.exec(value);
  if (!iso) return fail(`\`${value}\` ${at(pos)} is not a time: ${TIME_HINT}`, pos, value.length);
  const [, y, mo, d, h, mi, s, frac, zone] = iso;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const invalid = (why: string): never => fail(`invalid date \`${value}\` ${at(pos)}: ${why}`, pos, value.length);
  if (month < 1 || month > 12) invalid(`there is no month ${mo}`);
  const daysInMonth = new Date(utc(year, month, 0)).getUTCDate();
  if (day < 1 || day > daysInMonth) invalid(`${y}-${mo} has no day ${d}`);
  if (h === undefined) {
    const start = utc(year, month - 1, day);
    return { bound: { at: start }, kind: 'day', dayEnd: start + DAY_MS };
  }
  if (Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59) invalid(`there is no time ${h}:${mi}${s === undefined ? '' : `:${s}`}`);
  let offset = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const [zh, zm] = zone.slice(1).split(':').map(Number);
    if (zh > 23 || zm > 59) invalid(`there is no time zone ${zone}`);
    offset = (zone[0] === '-' ? -1 : 1) * (zh * 60 + zm) * 60_000;
  }
  const ms = utc(year, month - 1, day, Number(h), Number(mi), Number(s ?? 0), Number((frac ?? '').padEnd(3, '0'))) - offset;
  return { bound: { at: ms }, kind: 'instant' };
}

/** Date.UTC, but years 0–99 stay those years (Date.UTC reads them as 1900–1999). */
function utc(year: number, month: number, day: number, h = 0, mi = 0, s = 0, ms = 0): number {
  const date = new Date(Date.UTC(2000, 0, 1, h, mi, s, ms));
  date.setUTCFullYear(year, month, day);
  return date.getTime();
}
