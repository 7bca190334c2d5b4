// The banner's sentence for the connections that are down, per store (components/explorer/redis-banner.tsx).
const LABEL = { redis: 'Redis', postgres: 'PostgreSQL' } as const;

export type DownConnection = { name: string; store?: 'redis' | 'postgres' };

/** "Redis unreachable: a, b; PostgreSQL unreachable: c. Showing the last data received; …" */
export function unreachableText(down: DownConnection[]): string {
  const storeOf = (c: DownConnection) => c.store ?? 'redis';
  const stores = (['redis', 'postgres'] as const).filter((s) => down.some((c) => storeOf(c) === s));
  const named = stores.map((s) => `${LABEL[s]} unreachable: ${down.filter((c) => storeOf(c) === s).map((c) => c.name).join(', ')}`).join('; ');
  return `${named}. Showing the last data received; this page recovers on its own when ${stores.map((s) => LABEL[s]).join(' or ')} is back.`;
}
