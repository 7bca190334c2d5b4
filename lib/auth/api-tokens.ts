// Bearer tokens for automation: bound to a role, stored only as SHA-256, shown once.
import 'server-only';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { getConsoleConnection } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import { NotFoundError } from '@/lib/errors';
import { roleSchema, type Role } from './roles';

export const apiTokenRecordSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: roleSchema,
  createdBy: z.string(),
  createdAt: z.number(),
  /** First characters of the token, to recognise it in lists. */
  hint: z.string(),
});
export type ApiTokenRecord = z.infer<typeof apiTokenRecordSchema>;

export const tokenNameSchema = z.string().trim().min(1, 'name is required').max(100, 'name must be at most 100 characters');

const TOKEN_PREFIX = 'drv_';

function sha256(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function redis() {
  return getConsoleConnection().redis;
}

export async function createApiToken(input: { name: string; role: Role; createdBy: string }): Promise<{ token: string; record: ApiTokenRecord }> {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const record: ApiTokenRecord = {
    id: randomUUID(),
    name: tokenNameSchema.parse(input.name),
    role: input.role,
    createdBy: input.createdBy,
    createdAt: Date.now(),
    hint: token.slice(0, TOKEN_PREFIX.length + 4),
  };
  const digest = sha256(token);
  await redis().multi().hset(KEYS.apiTokens, digest, JSON.stringify(record)).hset(KEYS.apiTokenIds, record.id, digest).exec();
  return { token, record };
}

/** The token's record, or null when unknown or revoked (checked on every request: revocation is immediate). */
export async function verifyApiToken(token: string): Promise<ApiTokenRecord | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const raw = await redis().hget(KEYS.apiTokens, sha256(token));
  if (!raw) return null;
  const parsed = apiTokenRecordSchema.safeParse(JSON.parse(raw));
  return parsed.success ? parsed.data : null;
}

export async function listApiTokens(): Promise<ApiTokenRecord[]> {
  const all = await redis().hgetall(KEYS.apiTokens);
  return Object.values(all)
    .map((raw) => apiTokenRecordSchema.safeParse(JSON.parse(raw)))
    .filter((r) => r.success)
    .map((r) => r.data)
    .sort((a, b) => b.createdAt - a.createdAt);
}

export async function revokeApiToken(id: string): Promise<ApiTokenRecord> {
  const digest = await redis().hget(KEYS.apiTokenIds, id);
  const raw = digest ? await redis().hget(KEYS.apiTokens, digest) : null;
  if (!digest || !raw) throw new NotFoundError(`No API token with id ${id}`);
  await redis().multi().hdel(KEYS.apiTokens, digest).hdel(KEYS.apiTokenIds, id).exec();
  return apiTokenRecordSchema.parse(JSON.parse(raw));
}
