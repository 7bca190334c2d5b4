import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { nextAuthLogger } from '@/lib/auth/next-auth-logger';

function capture(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk))), done()) });
  return { lines, log: nextAuthLogger(pino({ level }, sink)) };
}

describe('next-auth logger', () => {
  it('an unreadable session cookie (any client can send one) is a debug line, not an error', () => {
    const { lines, log } = capture('info');
    log.error!('JWT_SESSION_ERROR', new Error('Invalid Compact JWE'));
    expect(lines).toEqual([]);
    const debug = capture('debug');
    debug.log.error!('JWT_SESSION_ERROR', new Error('Invalid Compact JWE'));
    expect(debug.lines).toMatchObject([{ level: 20, code: 'JWT_SESSION_ERROR', err: 'Invalid Compact JWE' }]);
  });

  it('other errors are one line with the message, bounded, and never the stack', () => {
    const { lines, log } = capture();
    const err = new Error('x'.repeat(1000));
    log.error!('OAUTH_CALLBACK_ERROR', { error: err, providerId: 'oidc' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, event: 'auth.next_auth_error', code: 'OAUTH_CALLBACK_ERROR' });
    expect(String(lines[0].err)).toHaveLength(301);
    expect(JSON.stringify(lines[0])).not.toContain('    at ');
  });
});
