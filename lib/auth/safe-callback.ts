/** Only same-site paths: "/queues/x" yes; "//evil.com", "https://evil.com", "javascript:" no. */
export function safeCallbackPath(raw: unknown): string {
  if (typeof raw !== 'string' || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return '/';
  if (raw.startsWith('/signin') || raw.startsWith('/api/')) return '/';
  return raw.slice(0, 2000);
}
