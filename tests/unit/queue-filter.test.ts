// What a list over many queues keeps for a caller (lib/auth/queue-filter.ts, README › Team scopes).
import { describe, expect, it } from 'vitest';
import { queueFilterOf } from '@/lib/auth/queue-filter';

describe('queueFilterOf', () => {
  it('lets everything through for a principal without grants that has a global role (the fast path)', () => {
    const f = queueFilterOf({ global: 'viewer', grants: [] });
    expect(f.everything).toBe(true);
    expect(f.queue('any', 'queue')).toBe(true);
  });

  it('lets nothing through for a principal with neither a global role nor grants', () => {
    const f = queueFilterOf({ global: null, grants: [] });
    expect(f.everything).toBe(false);
    expect(f.connection('main')).toBe(false);
    expect(f.queue('main', 'billing')).toBe(false);
  });

  it('keeps the queues a grant gives a role on, and the connections holding one of them', () => {
    const f = queueFilterOf({
      global: null,
      grants: [
        { connection: 'main', queue: 'billing-*', role: 'operator' },
        { connection: 'main', queue: 'billing-secret', role: 'none' },
      ],
    });
    expect(f.everything).toBe(false);
    expect(f.queue('main', 'billing-eu')).toBe(true);
    expect(f.queue('main', 'billing-secret')).toBe(false);
    expect(f.queue('main', 'email')).toBe(false);
    expect(f.queue('other', 'billing-eu')).toBe(false);
    expect(f.connection('main')).toBe(true);
    expect(f.connection('other')).toBe(false);
  });

  it('with a global role and a "none" grant, hides only that queue', () => {
    const f = queueFilterOf({ global: 'viewer', grants: [{ connection: '*', queue: 'payroll', role: 'none' }] });
    expect(f.everything).toBe(false);
    expect(f.queue('main', 'email')).toBe(true);
    expect(f.queue('main', 'payroll')).toBe(false);
    expect(f.connection('main')).toBe(true);
  });
});
