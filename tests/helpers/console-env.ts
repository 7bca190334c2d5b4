// Points the lib/ layer at a test Redis (as REDIS_URL would) and resets its caches between files.
import { resetConfigCache } from '@/lib/config/get-config';
import { closeAllConnections } from '@/lib/redis/connections';
import type { Principal } from '@/lib/auth/principal';
import type { AuditContext } from '@/lib/audit/audited';
import type { Role } from '@/lib/auth/roles';

export async function useRedisUrl(url: string): Promise<void> {
  await closeAllConnections();
  delete process.env.DROVER_CONFIG;
  process.env.REDIS_URL = url;
  resetConfigCache();
}

export async function useConfig(file: string): Promise<void> {
  await closeAllConnections();
  process.env.DROVER_CONFIG = file;
  resetConfigCache();
}

export function actor(role: Role, name = `${role}@test`): Principal {
  return { kind: 'session', id: name, name, role };
}

export function ctxAs(role: Role, name?: string): AuditContext {
  return { actor: actor(role, name), via: 'api' };
}
