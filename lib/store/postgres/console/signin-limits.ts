// Sign-in limits on PostgreSQL: table drover.signin_failure, one row per failure (or attempt being
// checked) per window key, "ip:<address or /64>" or "account:<email>" (lib/store/postgres/ddl/auth.ts).
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import type { SigninLimitsStore, SigninReserve, SigninWindow } from '@/lib/store/console/signin-limits';

/**
 * Rows older than the window, of any key, deleted per reservation. Redis expires a window's key with
 * it; here a window that is never charged again (an address that never comes back) is left to these
 * batches. Each reservation adds at most 2 rows and deletes up to 100 stale ones, so stale rows never
 * outnumber the rows that were live at one time plus 100: the table holds at most about twice the
 * rows written in the busiest 15 minutes (at most 10 per key within a window), plus 100.
 */
export const STALE_SIGNIN_ROWS_PRUNED_PER_RESERVE = 100;

function keyOf(w: SigninWindow): string {
  return `${w.scope}:${w.id}`;
}

/** Per window ($1, in order) holding $3 + 1 entries newer than $2: its limit-th newest entry's time. */
const FULL_WINDOWS = `
SELECT k.i::int AS i, f.at::text AS at FROM unnest($1::text[]) WITH ORDINALITY AS k(key, i)
CROSS JOIN LATERAL (
  SELECT s.at FROM drover.signin_failure s WHERE s.key = k.key AND s.at > $2 ORDER BY s.at DESC, s.member DESC OFFSET $3 LIMIT 1) f
ORDER BY k.i`;

/** The window that frees up last (the first of equals), as the Redis script picks it. */
function worstOf(full: Array<{ index: number; waitMs: number }>): { index: number; waitMs: number } | undefined {
  let worst: { index: number; waitMs: number } | undefined;
  for (const f of full) if (!worst || f.waitMs > worst.waitMs) worst = f;
  return worst;
}

export class PostgresSigninLimits implements SigninLimitsStore {
  constructor(private readonly conn: Connection) {}

  async reserve(r: SigninReserve): Promise<{ ok: true } | { ok: false; index: number; waitMs: number }> {
    const keys = r.windows.map(keyOf);
    const since = r.now - r.windowMs;
    // A window already full refuses at once, in one statement without the lock: a flood of refused
    // guesses on one address or account would otherwise queue on its lock, each holding one of the
    // pool's connections the whole console needs (Redis runs the script without holding anything).
    // Refusing on this snapshot is what the locked path would have answered at that moment; windows
    // only fill up under the lock.
    const full = await this.conn.drover.rows<{ i: number; at: string }>(FULL_WINDOWS, [keys, since, r.limit - 1]);
    const refusal = worstOf(full.map((row) => ({ index: row.i - 1, waitMs: Number(row.at) + r.windowMs - r.now })));
    if (refusal) return { ok: false, ...refusal };
    // The windows' locks serialise attempts on one address or account (as Redis runs one script at a
    // time): a burst of parallel attempts cannot pass the limit.
    return this.conn.drover.tx(
      async (q) => {
        let worst = -1;
        let worstIndex = -1;
        for (const [i, key] of keys.entries()) {
          await q('DELETE FROM drover.signin_failure WHERE key = $1 AND at <= $2', [key, since]);
          // The limit-th newest entry: when it ages out, a slot frees up (none: the window is not full).
          const full = await q<{ at: string }>('SELECT at FROM drover.signin_failure WHERE key = $1 ORDER BY at DESC, member DESC OFFSET $2 LIMIT 1', [key, r.limit - 1]);
          if (full.rows.length === 0) continue;
          const wait = Number(full.rows[0].at) + r.windowMs - r.now;
          if (wait > worst) [worst, worstIndex] = [wait, i];
        }
        if (worstIndex >= 0) return { ok: false as const, index: worstIndex, waitMs: worst };
        await q('INSERT INTO drover.signin_failure (key, member, at) SELECT unnest($1::text[]), $2, $3 ON CONFLICT DO NOTHING', [keys, r.member, r.now]);
        // Stale rows of other keys, a bounded batch; rows another transaction holds are left for later
        // (skipped, never waited for: two reservations cannot deadlock on each other's windows).
        await q(
          `DELETE FROM drover.signin_failure WHERE (key, member) IN (
             SELECT key, member FROM drover.signin_failure WHERE at <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`,
          [since, STALE_SIGNIN_ROWS_PRUNED_PER_RESERVE],
        );
        return { ok: true as const };
      },
      keys.map((k) => `drover.signin_failure:${k}`),
    );
  }

  async release(member: string, giveBack: SigninWindow[], clear: SigninWindow[]): Promise<void> {
    await this.conn.drover.run('DELETE FROM drover.signin_failure WHERE (key = ANY($1::text[]) AND member = $2) OR key = ANY($3::text[])', [
      giveBack.map(keyOf),
      member,
      clear.map(keyOf),
    ]);
  }
}
