// Withheld operations on the console Redis: one set, members "<role> <operation>"; replaced by one MULTI.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import type { PermissionsStore, WithheldEntry } from '@/lib/store/console/permissions';
import { roleSchema } from '@/lib/auth/roles';

export class RedisPermissions implements PermissionsStore {
  constructor(private readonly conn: Connection) {}

  async read(): Promise<WithheldEntry[]> {
    const members = await this.conn.redis.smembers(KEYS.withheldOperations);
    return members.flatMap((m) => {
      const [role, operation] = m.split(' ');
      const parsed = roleSchema.safeParse(role);
      return parsed.success && operation ? [{ role: parsed.data, operation }] : [];
    });
  }

  async replace(entries: WithheldEntry[]): Promise<void> {
    const multi = this.conn.redis.multi().del(KEYS.withheldOperations);
    if (entries.length) multi.sadd(KEYS.withheldOperations, ...entries.map((e) => `${e.role} ${e.operation}`));
    await multi.exec();
  }
}
