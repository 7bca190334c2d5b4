// Points the lib/ layer at a test Redis (as REDIS_URL would) and resets its caches between files.
import { resetConfigCache } from '@/lib/config/get-config';
import { closeAllConnections } from '@/lib/redis/connections';
import type { Principal } from '@/lib/auth/principal';
import type { AuditContext } from '@/lib/audit/audited';
import type { Role } from '@/lib/auth/roles';

export async function configureRedisUrl(url: string): Promise<void> {
  await closeAllConnections();
  delete process.env.DROVER_CONFIG;
  process.env.REDIS_URL = url;
  resetConfigCache();
}

export async function configureFromFile(file: string): Promise<void> {
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

/** Writes a drover.config.json with these connections to a temp dir and points lib/ at it. */
export async function configureConnections(connections: Array<Record<string, unknown>>): Promise<string> {
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-config-'));
  const file = path.join(dir, 'drover.config.json');
  fs.writeFileSync(file, JSON.stringify({ connections }));
  await configureFromFile(file);
  return file;
}
