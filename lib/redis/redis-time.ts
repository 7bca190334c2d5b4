// Redis's clock in epoch ms (TIME): the one clock every worker host and the console agree on.
import type { Cluster, Redis } from 'ioredis';

export async function redisTime(client: Redis | Cluster): Promise<number> {
  const [seconds, micros] = await client.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}
