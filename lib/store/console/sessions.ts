// Part "sessions" of Drover's own data: the live sessions of each user (the sid in each session's JWT,
// lib/auth/sessions.ts), with their expiry; the newest MAX_SESSIONS_PER_USER kept per user.
import 'server-only';
import { consolePart } from './part';
import { RedisSessions } from '@/lib/store/redis/console/sessions';
import { PostgresSessions } from '@/lib/store/postgres/console/sessions';

export interface SessionsStore {
  /** Registers the session until `expiresAt`, drops the user's expired ones and keeps the newest `keep`. */
  register(email: string, sid: string, expiresAt: number, now: number, keep: number): Promise<void>;
  /** Checked on every request: one lookup (a primary-key probe on PostgreSQL). */
  isLive(email: string, sid: string, now: number): Promise<boolean>;
  revoke(email: string, sid: string): Promise<void>;
  revokeAll(email: string): Promise<void>;
  /** Ends every session of the user but `keepSid` (which keeps its expiry); how many ended. */
  revokeOthers(email: string, keepSid: string | undefined): Promise<number>;
  /** The user's sessions not expired at `now`. */
  count(email: string, now: number): Promise<number>;
}

export const sessionsStore = consolePart<SessionsStore>({ redis: (conn) => new RedisSessions(conn), postgres: (conn) => new PostgresSessions(conn) });
