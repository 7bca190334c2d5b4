// The egress policy: which addresses Drover's outbound HTTP calls (webhook and image jobs, alert
// webhooks) may connect to. By default every address that leads inside — loopback, private, link-local,
// unique-local, CGNAT, unspecified, multicast, their IPv4-mapped and NAT64 forms — and the data stores
// Drover itself uses are refused; DROVER_EGRESS_ALLOW opens CIDR blocks and host names. The decision is
// taken on the address a connection is about to use (see egress-request.ts), so DNS rebinding cannot get
// around it. Relative imports only: the image sandbox loads this file.
import dns from 'node:dns';
import os from 'node:os';
import { domainToASCII } from 'node:url';
import { ConfigError, type Env } from '../config/load-config';
import { DATA_STORES_ENV, knownDataStores, normalizeHost, registrationsVersion, type DataStoreEndpoint } from './data-stores';
import { classifyAddress, formatIp, inCidr, parseCidr, parseIp, sameIp, type CidrBlock } from './ip-address';

export const EGRESS_ALLOW_ENV = 'DROVER_EGRESS_ALLOW';

/** A call the policy refuses. Not worth retrying: the same address is refused next time. */
export class EgressRefusedError extends Error {
  /** host[:port] as the URL names it. */
  readonly host: string;
  constructor(message: string, host: string) {
    super(message);
    this.name = 'EgressRefusedError';
    this.host = host;
  }
}

/** By name as well: the error may come from another module instance (sandbox, bundler). */
export function isEgressRefusal(err: unknown): err is EgressRefusedError {
  return err instanceof EgressRefusedError || (err instanceof Error && err.name === 'EgressRefusedError');
}

export type AllowRule =
  | { kind: 'cidr'; block: CidrBlock; port?: number; text: string }
  | { kind: 'host'; host: string; /** "*.example.com": any name below example.com. */ wildcard: boolean; port?: number; text: string };

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
const SYNTAX =
  'expected comma-separated CIDR blocks (10.20.0.0/16), addresses (10.1.2.3, fd00::1) or host names ' +
  '(hooks.internal.example.com, *.internal.example.com), each optionally with :port ([fd00::1]:8443 for IPv6)';

function parsePort(text: string, entry: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) {
    throw new ConfigError(`${EGRESS_ALLOW_ENV}: "${entry}" has an invalid port (1-65535)`);
  }
  return Number(text);
}

function parseHostRule(target: string, entry: string): { host: string; wildcard: boolean } {
  const wildcard = target.startsWith('*.');
  const name = wildcard ? target.slice(2) : target;
  const ascii = domainToASCII(name.replace(/\.$/, '')).toLowerCase();
  const labels = ascii.split('.');
  // A numeric last label would be read as an IPv4 address by the URL parser (http://10.20/ is 10.0.0.20).
  if (!ascii || ascii.length > 253 || !labels.every((l) => LABEL.test(l)) || /^\d+$/.test(labels.at(-1)!)) {
    throw new ConfigError(`${EGRESS_ALLOW_ENV}: "${entry}" is not a CIDR block, an IP address or a host name; ${SYNTAX}`);
  }
  return { host: ascii, wildcard };
}

/** Parses DROVER_EGRESS_ALLOW; throws a ConfigError naming the entry that is wrong. */
export function parseEgressAllow(value: string | undefined): AllowRule[] {
  const rules: AllowRule[] = [];
  for (const raw of (value ?? '').split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    if (entry.includes('://')) {
      throw new ConfigError(`${EGRESS_ALLOW_ENV}: "${entry}" is a URL; give its host name or address (${entry.replace(/^[a-z+]+:\/\//i, '').split(/[/?#]/)[0]})`);
    }
    let target = entry;
    let port: number | undefined;
    const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(entry);
    if (bracketed) {
      target = bracketed[1];
      if (bracketed[2] !== undefined) port = parsePort(bracketed[2], entry);
      if (!parseIp(target.split('/')[0]) || !target.includes(':')) throw new ConfigError(`${EGRESS_ALLOW_ENV}: "${entry}": only IPv6 addresses go in brackets; ${SYNTAX}`);
    } else if (entry.split(':').length === 2) {
      [target] = entry.split(':');
      port = parsePort(entry.split(':')[1], entry);
    }
    if (target.includes('/') || parseIp(target)) {
      try {
        rules.push({ kind: 'cidr', block: parseCidr(target), port, text: entry });
      } catch (err) {
        throw new ConfigError(`${EGRESS_ALLOW_ENV}: ${(err as Error).message}; ${SYNTAX}`);
      }
    } else {
      rules.push({ kind: 'host', ...parseHostRule(target, entry), port, text: entry });
    }
  }
  return rules;
}

