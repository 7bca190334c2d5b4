// Names and addresses that reach Drover's stores as text: control characters (NUL above all, which
// PostgreSQL text cannot hold) are refused at the schema with the field's message, on either store.
import { describe, expect, it } from 'vitest';
import { emailSchema } from '@/lib/auth/user-schema';
import { tokenNameSchema } from '@/lib/auth/token-schema';

describe('control characters', () => {
  it('are not part of an email address (the sign-in form then charges the address window only)', () => {
    for (const bad of ['a\u0000@x', 'a@x\u0000', 'a\u0007b@x', 'a@\u001bx']) {
      const r = emailSchema.safeParse(bad);
      expect([r.success, r.error?.issues[0].message]).toEqual([false, 'must be an email address like name@example.com']);
    }
    expect(emailSchema.parse(' Ops@Example.com ')).toBe('ops@example.com');
    expect(emailSchema.parse('zoë@exämple.de')).toBe('zoë@exämple.de');
  });

  it('are not part of an API token name', () => {
    for (const bad of ['ci\u0000', 'ci\u0085x', 'a\u0001b']) {
      const r = tokenNameSchema.safeParse(bad);
      expect([r.success, r.error?.issues[0].message]).toEqual([false, 'name must not contain control characters']);
    }
    expect(tokenNameSchema.parse('  deploy bot · 2026 ')).toBe('deploy bot · 2026');
  });
});
