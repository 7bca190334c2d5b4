// Users on PostgreSQL: table drover.console_user (email → record text); a change that ends sessions
// deletes them in the same transaction (lib/store/postgres/ddl/auth.ts).
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import type { SessionsToEnd, UsersStore } from '@/lib/store/console/users';
import { endAllSessionsIn, endOtherSessionsIn, sessionsLock } from './sessions';

/** Most users a list returns (Redis returns the whole hash; a console has far fewer users). */
export const USERS_LIST_MAX = 10_000;

export class PostgresUsers implements UsersStore {
  constructor(private readonly conn: Connection) {}

  async get(email: string): Promise<string | null> {
    const [row] = await this.conn.drover.rows<{ record: string }>('SELECT record FROM drover.console_user WHERE email = $1', [email]);
    return row?.record ?? null;
  }

  async list(): Promise<string[]> {
    const rows = await this.conn.drover.rows<{ record: string }>('SELECT record FROM drover.console_user ORDER BY email LIMIT $1', [USERS_LIST_MAX]);
    return rows.map((r) => r.record);
  }

  async count(): Promise<number> {
    const [row] = await this.conn.drover.rows<{ n: number }>('SELECT count(*)::int AS n FROM drover.console_user');
    return row.n;
  }

  async create(email: string, record: string): Promise<boolean> {
    return (await this.conn.drover.run('INSERT INTO drover.console_user (email, record, updated_at) VALUES ($1, $2, $3) ON CONFLICT (email) DO NOTHING', [email, record, Date.now()])) === 1;
  }

  put(email: string, record: string, end: SessionsToEnd): Promise<number | undefined> {
    return this.conn.drover.tx(async (q) => {
      await q(
        'INSERT INTO drover.console_user (email, record, updated_at) VALUES ($1, $2, $3) ON CONFLICT (email) DO UPDATE SET record = excluded.record, updated_at = excluded.updated_at',
        [email, record, Date.now()],
      );
      if ('all' in end) await endAllSessionsIn(q, email);
      else if ('allBut' in end) return endOtherSessionsIn(q, email, end.allBut);
      return undefined;
    }, [sessionsLock(email)]);
  }

  async swap(email: string, expected: string, next: string): Promise<boolean> {
    return (await this.conn.drover.run('UPDATE drover.console_user SET record = $3, updated_at = $4 WHERE email = $1 AND record = $2', [email, expected, next, Date.now()])) === 1;
  }

  remove(email: string): Promise<boolean> {
    return this.conn.drover.tx(async (q) => {
      const removed = (await q('DELETE FROM drover.console_user WHERE email = $1', [email])).rowCount ?? 0;
      await endAllSessionsIn(q, email);
      return removed > 0;
    }, [sessionsLock(email)]);
  }
}