export type ResolvedAddress = { address: string; family: number };
/** Resolves a data store's host name to its addresses ([] when it does not resolve). */
export type StoreResolver = (host: string) => Promise<string[]>;

const systemResolver: StoreResolver = (host) =>
  new Promise((resolve) => dns.lookup(host, { all: true }, (err, addresses) => resolve(err ? [] : addresses.map((a) => a.address))));

/** How long the addresses of a data store's host name are reused. */
const STORE_ADDRESSES_TTL_MS = 30_000;

type Verdict = { allowed: true } | { allowed: false; dataStore?: DataStoreEndpoint; storeHost?: DataStoreEndpoint; category?: string; note?: string };

function describe(v: Exclude<Verdict, { allowed: true }>): string {
  if (v.storeHost) return `the host of a ${v.storeHost.kind} connection Drover uses`;
  const article = /^(unspecified|IPv4|unparseable)/.test(v.category ?? '') ? 'an' : 'a';
  return `${article} ${v.category} address${v.note ? ` (${v.note})` : ''}`;
}

export class EgressPolicy {
  private storeAddresses?: { at: number; list: Array<{ endpoint: DataStoreEndpoint; bytes: Uint8Array }> };

  constructor(
    readonly allow: AllowRule[],
    readonly dataStores: DataStoreEndpoint[],
    private readonly resolveStore: StoreResolver = systemResolver,
  ) {}

  /** The data stores' addresses: IP hosts as they are, host names resolved (cached for 30 s). */
  private async dataStoreAddresses(): Promise<Array<{ endpoint: DataStoreEndpoint; bytes: Uint8Array }>> {
    if (this.storeAddresses && Date.now() - this.storeAddresses.at < STORE_ADDRESSES_TTL_MS) return this.storeAddresses.list;
    const list = (
      await Promise.all(
        this.dataStores.map(async (endpoint) => {
          const ip = parseIp(endpoint.host);
          const addresses = ip ? [ip.bytes] : (await this.resolveStore(endpoint.host)).flatMap((a) => parseIp(a)?.bytes ?? []);
          return addresses.map((bytes) => ({ endpoint, bytes: classifyAddress(bytes).effective }));
        }),
      )
    ).flat();
    this.storeAddresses = { at: Date.now(), list };
    return list;
  }

  private hostRuleMatches(rule: Extract<AllowRule, { kind: 'host' }>, hostname: string | undefined): boolean {
    if (!hostname) return false;
    return rule.wildcard ? hostname.endsWith(`.${rule.host}`) : hostname === rule.host;
  }

  /**
   * Whether DROVER_EGRESS_ALLOW itself opens this URL's host and port (a host-name entry for a name, a
   * block holding an IP-literal host): a receiver the operator opened on purpose, not any public address.
   */
  opens(url: URL): boolean {
    const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
    const ip = parseIp(url.hostname);
    const name = normalizeHost(url.hostname);
    return this.allow.some((rule) => {
      if (rule.port !== undefined && rule.port !== port) return false;
      return rule.kind === 'host' ? !ip && this.hostRuleMatches(rule, name) : ip ? inCidr(classifyAddress(ip.bytes).effective, rule.block) : false;
    });
  }

  /** The verdict for connecting to `address` (resolved from `hostname`, or an IP literal) on `port`. */
  async verdict(hostname: string | undefined, address: string, port: number): Promise<Verdict> {
    const ip = parseIp(address);
    if (!ip) return { allowed: false, category: 'unparseable' };
    const { category, note, effective } = classifyAddress(ip.bytes);
    const name = hostname === undefined ? undefined : normalizeHost(hostname);
    const stores = await this.dataStoreAddresses();
    const byName = this.dataStores.filter((e) => name !== undefined && e.host === name);
    const byAddress = stores.filter((s) => sameIp(s.bytes, effective)).map((s) => s.endpoint);
    // Drover's own data stores: never, whatever the allow list says.
    const dataStore = [...byName, ...byAddress].find((e) => e.port === port);
    if (dataStore) return { allowed: false, dataStore };
    const allowed = this.allow.some((rule) => {
      if (rule.port !== undefined && rule.port !== port) return false;
      return rule.kind === 'host' ? this.hostRuleMatches(rule, name) : inCidr(effective, rule.block);
    });
    if (allowed) return { allowed: true };
    if (category !== 'public') return { allowed: false, category, note };
    // The machine Drover runs on, by any of its own addresses (a data store bound to 0.0.0.0, the console itself).
    if (hostAddresses().some((own) => sameIp(own, effective))) return { allowed: false, category: 'this host', note: 'an address of the machine Drover runs on' };
    const storeHost = byName[0] ?? byAddress[0];
    if (storeHost) return { allowed: false, storeHost };
    return { allowed: true };
  }

