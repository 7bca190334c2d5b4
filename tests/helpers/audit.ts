import type { Redis } from 'ioredis';
import { KEYS } from '@/lib/keys';

/** The newest audit entry, parsed, as the audit page reads it. */
export async function lastAudit(client: Redis): Promise<Record<string, unknown>> {
  const [[, fields]] = await client.xrevrange(KEYS.audit, '+', '-', 'COUNT', 1);
  return JSON.parse(fields[1]);
}
