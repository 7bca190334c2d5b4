// Sessions on PostgreSQL: table drover.session (email, sid) → expires_at (lib/store/postgres/ddl/auth.ts).
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import type { TxQuery } from '@/lib/store/postgres/drover-db';
import type { SessionsStore } from '@/lib/store/console/sessions';

/** Expired sessions of any user deleted per sign-in (a user who never comes back leaves rows Redis would expire). */
export const EXPIRED_SESSIONS_PRUNED_PER_SIGNIN = 100;

/** Run on every request: one probe of the primary key (email, sid). */
export const IS_SESSION_LIVE_SQL = 'SELECT 1 FROM drover.session WHERE email = $1 AND sid = $2 AND expires_at > $3';

/** The advisory lock a transaction takes before changing one user's sessions. */
export function sessionsLock(email: string): string {
  return `drover.session:${email}`;
}

/** In a transaction: ends every session of the user. */
export async function endAllSessionsIn(q: TxQuery, email: string): Promise<number> {
  return (await q('DELETE FROM drover.session WHERE email = $1', [email])).rowCount ?? 0;
}

/** In a transaction: ends every session of the user but `keepSid` (which keeps its expiry); how many ended. */
export async function endOtherSessionsIn(q: TxQuery, email: string, keepSid: string | undefined): Promise<number> {
  return (await q('DELETE FROM drover.session WHERE email = $1 AND sid <> $2', [email, keepSid ?? ''])).rowCount ?? 0;
}

export class PostgresSessions implements SessionsStore {
  constructor(private readonly conn: Connection) {}

  async register(email: string, sid: string, expiresAt: number, now: number, keep: number): Promise<void> {
    const db = this.conn.drover;
    await db.tx(async (q) => {
      await q('DELETE FROM drover.session WHERE email = $1 AND expires_at <= $2', [email, now]);
      await q('INSERT INTO drover.session (email, sid, expires_at) VALUES ($1, $2, $3) ON CONFLICT (email, sid) DO UPDATE SET expires_at = excluded.expires_at', [email, sid, expiresAt]);
      // Every session lives as long: the lowest expiry is the oldest sign-in. Keep the newest ones (at
      // most keep + 1 rows are looked at: the cap held before this insert).
      await q(
        `DELETE FROM drover.session WHERE email = $1 AND sid IN (
           SELECT sid FROM drover.session WHERE email = $1 ORDER BY expires_at DESC, sid DESC OFFSET $2)`,
        [email, keep],
      );
    }, [sessionsLock(email)]);
    // Expired sessions of users who never came back, a bounded batch per sign-in; rows another
    // statement holds are left for the next one.
    await db.run(
      `DELETE FROM drover.session WHERE (email, sid) IN (
         SELECT email, sid FROM drover.session WHERE expires_at <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [now, EXPIRED_SESSIONS_PRUNED_PER_SIGNIN],
    );
  }

  async isLive(email: string, sid: string, now: number): Promise<boolean> {
    // One primary-key probe: it runs on every request.
    const rows = await this.conn.drover.rows(IS_SESSION_LIVE_SQL, [email, sid, now]);
    return rows.length > 0;
  }

  async revoke(email: string, sid: string): Promise<void> {
    await this.conn.drover.run('DELETE FROM drover.session WHERE email = $1 AND sid = $2', [email, sid]);
  }

  async revokeAll(email: string): Promise<void> {
    await this.conn.drover.run('DELETE FROM drover.session WHERE email = $1', [email]);
  }

  revokeOthers(email: string, keepSid: string | undefined): Promise<number> {
    return this.conn.drover.tx((q) => endOtherSessionsIn(q, email, keepSid), [sessionsLock(email)]);
  }

  async count(email: string, now: number): Promise<number> {
    const [row] = await this.conn.drover.rows<{ n: number }>('SELECT count(*)::int AS n FROM drover.session WHERE email = $1 AND expires_at > $2', [email, now]);
    return row.n;
  }
}
