// Part "users" of Drover's own data: the console's users, one record (JSON text, lib/auth/user-schema.ts)
// per email. A change that ends the user's sessions writes both together (one MULTI on Redis, one
// transaction on PostgreSQL), so a new role or password applies at once.
import 'server-only';
import { consolePart } from './part';
import { RedisUsers } from '@/lib/store/redis/console/users';
import { PostgresUsers } from '@/lib/store/postgres/console/users';

/** Which of the user's sessions a change ends: all, all but the one it was made from, or none. */
export type SessionsToEnd = { all: true } | { allBut: string | undefined } | { none: true };

export interface UsersStore {
  /** The user's record as stored, or null. */
  get(email: string): Promise<string | null>;
  /** Every user's record (PostgreSQL: at most USERS_LIST_MAX, by email). */
  list(): Promise<string[]>;
  count(): Promise<number>;
  /** Adds the user unless one with this email exists: false then, nothing written. */
  create(email: string, record: string): Promise<boolean>;
  /**
   * Writes the record (added if missing) and ends the user's sessions as `end` says, together. With
   * `allBut`, returns how many other sessions ended.
   */
  put(email: string, record: string, end: SessionsToEnd): Promise<number | undefined>;
  /** Replaces the record only while it is still exactly `expected`: true when swapped. */
  swap(email: string, expected: string, next: string): Promise<boolean>;
  /** Removes the user and every session of theirs together: false when there was no such user. */
  remove(email: string): Promise<boolean>;
}

export const usersStore = consolePart<UsersStore>({ redis: (conn) => new RedisUsers(conn), postgres: (conn) => new PostgresUsers(conn) });
