// The client address of a request, for the sign-in limits: the TCP peer, or what trusted proxies say.
// The peer comes from Drover's own server (scripts/server.mjs), which overwrites the private header
// x-drover-peer with socket.remoteAddress on every request. X-Forwarded-For is only read when
// DROVER_TRUSTED_PROXIES says which hops to believe: without it a client could pick its own address.
import { BlockList, isIP } from 'node:net';

/** Set by scripts/server.mjs in this process: the name of the header that carries the socket's peer. */
export const PEER_HEADER_MARKER = Symbol.for('drover.server.peer-header');

export type TrustedProxies = { kind: 'none' } | { kind: 'hops'; hops: number } | { kind: 'cidrs'; list: BlockList; spec: string };

/** DROVER_TRUSTED_PROXIES: empty (none), a hop count ("1") or a comma-separated CIDR / address list. */
export function parseTrustedProxies(raw: string | undefined): TrustedProxies {
  const value = (raw ?? '').trim();
  if (!value || value === '0') return { kind: 'none' };
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 10) throw new Error(`DROVER_TRUSTED_PROXIES: ${hops} hops is more than any real chain of proxies (at most 10)`);
    return { kind: 'hops', hops };
  }
  const list = new BlockList();
  for (const entry of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [address, prefixText, extra] = entry.split('/');
    const family = isIP(address);
    const prefix = prefixText === undefined ? (family === 6 ? 128 : 32) : Number(prefixText);
    if (!family || extra !== undefined || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32)) {
      throw new Error(`DROVER_TRUSTED_PROXIES: "${entry}" is not a hop count, an IP address or a CIDR like 10.0.0.0/8 or fd00::/8`);
    }
    list.addSubnet(address, prefix, family === 6 ? 'ipv6' : 'ipv4');
  }
  return { kind: 'cidrs', list, spec: value };
}

let cachedSpec: string | undefined;
let cached: TrustedProxies = { kind: 'none' };
function trustedProxies(): TrustedProxies {
  const raw = process.env.DROVER_TRUSTED_PROXIES;
  if (raw !== cachedSpec) {
    cached = parseTrustedProxies(raw);
    cachedSpec = raw;
  }
  return cached;
}

/** "1.2.3.4", "::ffff:1.2.3.4", "[::1]:80", "1.2.3.4:5678" → a canonical address, or null when it is none. */
export function normalizeAddress(raw: string | undefined | null): string | null {
  if (!raw) return null;
  let value = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) value = bracketed[1];
  else if (/^[\d.]+:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(':'));
  value = value.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(value);
  if (mapped) value = mapped[1];
  return isIP(value) ? value : null;
}

function familyOf(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 6 ? 'ipv6' : 'ipv4';
}

function headerGetter(headers: Headers | Record<string, string | string[] | undefined>) {
  return (name: string): string | undefined => {
    if (headers instanceof Headers) return headers.get(name) ?? undefined;
    const v = headers[name];
    return Array.isArray(v) ? v.join(',') : v;
  };
}

/**
 * The client address, or null when it cannot be known: the console runs without Drover's server
 * (e.g. `next start` or `next dev`) and no trusted proxy is configured. Callers must not lump unknown
 * clients together (one shared bucket would let anyone lock everyone out).
 */
export function clientAddress(headers: Headers | Record<string, string | string[] | undefined>, trusted: TrustedProxies = trustedProxies()): string | null {
  const get = headerGetter(headers);
  const peerHeader = (globalThis as Record<symbol, unknown>)[PEER_HEADER_MARKER];
  const peer = typeof peerHeader === 'string' ? normalizeAddress(get(peerHeader)) : null;
  if (trusted.kind === 'none') return peer;
  // Nearest hop last. Next's own server adds the socket address as X-Forwarded-For only when absent.
  const forwarded = (get('x-forwarded-for') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (trusted.kind === 'hops') {
    // N trusted proxies: each appended the address it saw; the N-th entry from the end is what the
    // outermost one saw. A shorter chain means the request skipped a proxy: use the peer.
    if (forwarded.length >= trusted.hops) return normalizeAddress(forwarded[forwarded.length - trusted.hops]) ?? peer;
    return peer;
  }
  // CIDR list: walk from the peer outwards while the hop is a trusted proxy; the first other one is the client.
  if (!peer) return null;
  let current = peer;
  for (let i = forwarded.length - 1; i >= 0; i--) {
    if (!trusted.list.check(current, familyOf(current))) return current;
    const next = normalizeAddress(forwarded[i]);
    // Garbage where an address should be: the trusted hop that wrote it is the best we know.
    if (!next) return current;
    current = next;
  }
  return current;
}

/** The rate-limit key of an address: IPv4 as is; IPv6 by its /64, since one host usually holds a whole /64. */
export function addressBucket(address: string): string {
  if (isIP(address) !== 6) return address;
  const [head, tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => (parseInt(g, 16) || 0).toString(16)).join(':')}::/64`;
}
