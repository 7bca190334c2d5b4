import { describe, expect, it } from 'vitest';
import { hasRole } from '@/lib/auth/roles';
import { safeCallbackPath, safeRedirectUrl } from '@/lib/auth/safe-callback';
import { PEER_HEADER_MARKER, addressBucket, clientAddress, normalizeAddress, parseTrustedProxies } from '@/lib/auth/client-address';
import { assertRole } from '@/lib/auth/assert-role';
import { ForbiddenError, UnauthorizedError } from '@/lib/errors';

describe('roles', () => {
  it('orders viewer < operator < admin', () => {
    expect(hasRole('admin', 'operator')).toBe(true);
    expect(hasRole('operator', 'operator')).toBe(true);
    expect(hasRole('viewer', 'operator')).toBe(false);
    expect(hasRole('operator', 'admin')).toBe(false);
  });

  it('assertRole throws 401 without a principal and 403 with too low a role', () => {
    expect(() => assertRole(null, 'viewer')).toThrowError(UnauthorizedError);
    expect(() => assertRole({ kind: 'session', id: 'v', name: 'v', role: 'viewer' }, 'operator')).toThrowError(ForbiddenError);
    expect(assertRole({ kind: 'token', id: 't', name: 'token:t', role: 'admin' }, 'operator').role).toBe('admin');
  });
});

describe('sign-in redirect target', () => {
  const ORIGIN = 'https://drover.example:8443';

  it('keeps paths on this origin, with their query and fragment', () => {
    expect(safeCallbackPath('/connections/default/queues/mail?state=failed')).toBe('/connections/default/queues/mail?state=failed');
    expect(safeCallbackPath('/jobs/1#logs', ORIGIN)).toBe('/jobs/1#logs');
    expect(safeCallbackPath(`${ORIGIN}/audit?user=a`, ORIGIN)).toBe('/audit?user=a');
    // Relative paths resolve against the root; dot segments are resolved.
    expect(safeCallbackPath('queues', ORIGIN)).toBe('/queues');
    expect(safeCallbackPath('/a/../b', ORIGIN)).toBe('/b');
    // Encoded slashes stay encoded: one path segment, on this origin.
    expect(safeCallbackPath('/%2F%2Fevil.example', ORIGIN)).toBe('/%2F%2Fevil.example');
    // Same scheme without slashes is a relative path to the URL parser (and to browsers): harmless.
    expect(safeCallbackPath('https:evil.example', ORIGIN)).toBe('/evil.example');
  });

  // Each of these reaches another host (or runs script) in some browser or parser, or cannot be parsed.
  const HOSTILE = [
    '//evil.example/x',
    '/\\evil.example/x',
    '\\/evil.example/x',
    '/\t/evil.example/x',
    '/\n/evil.example/x',
    '/\r\n/evil.example/x',
    '\t//evil.example/x',
    ' //evil.example/x',
    '\u0000//evil.example',
    '/.//evil.example/x',
    '/./\\evil.example',
    'http:evil.example',
    'http:/evil.example',
    'https://evil.example',
    'HTTPS://EVIL.EXAMPLE',
    'http:\\\\evil.example',
    `${ORIGIN}.evil.example/x`,
    `${ORIGIN}@evil.example/x`,
    'https://user:pass@drover.example:8443/x',
    'http://drover.example:8443/x',
    'https://drover.example/x',
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'java\tscript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'http://[',
    'https://%zz',
    '',
    'x'.repeat(3000),
  ];
  it.each(HOSTILE.map((raw) => [JSON.stringify(raw).slice(0, 60), raw]))('sends %s to /', (_label, raw) => {
    expect(safeCallbackPath(raw, ORIGIN)).toBe('/');
    expect(safeRedirectUrl(raw, ORIGIN)).toBe(`${ORIGIN}/`);
  });

  it('never returns something a browser would read as another host', () => {
    for (const raw of HOSTILE) {
      const out = safeRedirectUrl(raw, ORIGIN);
      expect(new URL(out).origin).toBe(ORIGIN);
      expect(out).not.toMatch(/[\t\n\r\\]/);
    }
  });

  it('refuses non-strings and loops back to sign-in or the API', () => {
    expect(safeCallbackPath(undefined)).toBe('/');
    expect(safeCallbackPath(['/a', '/b'])).toBe('/');
    expect(safeCallbackPath('/signin?callbackUrl=%2F', ORIGIN)).toBe('/');
    expect(safeCallbackPath('/api/auth/signout', ORIGIN)).toBe('/');
    expect(safeRedirectUrl('/users', ORIGIN)).toBe(`${ORIGIN}/users`);
    expect(safeRedirectUrl('/users', 'not a url')).toBe('/');
  });
});

