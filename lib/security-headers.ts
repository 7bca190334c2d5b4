// The per-request nonce-based Content-Security-Policy for pages (set by proxy.ts). The fixed headers
// sent with every response (nosniff, Referrer-Policy, X-Frame-Options…) are in next.config.js.

/** No 'unsafe-eval' anywhere; scripts only with this request's nonce. */
export function contentSecurityPolicy(nonce: string, { dev = false, https = false } = {}): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    // Style attributes (progress bars, charts) need 'unsafe-inline' for styles only; scripts stay strict.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}
