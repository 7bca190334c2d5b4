// The "unreachable" banner names each store by what it is: a console on PostgreSQL only never says Redis.
import { describe, expect, it } from 'vitest';
import { unreachableText } from '@/components/explorer/unreachable-text';

describe('the unreachable banner', () => {
  it('says Redis for Redis connections, as before', () => {
    expect(unreachableText([{ name: 'default', store: 'redis' }])).toBe('Redis unreachable: default. Showing the last data received; this page recovers on its own when Redis is back.');
  });

  it('says PostgreSQL for PostgreSQL connections, and names both stores when both are down', () => {
    expect(unreachableText([{ name: 'postgres', store: 'postgres' }])).toBe('PostgreSQL unreachable: postgres. Showing the last data received; this page recovers on its own when PostgreSQL is back.');
    expect(unreachableText([{ name: 'a', store: 'redis' }, { name: 'pg', store: 'postgres' }, { name: 'b', store: 'redis' }])).toBe(
      'Redis unreachable: a, b; PostgreSQL unreachable: pg. Showing the last data received; this page recovers on its own when Redis or PostgreSQL is back.',
    );
  });
});
