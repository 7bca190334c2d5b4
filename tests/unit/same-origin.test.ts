// Cookie-authenticated mutations must come from the console's own origin; the host compared with
// Origin comes from X-Forwarded-Host only when a trusted proxy (DROVER_TRUSTED_PROXIES) set it.
import { afterEach, describe, expect, it } from 'vitest';
import { assertSameOrigin } from '@/lib/http/api-route';

const request = (headers: Record<string, string>) => new Request('http://localhost:3000/api/v1/x', { method: 'POST', headers: { host: 'localhost:3000', ...headers } });

afterEach(() => {
  delete process.env.DROVER_TRUSTED_PROXIES;
});

describe('same-origin check of route handlers', () => {
  it('refuses another origin, and a client cannot make it match by naming the host in X-Forwarded-Host', () => {
    expect(() => assertSameOrigin(request({ origin: 'http://localhost:3000' }))).not.toThrow();
    expect(() => assertSameOrigin(request({ origin: 'https://evil.example' }))).toThrow(/Cross-origin request refused/);
    expect(() => assertSameOrigin(request({ origin: 'https://evil.example', 'x-forwarded-host': 'evil.example' }))).toThrow(/Cross-origin request refused/);
  });

  it('behind a trusted proxy, the host the proxy forwarded is the one compared', () => {
    process.env.DROVER_TRUSTED_PROXIES = '1';
    expect(() => assertSameOrigin(request({ origin: 'https://console.example.com', 'x-forwarded-host': 'console.example.com' }))).not.toThrow();
    expect(() => assertSameOrigin(request({ origin: 'https://evil.example', 'x-forwarded-host': 'console.example.com' }))).toThrow(/Cross-origin request refused/);
  });
});
