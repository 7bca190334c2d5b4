// The DLQ's failures grouped by error (normalized failedReason), biggest first, with first/last seen.
import 'server-only';
import { z } from 'zod';
import type { Connection } from '@/lib/redis/connections';
import { dlqIndexBase } from './capture';
import { deadLetterTarget } from './filter';
import { isRegrouped, regroupDeadLetters } from './regroup';

/** How long one read of the groups may spend re-grouping dead letters captured under earlier rules. */
export const REGROUP_READ_BUDGET_MS = 2000;

export const listErrorGroupsQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }).strict();

export type ErrorGroup = {
  id: string;
  /** the normalized failedReason ("connect ECONNREFUSED 10.0.0.x:5432") */
  pattern: string;
  /** the first raw failedReason seen in the group */
  sample: string;
  count: number;
  /** failedAt of the oldest and newest dead letter still in the group */
  firstSeen: number | null;
  lastSeen: number | null;
};

export type ErrorGroups = {
  connection: string;
  deadLetterQueue: string;
  /** dead letters in the DLQ */
  total: number;
  /** error groups in all (the list holds the biggest `limit`) */
  groupCount: number;
  groups: ErrorGroup[];
  /**
   * true while dead letters captured under earlier grouping rules are still being moved to their
   * groups (a large DLQ after an upgrade, or a read-only connection no Drover runtime regroups yet)
   */
  regrouping: boolean;
};

/** Read from the aggregates capture maintains: one ZREVRANGE and one pipeline, whatever the DLQ's size. */
export async function listErrorGroups(conn: Connection, query: z.infer<typeof listErrorGroupsQuerySchema> = { limit: 50 }): Promise<ErrorGroups> {
  const t = deadLetterTarget(conn);
  const base = dlqIndexBase(t);
  const { done } = await ensureCurrentGroups(conn);
  const [ranked, total, groupCount] = await Promise.all([
    t.redis.zrevrange(`${base}:groups`, 0, query.limit - 1, 'WITHSCORES'),
    t.redis.zcard(`${base}:all`),
    t.redis.zcard(`${base}:groups`),
  ]);
  const ids: Array<[string, number]> = [];
  for (let i = 0; i < ranked.length; i += 2) ids.push([ranked[i], Number(ranked[i + 1])]);
  const pipeline = t.redis.pipeline();
  for (const [id] of ids) {
    pipeline.hmget(`${base}:group:${id}`, 'pattern', 'sample');
    pipeline.zrange(`${base}:group:${id}:ids`, '0', '0', 'WITHSCORES');
    pipeline.zrange(`${base}:group:${id}:ids`, '-1', '-1', 'WITHSCORES');
  }
  const replies = ids.length ? ((await pipeline.exec()) ?? []) : [];
  const groups = ids.map(([id, count], i): ErrorGroup => {
    const [pattern, sample] = (replies[i * 3]?.[1] as [string | null, string | null]) ?? [null, null];
    const first = replies[i * 3 + 1]?.[1] as string[] | undefined;
    const last = replies[i * 3 + 2]?.[1] as string[] | undefined;
    return {
      id,
      pattern: pattern ?? '(unknown)',
      sample: sample ?? '',
      count,
      firstSeen: first?.length ? Number(first[1]) : null,
      lastSeen: last?.length ? Number(last[1]) : null,
    };
  });
  return { connection: conn.name, deadLetterQueue: t.deadLetterQueue, total, groupCount, groups, regrouping: !done };
}

/**
 * Before groups are read: moves dead letters captured under earlier grouping rules to their current
 * groups, within a bounded time (the walk resumes on the next read or runtime sweep). A read-only
 * connection is not written to: it reports whether its groups are current.
 */
export async function ensureCurrentGroups(conn: Connection): Promise<{ done: boolean }> {
  const t = deadLetterTarget(conn);
  if (conn.readOnly) return { done: await isRegrouped(t) };
  return regroupDeadLetters(t, { budgetMs: REGROUP_READ_BUDGET_MS });
}
