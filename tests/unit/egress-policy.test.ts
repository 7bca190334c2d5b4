// The egress policy's decisions, without a network: how addresses are classified (IPv4, IPv6, mapped and
// NAT64 forms), what DROVER_EGRESS_ALLOW opens, that Drover's own data stores stay closed, and the
// messages a refusal and a bad DROVER_EGRESS_ALLOW give.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyAddress, formatIp, parseIp } from '@/lib/egress/ip-address';
import { EgressPolicy, EgressRefusedError, egressPolicy, parseEgressAllow } from '@/lib/egress/policy';
import { endpointsOfUrl, knownDataStores, protectDataStore, DATA_STORES_ENV } from '@/lib/egress/data-stores';
import { receiverExcerpt } from '@/lib/egress/receiver-excerpt';
import { ConfigError } from '@/lib/config/load-config';

const noConfig = { DROVER_CONFIG: undefined, REDIS_URL: undefined };

function category(address: string): string {
  const ip = parseIp(address);
  if (!ip) throw new Error(`test table: ${address} is not an address`);
  return classifyAddress(ip.bytes).category;
}

describe('address classification', () => {
  it.each([
    // IPv4
    ['8.8.8.8', 'public'],
    ['93.184.216.34', 'public'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'shared (CGNAT)'],
    ['100.100.100.200', 'shared (CGNAT)'],
    ['100.128.0.1', 'public'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    // IPv6
    ['2606:4700:4700::1111', 'public'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['fd00:ec2::254', 'unique-local'],
    ['fec0::1', 'site-local'],
    ['ff02::1', 'multicast'],
    ['::7f00:1', 'IPv4-compatible'],
    // IPv4-mapped and NAT64 forms of IPv4 addresses are what they stand for.
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:ffff:7f00:0001', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:8.8.8.8', 'public'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['64:ff9b::808:808', 'public'],
    ['64:ff9b:1::1', 'private'],
    // IPv4-translated (SIIT) and 6to4 forms are judged as the IPv4 address they reach; Teredo hides it.
    ['::ffff:0:7f00:1', 'loopback'],
    ['::ffff:0:a00:1', 'private'],
    ['::ffff:0:808:808', 'public'],
    ['2002:7f00:1::1', 'loopback'],
    ['2002:a9fe:a9fe::', 'link-local'],
    ['2002:808:808::1', 'public'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'tunnel'],
  ])('%s is %s', (address, expected) => {
    expect(category(address)).toBe(expected);
  });

  it('formats addresses back compactly (IPv4-mapped as a dotted quad)', () => {
    expect(formatIp(parseIp('::ffff:7f00:1')!.bytes)).toBe('127.0.0.1');
    expect(formatIp(parseIp('2001:0db8:0000:0000:0000:0000:0000:0001')!.bytes)).toBe('2001:db8::1');
    expect(formatIp(parseIp('fe80::1')!.bytes)).toBe('fe80::1');
    expect(parseIp('example.com')).toBeUndefined();
    expect(parseIp('127.1')).toBeUndefined();
  });
});

describe('the policy', () => {
  const defaults = new EgressPolicy([], []);

  it('lets public addresses through and refuses internal ones by default', async () => {
    expect(await defaults.verdict(undefined, '93.184.216.34', 443)).toEqual({ allowed: true });
    expect(await defaults.verdict('example.com', '2606:4700:4700::1111', 443)).toEqual({ allowed: true });
    for (const address of ['127.0.0.1', '10.1.2.3', '169.254.169.254', '::1', 'fd00::1', '::ffff:127.0.0.1', '100.64.0.1', '0.0.0.0']) {
      expect((await defaults.verdict(undefined, address, 80)).allowed, address).toBe(false);
    }
  });

  it('refuses the machine Drover runs on by any of its interface addresses, public ones included', async () => {
    const own = Object.values(os.networkInterfaces()).flat().map((nic) => nic!.address.replace(/%.*$/, ''));
    expect(own.length).toBeGreaterThan(0);
    for (const address of own) {
      const v = await defaults.verdict(undefined, address, 8080);
      expect(v.allowed, address).toBe(false);
    }
    // DROVER_EGRESS_ALLOW still opens one of them on purpose.
    const first = own.find((a) => !a.includes(':'))!;
    expect((await new EgressPolicy(parseEgressAllow(`${first}/32`), []).verdict(undefined, first, 8080)).allowed).toBe(true);
  });

  it('CIDR rules open their block (and its IPv4-mapped forms), nothing else', async () => {
    const policy = new EgressPolicy(parseEgressAllow('10.20.0.0/16, fd00:1234::/32'), []);
    expect((await policy.verdict(undefined, '10.20.3.4', 80)).allowed).toBe(true);
    expect((await policy.verdict(undefined, '::ffff:10.20.3.4', 80)).allowed).toBe(true);
    expect((await policy.verdict(undefined, '10.21.0.1', 80)).allowed).toBe(false);
    expect((await policy.verdict(undefined, 'fd00:1234:5::1', 80)).allowed).toBe(true);
    expect((await policy.verdict(undefined, 'fd00:1235::1', 80)).allowed).toBe(false);
    expect((await policy.verdict(undefined, '127.0.0.1', 80)).allowed).toBe(false);
  });

  it('host rules open a name (or the names below *.name) whatever it resolves to; a :port narrows a rule', async () => {
    const policy = new EgressPolicy(parseEgressAllow('hooks.internal.example.com,*.svc.example.com,127.0.0.1:3000,[::1]:8443'), []);
    expect((await policy.verdict('hooks.internal.example.com', '10.0.0.5', 443)).allowed).toBe(true);
    expect((await policy.verdict('HOOKS.internal.example.com.', '10.0.0.5', 443)).allowed).toBe(true);
    expect((await policy.verdict('other.example.com', '10.0.0.5', 443)).allowed).toBe(false);
    expect((await policy.verdict('a.b.svc.example.com', '10.0.0.6', 80)).allowed).toBe(true);
    expect((await policy.verdict('svc.example.com', '10.0.0.6', 80)).allowed).toBe(false);
    expect((await policy.verdict(undefined, '127.0.0.1', 3000)).allowed).toBe(true);
    expect((await policy.verdict(undefined, '127.0.0.1', 3001)).allowed).toBe(false);
    expect((await policy.verdict(undefined, '::1', 8443)).allowed).toBe(true);
    expect((await policy.verdict(undefined, '::1', 80)).allowed).toBe(false);
  });

  it("never lets a call reach Drover's own data stores, by address or by name, whatever the allow list says", async () => {
    const stores = [...endpointsOfUrl('redis://:pw@127.0.0.1:6390/0'), ...endpointsOfUrl('redis://redis.internal:6379')];
    // The data store's host name resolves through the policy's resolver (here: a fixed answer).
    const policy = new EgressPolicy(parseEgressAllow('127.0.0.0/8,10.0.0.0/8'), stores, async (host) => (host === 'redis.internal' ? ['10.9.9.9'] : []));
    expect(await policy.verdict(undefined, '127.0.0.1', 6390)).toMatchObject({ allowed: false, dataStore: { kind: 'Redis', port: 6390 } });
    expect(await policy.verdict(undefined, '::ffff:127.0.0.1', 6390)).toMatchObject({ allowed: false, dataStore: { kind: 'Redis' } });
    expect(await policy.verdict(undefined, '10.9.9.9', 6379)).toMatchObject({ allowed: false, dataStore: { host: 'redis.internal' } });
    expect(await policy.verdict('redis.internal', '10.9.9.9', 6379)).toMatchObject({ allowed: false });
    // Other ports of an allowed address stay reachable.
    expect(await policy.verdict(undefined, '127.0.0.1', 8080)).toEqual({ allowed: true });
    // The host of a data store on another port is refused too, unless a rule allows it.
    const strict = new EgressPolicy([], endpointsOfUrl('redis://203.0.113.7:6379'));
    expect(await strict.verdict(undefined, '203.0.113.7', 80)).toMatchObject({ allowed: false, storeHost: { kind: 'Redis' } });
    expect(await strict.verdict(undefined, '203.0.113.8', 80)).toEqual({ allowed: true });
  });

  it('reads data store endpoints from every URL form Drover accepts, without credentials', () => {
    expect(endpointsOfUrl('redis+cluster://:secret@h1:7000,H2:7001/0')).toEqual([
      { kind: 'Redis', host: 'h1', port: 7000 },
      { kind: 'Redis', host: 'h2', port: 7001 },
    ]);
    expect(endpointsOfUrl('rediss://[::ffff:7f00:1]')).toEqual([{ kind: 'Redis', host: '127.0.0.1', port: 6379 }]);
    expect(endpointsOfUrl('postgres://u:p@db.internal/drover')).toEqual([{ kind: 'PostgreSQL', host: 'db.internal', port: 5432 }]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-egress-'));
    const file = path.join(dir, 'drover.config.json');
    fs.writeFileSync(file, JSON.stringify({ connections: [{ name: 'a', url: 'redis://:pw@10.1.1.1:6379' }, { name: 'b', url: 'redis+cluster://10.1.1.2:7000', nodes: ['redis://10.1.1.3:7001'] }] }));
    const known = knownDataStores({ DROVER_CONFIG: file, [DATA_STORES_ENV]: 'Redis|127.0.0.1|6400' });
    expect(known.map((e) => `${e.host}:${e.port}`)).toEqual(expect.arrayContaining(['10.1.1.1:6379', '10.1.1.2:7000', '10.1.1.3:7001', '127.0.0.1:6400']));
    expect(JSON.stringify(known)).not.toContain('pw');
  });

  it('a process registers the Redis it runs on (the embedded one has no configuration)', async () => {
    protectDataStore('redis://127.0.0.1:6401');
    const policy = egressPolicy({ ...noConfig, DROVER_EGRESS_ALLOW: '127.0.0.1' });
    expect(await policy.verdict(undefined, '127.0.0.1', 6401)).toMatchObject({ allowed: false, dataStore: { port: 6401 } });
  });
});

describe('refusal messages', () => {
  const policy = new EgressPolicy([], endpointsOfUrl('redis://127.0.0.1:6390'));

  async function refusal(url: string): Promise<EgressRefusedError> {
    const err = await policy.checkUrl(new URL(url)).then(() => undefined, (e: unknown) => e);
    expect(err, url).toBeInstanceOf(EgressRefusedError);
    return err as EgressRefusedError;
  }

  it('name the host, say why, and say how to allow it', async () => {
    expect((await refusal('http://127.0.0.1:8080/hook?token=secret')).message).toBe(
      '127.0.0.1:8080 is refused by the egress policy: 127.0.0.1 is a loopback address. To allow it, add it to DROVER_EGRESS_ALLOW (comma-separated CIDR blocks and host names, e.g. DROVER_EGRESS_ALLOW=127.0.0.1/32)',
    );
    expect((await refusal('http://169.254.169.254/latest/meta-data/')).message).toMatch(
      /^169\.254\.169\.254 is refused by the egress policy: 169\.254\.169\.254 is a link-local address \(includes the cloud metadata address 169\.254\.169\.254\)\. To allow it/,
    );
    expect((await refusal('http://[fd00::1]:9000/')).message).toMatch(/^\[fd00::1\]:9000 is refused by the egress policy: fd00::1 is a unique-local address .*DROVER_EGRESS_ALLOW=fd00::1\/128\)$/);
    expect((await refusal('http://127.0.0.1:6390/')).message).toBe(
      "127.0.0.1:6390 is refused by the egress policy: it is a Redis endpoint Drover itself uses, and HTTP calls to Drover's own data stores are never allowed",
    );
    expect((await refusal('ftp://example.com/x')).message).toMatch(/only http and https are allowed/);
    expect((await refusal('file:///etc/passwd')).message).toMatch(/only http and https are allowed/);
  });

  it('catch every spelling of an IP literal the URL parser normalizes', async () => {
    for (const url of ['http://0x7f.1/', 'http://2130706433/', 'http://0177.0.0.1/', 'http://[::ffff:127.0.0.1]/', 'http://[::ffff:7f00:1]/', 'http://0/', 'http://[::]/', 'http://[64:ff9b::7f00:1]/']) {
      expect((await refusal(url)).message, url).toMatch(/is refused by the egress policy/);
    }
  });

  it('leave host names to the connect-time check, which names the kind of address, not the address', async () => {
    await expect(policy.checkUrl(new URL('http://hooks.example.com/'))).resolves.toBeUndefined();
    const err = await policy.allowedAddresses('rebind.example.com', 80, [{ address: '10.0.0.7', family: 4 }], 'rebind.example.com').catch((e: Error) => e);
    expect((err as Error).message).toBe(
      'rebind.example.com is refused by the egress policy: rebind.example.com resolves to a private address (RFC 1918). To allow it, add it to DROVER_EGRESS_ALLOW (comma-separated CIDR blocks and host names, e.g. DROVER_EGRESS_ALLOW=rebind.example.com)',
    );
    // A name with public and internal addresses connects to the public ones only.
    const mixed = [
      { address: '10.0.0.7', family: 4 },
      { address: '93.184.216.34', family: 4 },
      { address: '::1', family: 6 },
    ];
    expect(await policy.allowedAddresses('mixed.example.com', 80, mixed, 'mixed.example.com')).toEqual([{ address: '93.184.216.34', family: 4 }]);
  });
});

describe('DROVER_EGRESS_ALLOW', () => {
  it('reads the documented example', () => {
    const rules = parseEgressAllow('10.20.0.0/16,hooks.internal.example.com');
    expect(rules.map((r) => [r.kind, r.text])).toEqual([
      ['cidr', '10.20.0.0/16'],
      ['host', 'hooks.internal.example.com'],
    ]);
    expect(parseEgressAllow(' 10.0.0.1 , ,fd00::/8,')).toHaveLength(2);
    expect(parseEgressAllow(undefined)).toEqual([]);
  });

  it.each([
    ['10.20.0.0/33', 'DROVER_EGRESS_ALLOW: "10.20.0.0/33": the prefix length must be 0-32'],
    ['fd00::/129', 'DROVER_EGRESS_ALLOW: "fd00::/129": the prefix length must be 0-128'],
    ['10.20.0.0/16/8', 'DROVER_EGRESS_ALLOW: "10.20.0.0/16/8" is not an IP address or CIDR block'],
    ['not a host', 'DROVER_EGRESS_ALLOW: "not a host" is not a CIDR block, an IP address or a host name'],
    ['10.20.0', 'DROVER_EGRESS_ALLOW: "10.20.0" is not a CIDR block, an IP address or a host name'],
    ['http://hooks.example.com/x', 'DROVER_EGRESS_ALLOW: "http://hooks.example.com/x" is a URL; give its host name or address (hooks.example.com)'],
    ['hooks.example.com:99999', 'DROVER_EGRESS_ALLOW: "hooks.example.com:99999" has an invalid port (1-65535)'],
    ['[hooks.example.com]', 'DROVER_EGRESS_ALLOW: "[hooks.example.com]": only IPv6 addresses go in brackets'],
  ])('refuses %j with a clear message', (value, message) => {
    expect(() => parseEgressAllow(value)).toThrowError(ConfigError);
    expect(() => parseEgressAllow(value)).toThrowError(message);
    expect(() => parseEgressAllow(value)).toThrowError(/expected comma-separated CIDR blocks|invalid port|is a URL/);
  });

  it('a bad value fails every call with that message, rather than falling back to some policy', () => {
    expect(() => egressPolicy({ ...noConfig, DROVER_EGRESS_ALLOW: '10.0.0.0/40' })).toThrowError(/DROVER_EGRESS_ALLOW: "10\.0\.0\.0\/40"/);
  });
});

describe('receiver excerpts', () => {
  it('are one line without control or format characters, at most 200 characters', () => {
    const hostile = 'line1\r\nX-Injected: yes\u0000\u001b[31mred\u202Egnp.exe\u2028next' + 'A'.repeat(10_000);
    const excerpt = receiverExcerpt(hostile);
    expect(excerpt.startsWith('line1 X-Injected: yes [31mred gnp.exe next')).toBe(true);
    expect(Array.from(excerpt)).toHaveLength(200);
    expect(excerpt.endsWith('…')).toBe(true);
    expect(excerpt).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e\u2028]/);
    expect(receiverExcerpt('  short  answer \n')).toBe('short answer');
    // Never cut inside a surrogate pair.
    expect(receiverExcerpt('😀'.repeat(300))).toBe(`${'😀'.repeat(199)}…`);
  });
});
