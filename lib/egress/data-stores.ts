// The data stores Drover itself talks to (Redis today, PostgreSQL when its connections land): the egress
// policy never lets an outbound HTTP call reach them. Read from the configuration (REDIS_URL /
// drover.config.json), plus what a process registers at run time (the worker runtime's connection,
// which may be the embedded Redis of `npm start`). Relative imports only: the image sandbox loads this.
import { readConfig, type Env } from '../config/load-config';
import { formatIp, parseIp } from './ip-address';

export type DataStoreKind = 'Redis' | 'PostgreSQL';
export type DataStoreEndpoint = { kind: DataStoreKind; /** Lower-case host name or formatted IP. */ host: string; port: number };

/** Passes the registered endpoints (host:port lists, no credentials) to sandboxed child processes. */
export const DATA_STORES_ENV = 'DROVER_EGRESS_DATA_STORES';

const DEFAULT_PORTS: Record<string, { kind: DataStoreKind; port: number }> = {
  'redis:': { kind: 'Redis', port: 6379 },
  'rediss:': { kind: 'Redis', port: 6379 },
  'redis+cluster:': { kind: 'Redis', port: 6379 },
  'postgres:': { kind: 'PostgreSQL', port: 5432 },
  'postgresql:': { kind: 'PostgreSQL', port: 5432 },
};

export function normalizeHost(host: string): string {
  const ip = parseIp(host);
  if (ip) return formatIp(ip.bytes);
  return host.toLowerCase().replace(/\.$/, '');
}

/** "redis://:pw@h1:7000,h2:7001/0", "rediss://[::1]:6380", "postgres://u@db/x" → host:port endpoints. */
export function endpointsOfUrl(url: string): DataStoreEndpoint[] {
  const m = /^([a-z+]+:)\/\/(?:[^@/?#]*@)?([^/?#]*)/i.exec(url.trim());
  if (!m) return [];
  const scheme = DEFAULT_PORTS[m[1].toLowerCase()];
  if (!scheme) return [];
  return m[2]
    .split(',')
    .filter(Boolean)
    .map((hostPort) => {
      const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(hostPort);
      if (v6) return { kind: scheme.kind, host: normalizeHost(v6[1]), port: Number(v6[2] ?? scheme.port) };
      const i = hostPort.lastIndexOf(':');
      const host = i > 0 ? hostPort.slice(0, i) : hostPort;
      const port = i > 0 ? Number(hostPort.slice(i + 1)) : scheme.port;
      return { kind: scheme.kind, host: normalizeHost(host), port };
    })
    .filter((e) => e.host && Number.isInteger(e.port));
}

const REGISTRY = Symbol.for('drover.egress.dataStores');
type Holder = { [REGISTRY]?: DataStoreEndpoint[] };

function registry(): DataStoreEndpoint[] {
  return ((globalThis as Holder)[REGISTRY] ??= []);
}

/** Marks a connection URL (and cluster seed URLs) this process uses as never reachable by egress. */
export function protectDataStore(...urls: string[]): void {
  const list = registry();
  for (const endpoint of urls.flatMap(endpointsOfUrl)) {
    if (!list.some((e) => e.host === endpoint.host && e.port === endpoint.port)) list.push(endpoint);
  }
}

/** The registered endpoints as an environment variable value for a child process. */
export function dataStoresForChild(): string {
  return registry()
    .map((e) => `${e.kind}|${e.host}|${e.port}`)
    .join(',');
}

function fromChildEnv(value: string | undefined): DataStoreEndpoint[] {
  if (!value) return [];
  return value.split(',').flatMap((item) => {
    const [kind, host, port] = item.split('|');
    return (kind === 'Redis' || kind === 'PostgreSQL') && host && Number(port) ? [{ kind, host, port: Number(port) } as DataStoreEndpoint] : [];
  });
}

/** Every data store endpoint this process knows: configuration, registrations, the parent's list. */
export function knownDataStores(env: Env = process.env): DataStoreEndpoint[] {
  const { config, source } = readConfig(env);
  const configured = source === 'none' ? [] : config.connections.flatMap((c) => [c.url, ...(c.nodes ?? [])]).flatMap(endpointsOfUrl);
  const all = [...configured, ...registry(), ...fromChildEnv(env[DATA_STORES_ENV])];
  return all.filter((e, i) => all.findIndex((o) => o.host === e.host && o.port === e.port) === i);
}

/** Changes whenever the registrations do (part of the policy cache key). */
export function registrationsVersion(): string {
  return dataStoresForChild();
}