describe('client address', () => {
  const withServer = (fn: () => void) => {
    (globalThis as Record<symbol, unknown>)[PEER_HEADER_MARKER] = 'x-drover-peer';
    try {
      fn();
    } finally {
      delete (globalThis as Record<symbol, unknown>)[PEER_HEADER_MARKER];
    }
  };
  const none = parseTrustedProxies(undefined);

  it('is the socket peer from Drover\'s server, whatever X-Forwarded-For says', () => {
    withServer(() => {
      expect(clientAddress(new Headers({ 'x-drover-peer': '::ffff:10.0.0.9', 'x-forwarded-for': '1.1.1.1' }), none)).toBe('10.0.0.9');
      expect(clientAddress({ 'x-drover-peer': '::1' }, none)).toBe('::1');
    });
  });

  it('is unknown without Drover\'s server: a client-sent x-drover-peer is not believed', () => {
    expect(clientAddress(new Headers({ 'x-drover-peer': '10.0.0.9', 'x-forwarded-for': '1.1.1.1' }), none)).toBeNull();
  });

  it('with a hop count, is the address the outermost trusted proxy appended', () => {
    const one = parseTrustedProxies('1');
    const two = parseTrustedProxies('2');
    withServer(() => {
      const h = (xff: string) => new Headers({ 'x-drover-peer': '10.0.0.2', 'x-forwarded-for': xff });
      expect(clientAddress(h('6.6.6.6, 203.0.113.7'), one)).toBe('203.0.113.7');
      expect(clientAddress(h('6.6.6.6, 203.0.113.7, 10.0.0.1'), two)).toBe('203.0.113.7');
      // A chain shorter than the proxies: the request skipped one; the peer is what we know.
      expect(clientAddress(h('203.0.113.7'), two)).toBe('10.0.0.2');
      expect(clientAddress(new Headers({ 'x-drover-peer': '10.0.0.2' }), one)).toBe('10.0.0.2');
    });
    // Behind a proxy the hop count works without Drover's server too (the proxy wrote the header).
    expect(clientAddress(new Headers({ 'x-forwarded-for': '6.6.6.6, 203.0.113.7' }), one)).toBe('203.0.113.7');
  });

  it('with a CIDR list, walks from the peer outwards over trusted proxies only', () => {
    const cidrs = parseTrustedProxies('10.0.0.0/8, fd00::/8, 127.0.0.1');
    withServer(() => {
      const h = (peer: string, xff?: string) => new Headers({ 'x-drover-peer': peer, ...(xff ? { 'x-forwarded-for': xff } : {}) });
      expect(clientAddress(h('10.0.0.2', '6.6.6.6, 203.0.113.7, 10.1.1.1'), cidrs)).toBe('203.0.113.7');
      expect(clientAddress(h('fd00::5', '2001:db8::1'), cidrs)).toBe('2001:db8::1');
      // The peer is not a trusted proxy: its X-Forwarded-For is the client's own invention.
      expect(clientAddress(h('198.51.100.4', '10.0.0.7'), cidrs)).toBe('198.51.100.4');
      // Garbage where the next address should be: the last trusted hop.
      expect(clientAddress(h('10.0.0.2', 'not-an-ip'), cidrs)).toBe('10.0.0.2');
      expect(clientAddress(h('127.0.0.1', '10.9.9.9'), cidrs)).toBe('10.9.9.9');
    });
    // Without the peer a CIDR list cannot be checked.
    expect(clientAddress(new Headers({ 'x-forwarded-for': '203.0.113.7' }), cidrs)).toBeNull();
  });

  it('refuses a malformed DROVER_TRUSTED_PROXIES with a message naming the entry', () => {
    expect(parseTrustedProxies('')).toEqual({ kind: 'none' });
    expect(parseTrustedProxies('0')).toEqual({ kind: 'none' });
    expect(() => parseTrustedProxies('10.0.0.0/33')).toThrow(/"10\.0\.0\.0\/33" is not a hop count/);
    expect(() => parseTrustedProxies('proxy.internal')).toThrow(/"proxy\.internal"/);
    expect(() => parseTrustedProxies('99')).toThrow(/at most 10/);
  });

  it('normalizes addresses and buckets IPv6 by /64', () => {
    expect(normalizeAddress('[2001:DB8::1]:443')).toBe('2001:db8::1');
    expect(normalizeAddress('198.51.100.1:5678')).toBe('198.51.100.1');
    expect(normalizeAddress('::ffff:198.51.100.1')).toBe('198.51.100.1');
    expect(normalizeAddress('unknown')).toBeNull();
    expect(addressBucket('198.51.100.1')).toBe('198.51.100.1');
    expect(addressBucket('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:db8:1:2::99')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressBucket('::1')).toBe('0:0:0:0::/64');
  });
});
