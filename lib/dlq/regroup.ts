// Re-grouping after an upgrade of the grouping rules (lib/dlq/normalize-error.ts, GROUPING_VERSION).
// A dead letter's group id is computed once, at capture, and stored in the DLQ's indexes; new rules give
// new ids, so without this the dead letters captured before an upgrade would sit in their old groups
// next to the new ones (one failure, two groups). This walks the DLQ's index of envelopes in bounded
// steps (HSCAN), re-normalizes each reason's first bytes and moves the envelopes whose group changed in
// one Lua call per step. Its cursor lives in Redis, so the console's reads and the runtime's sweeps
// continue each other's walk; once the walk ends the version is recorded and the check is one HMGET.
// Not server-only: the runtime's sweep runs it too.
import type { DeadLetterTarget } from './capture';
import type { RegroupResult } from '@/lib/store/dead-letter-store';
import { dlqIndexBase, dlqKeyPrefix, SAMPLE_MAX } from './capture';
import { errorGroupOf, GROUPING_VERSION, MAX_INPUT_LENGTH } from './normalize-error';
import { withLuaScripts } from '@/lib/redis/lua-scripts';
import { dlqReasonsScript } from './lua/dlq-reasons-1';
import { dlqRegroupScript } from './lua/dlq-regroup-1';

/** Envelope ids looked at per step (one HSCAN, one read of reasons, one move). */
export const REGROUP_BATCH = 500;
/** A UTF-16 code unit is at most 4 bytes of UTF-8: these bytes always hold MAX_INPUT_LENGTH characters. */
const REASON_BYTES = MAX_INPUT_LENGTH * 4;
/** Bytes of reasons one Redis call may read whole (a 1 MB reason is read whole to keep its first bytes). */
export const REASONS_READ_PER_CALL = 8 * 1024 * 1024;

export type { RegroupResult };

function groupingKey(t: Pick<DeadLetterTarget, 'prefix' | 'deadLetterQueue'>): string {
  return `${dlqIndexBase(t)}:grouping`;
}

/** True once every dead letter of this DLQ is grouped by the current rules (one HMGET). */
export async function isRegrouped(t: DeadLetterTarget): Promise<boolean> {
  const [version, cursor] = await t.redis.hmget(groupingKey(t), 'version', 'cursor');
  return version === String(GROUPING_VERSION) && cursor === null;
}

/**
 * Re-groups dead letters captured under earlier rules, for at most `budgetMs` (whole steps of
 * REGROUP_BATCH; at least one step). Safe to run from several processes at once and next to captures,
 * requeues and purges: each move re-checks the envelope's index entry in the same Lua call.
 */
export async function regroupDeadLetters(t: DeadLetterTarget, opts: { budgetMs?: number; batch?: number } = {}): Promise<RegroupResult> {
  if (await isRegrouped(t)) return { done: true, moved: 0 };
  const budgetMs = opts.budgetMs ?? 1000;
  const batch = opts.batch ?? REGROUP_BATCH;
  const base = dlqIndexBase(t);
  const key = groupingKey(t);
  // One walker per DLQ at a time: every open DLQ page (any viewer) asks for the groups, and N walkers
  // would cost production Redis N times the work for nothing. The others answer "not done yet".
  const lockKey = `${key}:lock`;
  const token = `${process.pid}:${Date.now()}:${Math.random()}`;
  if ((await t.redis.set(lockKey, token, 'PX', budgetMs + 10_000, 'NX')) !== 'OK') return { done: false, moved: 0 };
  try {
    return await walk(t, key, base, budgetMs, batch);
  } finally {
    // Not atomic: if the lock expired and another walker took it meanwhile, this may free theirs, which
    // at worst lets two walks overlap once (they are safe side by side; the lock bounds cost, not safety).
    if ((await t.redis.get(lockKey).catch(() => null)) === token) await t.redis.del(lockKey).catch(() => 0);
  }
}

async function walk(t: DeadLetterTarget, key: string, base: string, budgetMs: number, batch: number): Promise<RegroupResult> {
  const redis = withLuaScripts(t.redis, [dlqReasonsScript, dlqRegroupScript]);
  const deadline = Date.now() + budgetMs;
  // The cursor names the rules' version it walks for: a walk left unfinished under other rules starts over.
  const saved = (await redis.hget(key, 'cursor'))?.split(':');
  let cursor = saved && saved[0] === String(GROUPING_VERSION) && saved[1] ? saved[1] : '0';
  let moved = 0;
  do {
    const [next, flat] = await redis.hscan(`${base}:env`, cursor, 'COUNT', batch);
    const ids: string[] = [];
    const groups: string[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      ids.push(flat[i]);
      groups.push(flat[i + 1].split('\t')[0]);
    }
    if (ids.length > 0) {
      const reasons: Array<string | null> = [];
      while (reasons.length < ids.length) {
        const got: Array<string | null> = await redis.droverDlqReasons(base, dlqKeyPrefix(t), REASON_BYTES, REASONS_READ_PER_CALL, ...ids.slice(reasons.length));
        if (got.length === 0) break;
        reasons.push(...got);
      }
      const moves: string[] = [];
      ids.forEach((id, i) => {
        const reason = reasons[i];
        if (reason === null || reason === undefined) return;
        const group = errorGroupOf(reason);
        if (group.id !== groups[i]) moves.push(id, group.id, group.pattern, reason.slice(0, SAMPLE_MAX));
      });
      if (moves.length > 0) moved += await redis.droverDlqRegroup(base, dlqKeyPrefix(t), ...moves);
    }
    cursor = next;
    if (cursor === '0') {
      await redis.multi().hset(key, 'version', String(GROUPING_VERSION)).hdel(key, 'cursor').exec();
      return { done: true, moved };
    }
    await redis.hset(key, 'cursor', `${GROUPING_VERSION}:${cursor}`);
  } while (Date.now() < deadline);
  return { done: false, moved };
}
