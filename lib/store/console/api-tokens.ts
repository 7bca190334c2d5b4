// Part "API tokens" of Drover's own data: each token's record (JSON text, lib/auth/api-token-record.ts)
// by the SHA-256 of the token, found by its id too; one live token per name key; its last use.
import 'server-only';
import { consolePart } from './part';
import { RedisApiTokens } from '@/lib/store/redis/console/api-tokens';
import { PostgresApiTokens } from '@/lib/store/postgres/console/api-tokens';

export type NewApiToken = { digest: string; id: string; nameKey: string; record: string; createdAt: number };

export interface ApiTokensStore {
  /**
   * Stores the token unless a live token holds its name key, atomically (two creations of one name
   * never both succeed): null when stored, else the holder's id and nothing written.
   */
  create(token: NewApiToken): Promise<string | null>;
  /** The record of the token with this digest, or null (unknown or revoked). */
  byDigest(digest: string): Promise<string | null>;
  /** The record of the token with this id, or null. */
  byId(id: string): Promise<string | null>;
  /** Records the token's last use at `at`, only while the token exists. */
  touch(id: string, at: number): Promise<void>;
  /** Every token's record, and the last use of those used (PostgreSQL: at most API_TOKENS_LIST_MAX). */
  list(): Promise<{ records: string[]; lastUsed: Map<string, number> }>;
  /** Removes the token, its last use and its name in one step: the record removed, or null when unknown. */
  revoke(id: string, nameKey: string): Promise<string | null>;
}

export const apiTokensStore = consolePart<ApiTokensStore>({ redis: (conn) => new RedisApiTokens(conn), postgres: (conn) => new PostgresApiTokens(conn) });
