// Where to go after sign-in: only somewhere on this console. The raw value is resolved with the WHATWG
// URL parser (the one browsers use, which drops tabs and newlines and reads "\" as "/") against the
// console's own origin, so "/\t/evil.com", "/\\evil.com", "https:evil.com" or "/.//evil.com" cannot
// turn into another host once a browser reads them.

/** An origin that no request can have, for resolving when the console's own one is not at hand. */
const PLACEHOLDER_ORIGIN = 'http://drover.invalid';
const MAX_LENGTH = 2000;

/** A path on this origin ("/queues/x?y=1#z"), "/" when raw is anything else or would loop back to sign-in. */
export function safeCallbackPath(raw: unknown, origin: string = PLACEHOLDER_ORIGIN): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_LENGTH) return '/';
  let base: URL;
  let url: URL;
  try {
    base = new URL(origin);
    url = new URL(raw, base);
  } catch {
    return '/';
  }
  if (url.origin !== base.origin || url.username || url.password) return '/';
  const path = url.pathname + url.search + url.hash;
  // The path alone must resolve to this origin too: "/.//evil.com" parses to the path "//evil.com",
  // which a browser reads as another host.
  if (!path.startsWith('/') || path.startsWith('//') || new URL(path, base).origin !== base.origin) return '/';
  if (url.pathname === '/signin' || url.pathname.startsWith('/signin/') || url.pathname.startsWith('/api/')) return '/';
  return path;
}

/** next-auth's redirect callback: an absolute URL on baseUrl's origin, baseUrl + "/" otherwise. */
export function safeRedirectUrl(url: string, baseUrl: string): string {
  let origin: string;
  try {
    origin = new URL(baseUrl).origin;
  } catch {
    return '/';
  }
  return origin + safeCallbackPath(url, origin);
}
