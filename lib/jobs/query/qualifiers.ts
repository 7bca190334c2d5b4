// The job query language's qualifiers, written once: the parser's error hints, the search box's
// autocomplete and the README's reference table all read this list.

export type Qualifier = { name: string; syntax: string; example: string; summary: string };

export const QUALIFIERS: Qualifier[] = [
  { name: 'state', syntax: 'state:<state>[,<state>…]', example: 'state:failed,completed', summary: 'in one of these states (several state: terms mean any of them)' },
  { name: 'name', syntax: 'name:<name> | name:<prefix>* | name:~<text>', example: 'name:send-*', summary: 'job name: exact, by prefix, or containing the text' },
  { name: 'id', syntax: 'id:<id>', example: 'id:123', summary: 'job id, exact' },
  { name: 'data', syntax: 'data.<path>:<value> | data.<path>:>n | data.<path>:~<text> | data:~<text>', example: 'data.user.plan:business', summary: 'a JSON path into the job data: equal, compared as a number, or containing the text' },
  { name: 'returnvalue', syntax: 'returnvalue.<path>:<value> | returnvalue.<path>:>n | returnvalue.<path>:~<text> | returnvalue:~<text>', example: 'returnvalue.status:ok', summary: 'a JSON path into the return value, as data.' },
  { name: 'error', syntax: 'error:~<text>', example: 'error:~ECONNREFUSED', summary: 'failed reason or stack traces contain the text' },
  { name: 'logs', syntax: 'logs:~<text>', example: 'logs:~"rate limited"', summary: 'one of the newest 1,000 log lines contains the text' },
  { name: 'created', syntax: 'created:>t | created:<t | created:t1..t2 | created:<date> | created:-1h', example: 'created:>2026-12-01', summary: 'when the job was added (dates are UTC days, -1h is relative to now)' },
  { name: 'processed', syntax: 'processed:>t | processed:<t | processed:t1..t2 | processed:<date> | processed:-1h', example: 'processed:-15m..-5m', summary: 'when a worker last started it' },
  { name: 'finished', syntax: 'finished:>t | finished:<t | finished:t1..t2 | finished:<date> | finished:-1h', example: 'finished:<-1h', summary: 'when it completed or failed' },
  { name: 'attempts', syntax: 'attempts:n | attempts:>n | attempts:n1..n2', example: 'attempts:>=3', summary: 'attempts made so far' },
  { name: 'priority', syntax: 'priority:n | priority:>n | priority:n1..n2', example: 'priority:>0', summary: 'job priority (0: none)' },
  { name: 'delay', syntax: 'delay:n | delay:>n[ms|s|m|h] | delay:n1..n2', example: 'delay:>5m', summary: 'delay in ms, or with a unit (ms, s, m, h)' },
  { name: 'parent', syntax: 'parent:<queue>/<id>', example: 'parent:orders/42', summary: 'a flow child of that parent job' },
  { name: 'worker', syntax: 'worker:<name> | worker:<prefix>*', example: 'worker:api-*', summary: 'the worker that processed it last: exact or by prefix' },
];

export const QUALIFIER_NAMES = QUALIFIERS.map((q) => q.name);

export function qualifierNamed(name: string): Qualifier | undefined {
  return QUALIFIERS.find((q) => q.name === name);
}

/** Edit distance (insertions, deletions, substitutions), two rows. */
function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * The candidate the word was probably meant to be (case-insensitive): the closest within two edits,
 * else the first that starts with the word; null when none is close. A candidate every character of
 * which would have to change (`x` → `id`) is not "close".
 */
export function didYouMean(word: string, candidates: readonly string[]): string | null {
  const typed = word.toLowerCase();
  if (!typed) return null;
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const lower = candidate.toLowerCase();
    const distance = levenshtein(typed, lower);
    if (distance <= 2 && distance < Math.max(typed.length, lower.length) && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best ?? candidates.find((candidate) => candidate.toLowerCase().startsWith(typed)) ?? null;
}
