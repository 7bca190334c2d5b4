// Review: a connection where no grant gives any queue must answer like an unknown one (README › Team
// scopes); mayReachConnection decides it for the overview (endpoint, Redis facts), the DLQ and alerts.
import { describe, expect, it } from 'vitest';
import { mayReachConnection, parseGrantText, roleAt, type Access } from '@/lib/auth/scope';

const access = (global: Access['global'], ...grants: string[]): Access => ({ global, grants: grants.map(parseGrantText) });

describe('mayReachConnection with a grant that takes a connection\'s queues away', () => {
  it('operator on billing-* everywhere but main: main holds no queue of theirs, so it is not reachable', () => {
    const a = access(null, 'operator@*/billing-*', 'none@main/billing-*');
    expect(roleAt(a, 'main', 'billing-invoices')).toBeNull();
    expect(roleAt(a, 'eu', 'billing-invoices')).toBe('operator');
    expect(mayReachConnection(a, 'eu')).toBe(true);
    expect(mayReachConnection(a, 'main')).toBe(false);
  });
});