  /** Before connecting: only http(s), and an IP-literal host is checked here (no DNS lookup happens for it). */
  async checkUrl(url: URL): Promise<void> {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new EgressRefusedError(`${url.protocol}// URLs are refused by the egress policy: only http and https are allowed`, url.host);
    }
    const ip = parseIp(url.hostname);
    if (!ip) return;
    const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
    const v = await this.verdict(undefined, url.hostname, port);
    if (v.allowed) return;
    if (v.dataStore) throw dataStoreRefusal(url.host, v.dataStore);
    const address = formatIp(ip.bytes);
    throw new EgressRefusedError(
      `${url.host} is refused by the egress policy: ${address} is ${describe(v)}. ${howToAllow(address.includes(':') ? `${address}/128` : `${address}/32`)}`,
      url.host,
    );
  }

  /**
   * At connect time: the addresses `hostname` resolved to that the policy allows, in the resolver's
   * order. Throws EgressRefusedError when none is left.
   */
  async allowedAddresses(hostname: string, port: number, addresses: ResolvedAddress[], target: string): Promise<ResolvedAddress[]> {
    const verdicts = await Promise.all(addresses.map(async (a) => ({ a, v: await this.verdict(hostname, a.address, port) })));
    const allowed = verdicts.filter((x) => x.v.allowed).map((x) => x.a);
    if (allowed.length > 0) return allowed;
    const refused = verdicts.map((x) => x.v).filter((v): v is Exclude<Verdict, { allowed: true }> => !v.allowed);
    const store = refused.find((v) => v.dataStore)?.dataStore;
    if (store) throw dataStoreRefusal(target, store);
    // The category, not the address: a failed delivery must not map the internal network for its sender.
    const kinds = [...new Set(refused.map(describe))].join(', ') || 'no address';
    throw new EgressRefusedError(`${target} is refused by the egress policy: ${normalizeHost(hostname)} resolves to ${kinds}. ${howToAllow(normalizeHost(hostname))}`, target);
  }
}

let ownAddresses: { at: number; list: Uint8Array[] } | undefined;

/** The addresses of this machine's network interfaces (cached for 30 s). */
function hostAddresses(): Uint8Array[] {
  if (ownAddresses && Date.now() - ownAddresses.at < STORE_ADDRESSES_TTL_MS) return ownAddresses.list;
  const list = Object.values(os.networkInterfaces())
    .flat()
    .flatMap((nic) => (nic ? (parseIp(nic.address.replace(/%.*$/, ''))?.bytes ?? []) : []))
    .map((bytes) => classifyAddress(bytes).effective);
  ownAddresses = { at: Date.now(), list };
  return list;
}

function howToAllow(example: string): string {
  return `To allow it, add it to ${EGRESS_ALLOW_ENV} (comma-separated CIDR blocks and host names, e.g. ${EGRESS_ALLOW_ENV}=${example})`;
}

function dataStoreRefusal(target: string, store: DataStoreEndpoint): EgressRefusedError {
  return new EgressRefusedError(`${target} is refused by the egress policy: it is a ${store.kind} endpoint Drover itself uses, and HTTP calls to Drover's own data stores are never allowed`, target);
}

const CACHE = Symbol.for('drover.egress.policies');
type Holder = { [CACHE]?: Map<string, EgressPolicy> };
const MAX_CACHED = 8;

/**
 * This process's policy, from DROVER_EGRESS_ALLOW and the known data stores. Read on every call (cached
 * per distinct environment), so a test or a config change takes effect without a restart of the module.
 */
export function egressPolicy(env: Env = process.env): EgressPolicy {
  const key = [env[EGRESS_ALLOW_ENV], env.DROVER_CONFIG, env.REDIS_URL, env[DATA_STORES_ENV], registrationsVersion(), process.cwd()].join('\n');
  const cache = ((globalThis as Holder)[CACHE] ??= new Map());
  let policy = cache.get(key);
  if (!policy) {
    policy = new EgressPolicy(parseEgressAllow(env[EGRESS_ALLOW_ENV]), knownDataStores(env));
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    cache.set(key, policy);
  }
  return policy;
}
