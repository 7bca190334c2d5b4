// What a query-matches rule measures: how many jobs of its queue its query matches, counted with the
// query engine's bounded chunks and stopped as soon as the count passes the threshold (the rule only needs
// to know "more than N"). Bounded per rule and round (QUERY_ALERT_MAX_SCAN jobs, QUERY_ALERT_MAX_MS), and
// counted at most once a minute per rule, so a rule on a million-job queue costs production Redis or
// PostgreSQL a short, spaced scan, not a full one every sample.
import 'server-only';
import { logger } from '@/lib/log';
import { getConnection } from '@/lib/redis/connections';
import { parseJobQuery } from '@/lib/jobs/query/parse-query';
import { resolveJobQuery } from '@/lib/jobs/query/resolve-query';
import { walkQuery, type QueryCursor } from '@/lib/jobs/query/walk-query';
import type { AlertRule } from './rule';

/** Jobs one rule's count examines at most per round; past it with the count at or under N, the value is unknown. */
export const QUERY_ALERT_MAX_SCAN = 100_000;
/** Wall time one rule's count takes at most per round. */
export const QUERY_ALERT_MAX_MS = 1000;
/** A rule's count is reused for this long (samples come every 10 s). */
export const QUERY_ALERT_EVERY_MS = 60_000;
/** Wall time all query rules of one round take at most; a rule not reached keeps its last count (or "no data"). */
export const QUERY_ALERT_ROUND_MS = 5000;
/** Store time per chunk (Redis Lua budget). */
const CHUNK_BUDGET_MS = 5;

type Counted = { at: number; key: string; value: number | null };
const COUNTS = Symbol.for('drover.alerts.query-counts');
type Holder = { [COUNTS]?: Map<string, Counted> };

/** The count, or null when the scan could not finish within its bounds below the threshold. */
export async function countForRule(rule: AlertRule, now: number): Promise<number | null> {
  if (!rule.query || !rule.connection || !rule.queue) return null;
  const conn = getConnection(rule.connection);
  const resolved = resolveJobQuery(parseJobQuery(rule.query), now);
  const enough = Math.floor(rule.threshold) + 1;
  const deadline = Date.now() + QUERY_ALERT_MAX_MS;
  let cursor: QueryCursor | null = null;
  let matched = 0;
  let scanned = 0;
  do {
    const step = await walkQuery(conn, rule.queue, resolved, cursor, { maxMatches: enough - matched, timeMs: 100, budgetMs: CHUNK_BUDGET_MS, returnEarly: false }, now);
    matched += step.found.length;
    scanned += step.scanned;
    cursor = step.cursor;
    if (matched >= enough) return matched;
  } while (cursor && scanned < QUERY_ALERT_MAX_SCAN && Date.now() < deadline);
  return cursor ? null : matched;
}

/** Counts for the round: each rule's fresh count, or the one taken less than a minute ago (same query). */
export async function queryMatchCounts(rules: AlertRule[], now: number): Promise<Map<string, number | null>> {
  const holder = globalThis as Holder;
  holder[COUNTS] ??= new Map();
  const cache = holder[COUNTS];
  const out = new Map<string, number | null>();
  const live = new Set<string>();
  const roundEnds = Date.now() + QUERY_ALERT_ROUND_MS;
  // One rule after another: a round never runs several scans against a store at once. The rules counted
  // longest ago go first, so with many rules each still gets its turn across rounds.
  const queryRules = rules.filter((r) => r.kind === 'query-matches').sort((a, b) => (cache.get(a.id)?.at ?? 0) - (cache.get(b.id)?.at ?? 0));
  for (const rule of queryRules) {
    live.add(rule.id);
    const key = `${rule.connection}\n${rule.queue}\n${rule.query}\n${rule.threshold}`;
    const hit = cache.get(rule.id);
    if (hit && hit.key === key && (now - hit.at < QUERY_ALERT_EVERY_MS || Date.now() >= roundEnds)) {
      out.set(rule.id, hit.value);
      continue;
    }
    if (Date.now() >= roundEnds) {
      out.set(rule.id, null);
      continue;
    }
    const value = await countForRule(rule, now).catch((err: Error) => {
      logger.warn({ event: 'alert.query_count_failed', rule: rule.id, error: err.message }, 'alert query count failed');
      return null;
    });
    cache.set(rule.id, { at: now, key, value });
    out.set(rule.id, value);
  }
  for (const id of cache.keys()) if (!live.has(id)) cache.delete(id);
  return out;
}
