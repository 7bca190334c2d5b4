// Bearer tokens for automation: bound to a role, stored only as SHA-256, shown once; an optional expiry
// and a last-used time (written at most once a minute per token and process).
import 'server-only';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError } from '@/lib/errors';
import { apiTokensStore } from '@/lib/store/console/api-tokens';
import { logger } from '@/lib/log';
import type { AccessRole, Grant } from './scope';
import { apiTokenRecordSchema, tokenNameKey, type ApiTokenRecord } from './api-token-record';
import { tokenNameSchema } from './token-schema';

export { apiTokenRecordSchema, tokenNameKey, type ApiTokenRecord } from './api-token-record';
/** What lists show: the record and when the token last authenticated a request (ms, null: never). */
export type ApiTokenListing = ApiTokenRecord & { lastUsedAt: number | null };

export { MAX_TOKEN_LIFETIME_MS, expiresInSchema, tokenNameSchema } from './token-schema';

const TOKEN_PREFIX = 'drv_';
/** A token's last-used time is written at most this often (per console process). */
export const LAST_USED_WRITE_INTERVAL_MS = 60_000;

function sha256(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function createApiToken(input: {
  name: string;
  role: AccessRole;
  grants?: Grant[];
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
    ...(input.grants?.length ? { grants: input.grants } : {}),
    createdBy: input.createdBy,
    createdAt: now,
    hint: token.slice(0, TOKEN_PREFIX.length + 4),
    ...(input.expiresInMs !== undefined ? { expiresAt: now + input.expiresInMs } : {}),
  };
  const digest = sha256(token);
  const holderId = await apiTokensStore().create({ digest, id: record.id, nameKey: tokenNameKey(record.name), record: JSON.stringify(record), createdAt: record.createdAt });
  if (holderId) {
    const holder = await getApiTokenById(holderId);
    const which = holder ? ` (${holder.hint}…, created by ${holder.createdBy})` : '';
    throw new ConflictError(`An API token named "${holder?.name ?? record.name}" already exists${which}: choose another name, or revoke that token first`);
  }
  return { token, record };
}

/**
 * The token's record, or null when unknown or revoked (checked on every request: revocation is
 * immediate). An expired token's record is returned too: the caller says "expired", not "unknown".
 */
export async function verifyApiToken(token: string): Promise<ApiTokenRecord | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const raw = await apiTokensStore().byDigest(sha256(token));
  if (!raw) return null;
  const parsed = apiTokenRecordSchema.safeParse(JSON.parse(raw));
  return parsed.success ? parsed.data : null;
}

/** A token's record by its id (not the token), or null once revoked. */
export async function getApiTokenById(id: string): Promise<ApiTokenRecord | null> {
  const raw = await apiTokensStore().byId(id);
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
    await apiTokensStore().touch(id, now);
    return true;
  } catch (err) {
    logger.warn({ event: 'token.last_used_failed', tokenId: id, err: (err as Error).message }, 'could not record token use');
    return false;
  }
}

export async function listApiTokens(): Promise<ApiTokenListing[]> {
  const { records, lastUsed } = await apiTokensStore().list();
  return records
    .map((raw) => apiTokenRecordSchema.safeParse(JSON.parse(raw)))
    .filter((r) => r.success)
    .map((r) => ({ ...r.data, lastUsedAt: lastUsed.get(r.data.id) ?? null }))
    .sort((a, b) => b.createdAt - a.createdAt);
}

/** Revokes the token and frees its name in one step. */
export async function revokeApiToken(id: string): Promise<ApiTokenRecord> {
  const known = await getApiTokenById(id);
  if (!known) throw new NotFoundError(`No API token with id ${id}`);
  const raw = await apiTokensStore().revoke(id, tokenNameKey(known.name));
  // Revoked by a concurrent call between the read and the script.
  if (!raw) throw new NotFoundError(`No API token with id ${id}`);
  return apiTokenRecordSchema.parse(JSON.parse(raw));
}
