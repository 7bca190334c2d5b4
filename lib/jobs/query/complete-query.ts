// The search box's autocomplete: what can replace the token under the caret (qualifiers, states, job
// names, JSON paths sampled from recent jobs, time examples). Pure, so the box can run it per keystroke.
import { JOB_STATES } from '@/lib/jobs/job-states';
import { PATH_ROOTS } from '@/lib/jobs/query/ast';
import { QUALIFIERS } from '@/lib/jobs/query/qualifiers';

export type CompletionItem = { label: string; insert: string; detail: string };
/** `from`/`to`: the 0-based range of `text` an item's `insert` replaces. */
export type Completion = { from: number; to: number; items: CompletionItem[] };
/** What the queue has shown: job names, and JSON paths like `data.user.plan` or `returnvalue.id`. */
export type KnownValues = { names: string[]; paths: string[] };

export const COMPLETION_MAX_ITEMS = 12;

const TIME_QUALIFIERS = new Set(['created', 'processed', 'finished']);
const TIME_EXAMPLES: CompletionItem[] = [
  { label: '>-1h', insert: '>-1h', detail: 'in the last hour' },
  { label: '>-24h', insert: '>-24h', detail: 'in the last 24 hours' },
  { label: '>-7d', insert: '>-7d', detail: 'in the last 7 days' },
  { label: '<-1h', insert: '<-1h', detail: 'more than an hour ago' },
  { label: '-15m..-5m', insert: '-15m..-5m', detail: 'between 15 and 5 minutes ago' },
  { label: '>2026-12-01', insert: '>2026-12-01', detail: 'after that UTC day' },
  { label: '2026-12-01', insert: '2026-12-01', detail: 'on that UTC day' },
  { label: '2026-12-01..2026-12-07', insert: '2026-12-01..2026-12-07', detail: 'from the first UTC day to the last, both included' },
];
const OPERATOR = /^(>=|<=|>|<|=|~)/;

const isSpace = (ch: string | undefined) => ch !== undefined && /\s/.test(ch);

export function completeQuery(text: string, caret: number, known: KnownValues): Completion {
  const at = Math.max(0, Math.min(caret, text.length));
  const none: Completion = { from: at, to: at, items: [] };

  // The word under the caret starts after the last unquoted whitespace; inside an open quote there is
  // nothing to complete (a phrase is being typed).
  let wordStart = 0;
  let inQuote = false;
  for (let i = 0; i < at; i++) {
    const ch = text[i];
    if (inQuote) {
      if (ch === '\\') i++;
      else if (ch === '"') inQuote = false;
    } else if (ch === '"') inQuote = true;
    else if (isSpace(ch)) wordStart = i + 1;
  }
  if (inQuote) return none;
  let wordEnd = at;
  while (wordEnd < text.length && !isSpace(text[wordEnd])) wordEnd++;
  const start = text[wordStart] === '-' && wordStart < at ? wordStart + 1 : wordStart;
  const typed = text.slice(start, at);
  if (typed.includes('"')) return none;

  const colon = typed.indexOf(':');
  if (colon < 0) return qualifierCompletion(text, start, at, typed, known);

  const head = typed.slice(0, colon).toLowerCase();
  const valueStart = start + colon + 1;
  const operator = OPERATOR.exec(typed.slice(colon + 1))?.[0] ?? '';
  const partialStart = valueStart + operator.length;
  const partial = text.slice(partialStart, at);

  if (head === 'state') {
    const comma = partial.lastIndexOf(',');
    const from = partialStart + comma + 1;
    let to = at;
    while (to < wordEnd && text[to] !== ',') to++;
    const typedState = text.slice(from, at).toLowerCase();
    const listed = text.slice(partialStart, wordEnd).toLowerCase().split(',');
    const items = JOB_STATES.filter((s) => s.startsWith(typedState) && (!listed.includes(s) || s === typedState)).map((s) => ({ label: s, insert: s, detail: 'state' }));
    return limit({ from, to, items });
  }
  if (head === 'name') {
    const needle = partial.toLowerCase();
    const contains = operator === '~';
    const items = known.names
      .filter((name) => (contains ? name.toLowerCase().includes(needle) : name.toLowerCase().startsWith(needle)))
      .map((name) => ({ label: name, insert: quoteIfNeeded(name), detail: 'job name' }));
    return limit({ from: partialStart, to: wordEnd, items });
  }
  if (TIME_QUALIFIERS.has(head)) {
    const sofar = text.slice(valueStart, at);
    return limit({ from: valueStart, to: wordEnd, items: TIME_EXAMPLES.filter((e) => e.insert.startsWith(sofar)) });
  }
  return none;
}

/** Qualifier names (`st` → `state:`), then known JSON paths (`data.us` → `data.user.plan:`). */
function qualifierCompletion(text: string, start: number, at: number, typed: string, known: KnownValues): Completion {
  const lower = typed.toLowerCase();
  // Replace the whole qualifier (and its `:`) the caret is in, not what follows the `:`.
  let to = at;
  if (typed) {
    while (to < text.length && !isSpace(text[to]) && text[to] !== ':') to++;
    if (text[to] === ':') to++;
  }
  const qualifiers = lower.includes('.')
    ? []
    : QUALIFIERS.filter((q) => q.name.startsWith(lower)).map((q) => {
        const insert = (PATH_ROOTS as readonly string[]).includes(q.name) ? `${q.name}.` : `${q.name}:`;
        return { label: insert, insert, detail: q.summary };
      });
  const paths = lower
    ? known.paths
        .filter((path) => path.toLowerCase().startsWith(lower) && PATH_ROOTS.some((root) => path.startsWith(`${root}.`)))
        .map((path) => ({ label: path, insert: `${path}:`, detail: `${path.slice(0, path.indexOf('.'))} path` }))
    : [];
  return limit({ from: start, to, items: [...qualifiers, ...paths] });
}

/** A value with spaces, quotes, a `*` or a leading operator goes in quotes, so it reads back as itself. */
function quoteIfNeeded(value: string): string {
  return /[\s"*\\]|^[><=~]/.test(value) || value === '' ? `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : value;
}

function limit(completion: Completion): Completion {
  return { ...completion, items: completion.items.slice(0, COMPLETION_MAX_ITEMS) };
}
