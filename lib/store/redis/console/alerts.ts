// Alert rules, states and history on the console Redis: two hashes and a list capped by LTRIM.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { KEYS } from '@/lib/keys';
import type { AlertStore } from '@/lib/store/console/alerts';

export class RedisAlertStore implements AlertStore {
  constructor(private readonly conn: Connection) {}

  private get redis() {
    return this.conn.redis;
  }

  async rules(): Promise<string[]> {
    return Object.values(await this.redis.hgetall(KEYS.alertRules));
  }

  rule(id: string): Promise<string | null> {
    return this.redis.hget(KEYS.alertRules, id);
  }

  async saveRule(id: string, json: string, resetState: boolean): Promise<void> {
    const tx = this.redis.multi().hset(KEYS.alertRules, id, json);
    if (resetState) tx.hdel(KEYS.alertState, id);
    await tx.exec();
  }

  async removeRule(id: string): Promise<boolean> {
    const results = await this.redis.multi().hdel(KEYS.alertRules, id).hdel(KEYS.alertState, id).exec();
    return Number(results?.[0]?.[1] ?? 0) === 1;
  }

  states(): Promise<Record<string, string>> {
    return this.redis.hgetall(KEYS.alertState);
  }

  async saveStates(states: Array<[id: string, json: string]>, staleIds: string[]): Promise<void> {
    const tx = this.redis.multi();
    if (states.length) tx.hset(KEYS.alertState, Object.fromEntries(states));
    if (staleIds.length) tx.hdel(KEYS.alertState, ...staleIds);
    if (states.length || staleIds.length) await tx.exec();
  }

  async appendHistory(entries: string[], keep: number): Promise<void> {
    if (entries.length === 0) return;
    const replies = await this.redis
      .multi()
      .lpush(KEYS.alertHistory, ...entries)
      .ltrim(KEYS.alertHistory, 0, keep - 1)
      .exec();
    // A command's error is in its reply, not thrown by exec(): a history not written is an error, as in PostgreSQL.
    const failed = replies?.find(([err]) => err)?.[0];
    if (failed) throw failed;
  }

  history(limit: number): Promise<string[]> {
    return this.redis.lrange(KEYS.alertHistory, 0, limit - 1);
  }
}
