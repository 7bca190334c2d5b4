// IP addresses and CIDR blocks as 16 bytes (IPv4 as its IPv4-mapped IPv6 form, ::ffff:a.b.c.d), so one
// comparison covers 127.0.0.1 and ::ffff:127.0.0.1 alike; and the table of address ranges the egress
// policy refuses by default. Relative imports only: the image sandbox loads this file.
import net from 'node:net';

export type IpAddress = { bytes: Uint8Array; /** How it was written: 4 for dotted quads. */ version: 4 | 6 };
export type CidrBlock = { base: Uint8Array; /** Prefix length over the 128-bit form. */ bits: number; text: string };

const MAPPED_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

function parseIpv4Bytes(text: string): number[] {
  return text.split('.').map(Number);
}

/** 10.0.0.1, ::1, [::1], fe80::1%eth0 → bytes; undefined when `text` is not an IP address. */
export function parseIp(text: string): IpAddress | undefined {
  let s = text.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  const version = net.isIP(s);
  if (version === 4) return { bytes: Uint8Array.from([...MAPPED_PREFIX, ...parseIpv4Bytes(s)]), version: 4 };
  if (version !== 6) return undefined;
  // A trailing dotted quad (::ffff:1.2.3.4) becomes two hex groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    const [a, b, c, d] = parseIpv4Bytes(dotted[1]);
    s = `${s.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...tailGroups].map((g) => parseInt(g, 16));
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[i * 2] = g >> 8;
    bytes[i * 2 + 1] = g & 0xff;
  });
  return { bytes, version: 6 };
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

/** True for ::ffff:a.b.c.d (and so for every address written as a dotted quad). */
export function isIpv4Mapped(bytes: Uint8Array): boolean {
  return startsWith(bytes, MAPPED_PREFIX);
}

/** 127.0.0.1 for IPv4 and IPv4-mapped addresses, else the compressed IPv6 form. */
export function formatIp(bytes: Uint8Array): string {
  if (isIpv4Mapped(bytes)) return `${bytes[12]}.${bytes[13]}.${bytes[14]}.${bytes[15]}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i] << 8) | bytes[i + 1]);
  // The longest run of ≥ 2 zero groups becomes "::" (RFC 5952).
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length && j - i >= 2) best = { start: i, length: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
}

/** "10.0.0.0/8", "fd00::/8", "10.1.2.3" (a /32) → block; throws a message saying what is wrong. */
export function parseCidr(text: string): CidrBlock {
  const [addressText, bitsText, extra] = text.split('/');
  const address = parseIp(addressText);
  if (!address || extra !== undefined) throw new Error(`"${text}" is not an IP address or CIDR block`);
  const max = address.version === 4 ? 32 : 128;
  let bits = max;
  if (bitsText !== undefined) {
    if (!/^\d{1,3}$/.test(bitsText) || Number(bitsText) > max) throw new Error(`"${text}": the prefix length must be 0-${max}`);
    bits = Number(bitsText);
  }
  const total = address.version === 4 ? 96 + bits : bits;
  return { base: mask(address.bytes, total), bits: total, text: bitsText === undefined ? addressText : `${addressText}/${bits}` };
}

function mask(bytes: Uint8Array, bits: number): Uint8Array {
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    out[i] = bytes[i] & ((0xff << (8 - keep)) & 0xff);
  }
  return out;
}

export function inCidr(bytes: Uint8Array, block: CidrBlock): boolean {
  const masked = mask(bytes, block.bits);
  return masked.every((b, i) => b === block.base[i]);
}

export function sameIp(a: Uint8Array, b: Uint8Array): boolean {
  return a.every((x, i) => x === b[i]);
}

/**
 * The IPv4 address an IPv6 address stands for when the network turns it into IPv4, judged as that IPv4
 * address: NAT64's well-known prefix 64:ff9b::/96, the IPv4-translated form ::ffff:0:a.b.c.d (SIIT) and
 * 6to4's 2002:aabb:ccdd::/48 (the relay delivers to aa.bb.cc.dd). Mapped addresses already are IPv4.
 */
export function effectiveAddress(bytes: Uint8Array): Uint8Array {
  if (startsWith(bytes, [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0])) return Uint8Array.from([...MAPPED_PREFIX, ...bytes.slice(12)]);
  if (startsWith(bytes, [0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0])) return Uint8Array.from([...MAPPED_PREFIX, ...bytes.slice(12)]);
  if (startsWith(bytes, [0x20, 0x02])) return Uint8Array.from([...MAPPED_PREFIX, ...bytes.slice(2, 6)]);
  return bytes;
}

export type AddressCategory =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'shared (CGNAT)'
  | 'link-local'
  | 'unique-local'
  | 'site-local'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'IPv4-compatible'
  | 'tunnel'
  | 'this host';

/** Ranges refused unless DROVER_EGRESS_ALLOW allows them; first match wins. */
const REFUSED_RANGES: Array<[string, AddressCategory, string?]> = [
  // IPv4 (matched on the mapped form, so ::ffff:127.0.0.1 is loopback too).
  ['0.0.0.0/8', 'unspecified', '"this network": 0.0.0.0 reaches the local host'],
  ['10.0.0.0/8', 'private', 'RFC 1918'],
  ['100.64.0.0/10', 'shared (CGNAT)', 'RFC 6598; also cloud metadata such as 100.100.100.200'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local', 'includes the cloud metadata address 169.254.169.254'],
  ['172.16.0.0/12', 'private', 'RFC 1918'],
  ['192.0.0.0/24', 'reserved', 'IETF protocol assignments'],
  ['192.168.0.0/16', 'private', 'RFC 1918'],
  ['198.18.0.0/15', 'reserved', 'benchmarking'],
  ['224.0.0.0/4', 'multicast'],
  ['255.255.255.255/32', 'broadcast'],
  ['240.0.0.0/4', 'reserved', 'class E'],
  // IPv6.
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['::/96', 'IPv4-compatible', 'deprecated ::a.b.c.d form'],
  ['64:ff9b:1::/48', 'private', 'local-use NAT64'],
  ['100::/64', 'reserved', 'discard-only'],
  ['2001::/32', 'tunnel', 'Teredo: the IPv4 address it reaches is hidden in the address'],
  ['fc00::/7', 'unique-local', 'includes fd00:ec2::254, the AWS IPv6 metadata address'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'site-local', 'deprecated'],
  ['ff00::/8', 'multicast'],
];

const REFUSED_BLOCKS = REFUSED_RANGES.map(([cidr, category, note]) => ({ block: parseCidr(cidr), category, note }));

export type Classification = { category: AddressCategory; note?: string; /** The address after NAT64 unwrapping. */ effective: Uint8Array };

/** What kind of address this is; "public" means the default policy lets it through. */
export function classifyAddress(bytes: Uint8Array): Classification {
  const effective = effectiveAddress(bytes);
  for (const { block, category, note } of REFUSED_BLOCKS) {
    if (inCidr(effective, block)) return { category, note, effective };
  }
  return { category: 'public', effective };
}
