// Bearer tokens for automation: bound to a role, stored only as SHA-256, shown once; an optional expiry
// and a last-used time (written at most once a minute per token and process).
import 'server-only';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { getConsoleConnection } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import { ConflictError, NotFoundError } from '@/lib/errors';
import { withLuaScripts } from '@/lib/redis/lua-scripts';
import { createApiTokenScript } from './lua/create-api-token-3';
import { revokeApiTokenScript } from './lua/revoke-api-token-4';
import { logger } from '@/lib/log';
import { roleSchema, type Role } from './roles';

export const apiTokenRecordSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: roleSchema,
  createdBy: z.string(),
  createdAt: z.number(),
  /** First characters of the token, to recognise it in lists. */
  hint: z.string(),
  /** When the token stops working (ms); absent: it works until revoked. */
  expiresAt: z.number().optional(),
});
export type ApiTokenRecord = z.infer<typeof apiTokenRecordSchema>;
/** What lists show: the record and when the token last authenticated a request (ms, null: never). */
export type ApiTokenListing = ApiTokenRecord & { lastUsedAt: number | null };

import { tokenNameSchema } from './token-schema';

export { MAX_TOKEN_LIFETIME_MS, expiresInSchema, tokenNameSchema } from './token-schema';

const TOKEN_PREFIX = 'drv_';
/** A token's last-used time is written at most this often (per console process). */
export const LAST_USED_WRITE_INTERVAL_MS = 60_000;

function sha256(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function redis() {
  return getConsoleConnection().redis;
}

export async function createApiToken(input: {
  name: string;
  role: Role;
  createdBy: string;
  /** Lifetime in ms from now; omitted: until revoked. */
  expiresInMs?: number;
  now?: number;
}): Promise<{ token: string; record: ApiTokenRecord }> {
  const now = input.now ?? Date.now();
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const record: ApiTokenRecord = {
    id: randomUUID(),
    name: tokenNameSchema.parse(input.name),
    role: input.role,
    createdBy: input.createdBy,
    createdAt: now,
    hint: token.slice(0, TOKEN_PREFIX.length + 4),
    ...(input.expiresInMs !== undefined ? { expiresAt: now + input.expiresInMs } : {}),
  };
  const digest = sha256(token);
  const client = withLuaScripts(redis(), [createApiTokenScript]);
  const holderId = await client.droverCreateApiToken(KEYS.apiTokens, KEYS.apiTokenIds, KEYS.apiTokenNames, digest, record.id, tokenNameKey(record.name), JSON.stringify(record), ...(await unindexedNames()));
  if (holderId) {
    const holder = await getApiTokenById(holderId);
    const which = holder ? ` (${holder.hint}…, created by ${holder.createdBy})` : '';
    throw new ConflictError(`An API token named "${holder?.name ?? record.name}" already exists${which}: choose another name, or revoke that token first`);
  }
  return { token, record };
}

/**
 * What makes two token names the same: case and Unicode compatibility forms aside (the schema trims
 * them), so "CI" and "ci" cannot sit side by side in the list, the audit log or an "expired" message.
 */
export function tokenNameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase();
}

/** (name key, id) pairs of tokens the name index lacks: tokens from before it existed. Usually none. */
async function unindexedNames(): Promise<string[]> {
  const [records, names] = await Promise.all([redis().hvals(KEYS.apiTokens), redis().hgetall(KEYS.apiTokenNames)]);
  const indexed = new Set(Object.values(names));
  const pairs: string[] = [];
  for (const raw of records) {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      continue; // a damaged record must not stop every token creation; listing shows the rest
    }
    const parsed = apiTokenRecordSchema.safeParse(json);
    if (parsed.success && !indexed.has(parsed.data.id)) pairs.push(tokenNameKey(parsed.data.name), parsed.data.id);
  }
  return pairs;
}

/**
 * The token's record, or null when unknown or revoked (checked on every request: revocation is
 * immediate). An expired token's record is returned too: the caller says "expired", not "unknown".
 */
export async function verifyApiToken(token: string): Promise<ApiTokenRecord | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const raw = await redis().hget(KEYS.apiTokens, sha256(token));
  if (!raw) return null;
  const parsed = apiTokenRecordSchema.safeParse(JSON.parse(raw));
  return parsed.success ? parsed.data : null;
}

/** A token's record by its id (not the token), or null once revoked. */
export async function getApiTokenById(id: string): Promise<ApiTokenRecord | null> {
  const digest = await redis().hget(KEYS.apiTokenIds, id);
  const raw = digest ? await redis().hget(KEYS.apiTokens, digest) : null;
  if (!raw) return null;
  const parsed = apiTokenRecordSchema.safeParse(JSON.parse(raw));
  return parsed.success ? parsed.data : null;
}

export function isExpired(record: ApiTokenRecord, now = Date.now()): boolean {
  return record.expiresAt !== undefined && record.expiresAt <= now;
}

/** Last write per token id in this process; cleared when it grows past this many tokens. */
const lastWritten = new Map<string, number>();
const LAST_WRITTEN_MAX_ENTRIES = 10_000;

/** Records that the token was used now, at most once a minute per token; never fails the request. */
export async function touchApiToken(id: string, now = Date.now()): Promise<boolean> {
  const previous = lastWritten.get(id);
  if (previous !== undefined && now - previous < LAST_USED_WRITE_INTERVAL_MS) return false;
  if (lastWritten.size >= LAST_WRITTEN_MAX_ENTRIES) lastWritten.clear();
  lastWritten.set(id, now);
  try {
    // Only for a token that still exists (a revoke between the two calls can leave one stray field,
    // a few bytes that the list ignores).
    if (await redis().hexists(KEYS.apiTokenIds, id)) await redis().hset(KEYS.apiTokenLastUsed, id, String(now));
    return true;
  } catch (err) {
    logger.warn({ event: 'token.last_used_failed', tokenId: id, err: (err as Error).message }, 'could not record token use');
    return false;
  }
}

export async function listApiTokens(): Promise<ApiTokenListing[]> {
  const [all, used] = await Promise.all([redis().hgetall(KEYS.apiTokens), redis().hgetall(KEYS.apiTokenLastUsed)]);
  return Object.values(all)
    .map((raw) => apiTokenRecordSchema.safeParse(JSON.parse(raw)))
    .filter((r) => r.success)
    .map((r) => ({ ...r.data, lastUsedAt: used[r.data.id] ? Number(used[r.data.id]) : null }))
    .sort((a, b) => b.createdAt - a.createdAt);
}

/** Revokes the token and frees its name in one script. */
export async function revokeApiToken(id: string): Promise<ApiTokenRecord> {
  const known = await getApiTokenById(id);
  if (!known) throw new NotFoundError(`No API token with id ${id}`);
  const client = withLuaScripts(redis(), [revokeApiTokenScript]);
  const raw = await client.droverRevokeApiToken(KEYS.apiTokens, KEYS.apiTokenIds, KEYS.apiTokenLastUsed, KEYS.apiTokenNames, id, tokenNameKey(known.name));
  // Revoked by a concurrent call between the read and the script.
  if (!raw) throw new NotFoundError(`No API token with id ${id}`);
  return apiTokenRecordSchema.parse(JSON.parse(raw));
}
