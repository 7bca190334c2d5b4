// Outbound HTTP under the egress policy (policy.ts). node:http/https rather than fetch: their `lookup`
// hook sees every address a host name resolves to right before the socket connects, so the policy
// judges the address actually used (DNS rebinding cannot swap it afterwards). An IP-literal host gets no
// lookup, so it is judged before the request starts. Redirects are never followed (node:http does not).
// Relative imports only: the image sandbox loads this file.
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { egressPolicy, type EgressPolicy, type ResolvedAddress } from './policy';

export type EgressRequestOptions = {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Aborts the request (and the reading of the answer). */
  signal?: AbortSignal;
  /** Default: this process's policy from the environment (egressPolicy()). */
  policy?: EgressPolicy;
  /** Default: dns.lookup (the system resolver, /etc/hosts included). Tests answer with chosen addresses. */
  resolveHost?: HostResolver;
};

export type HostResolver = (hostname: string, family: number | undefined) => Promise<ResolvedAddress[]>;

const systemLookup: HostResolver = (hostname, family) =>
  new Promise((resolve, reject) =>
    dns.lookup(hostname, { family: family ?? 0, all: true }, (err, addresses) => (err ? reject(err) : resolve(addresses as ResolvedAddress[]))),
  );

export type EgressResponse = {
  status: number;
  /** Lower-case names, as node:http gives them. */
  headers: http.IncomingHttpHeaders;
  header(name: string): string | undefined;
  /** At most `maxBytes` of the body; the connection is closed when the answer is longer. */
  readBody(maxBytes: number): Promise<{ bytes: Buffer; truncated: boolean }>;
  /** Drops the body without waiting for it: a short one is read so the connection can be reused. */
  discard(): void;
};

/** Idle keep-alive sockets close after this long. */
const IDLE_SOCKET_MS = 5_000;
/** Sockets one agent holds open at most, over all receivers (file descriptors of the process). */
export const MAX_EGRESS_SOCKETS = 256;
/** A body discard() reads this much at most before it closes the connection instead. */
const DISCARD_BYTES = 64 * 1024;

const agents = new WeakMap<EgressPolicy, { http: http.Agent; https: https.Agent }>();

/** Pooled sockets per policy: a socket is reused only under the policy that checked its address. */
function agentsFor(policy: EgressPolicy): { http: http.Agent; https: https.Agent } {
  let pair = agents.get(policy);
  if (!pair) {
    const options = { keepAlive: true, timeout: IDLE_SOCKET_MS, maxTotalSockets: MAX_EGRESS_SOCKETS, maxFreeSockets: 4 };
    pair = { http: new http.Agent(options), https: new https.Agent(options) };
    agents.set(policy, pair);
  }
  return pair;
}

/**
 * The socket's lookup: resolve, then keep only the addresses the policy allows (refused as a whole when
 * none is left). The socket connects to what this returns, so what was checked is what is used.
 */
function checkedLookup(policy: EgressPolicy, port: number, target: string, resolveHost: HostResolver): LookupFunction {
  return (hostname, options, callback) => {
    const family = typeof options.family === 'number' ? options.family : undefined;
    resolveHost(hostname, family)
      .then((addresses) => policy.allowedAddresses(hostname, port, addresses, target))
      .then(
        (allowed) => (options.all ? callback(null, allowed) : callback(null, allowed[0].address, allowed[0].family)),
        (err: NodeJS.ErrnoException) => callback(err, '', 0),
      );
  };
}

function wrap(res: http.IncomingMessage): EgressResponse {
  // An answer cut short (abort, reset) must not become an unhandled 'error' event.
  res.on('error', () => {});
  return {
    status: res.statusCode ?? 0,
    headers: res.headers,
    header: (name) => {
      const value = res.headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(', ') : value;
    },
    readBody: (maxBytes) =>
      new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let settled = false;
        const settle = (fn: () => void) => {
          if (settled) return;
          settled = true;
          fn();
        };
        res.on('data', (chunk: Buffer) => {
          if (settled) return;
          chunks.push(chunk);
          size += chunk.length;
          if (size > maxBytes) {
            settle(() => resolve({ bytes: Buffer.concat(chunks).subarray(0, maxBytes), truncated: true }));
            res.destroy();
          }
        });
        res.on('end', () => settle(() => resolve({ bytes: Buffer.concat(chunks), truncated: false })));
        res.on('error', (err) => settle(() => reject(err)));
        res.on('close', () => settle(() => reject(new Error('the connection closed before the answer ended'))));
      }),
    discard: () => {
      if (res.complete) return;
      let size = 0;
      const timer = setTimeout(() => res.destroy(), 1_000).unref();
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > DISCARD_BYTES) res.destroy();
      });
      res.on('close', () => clearTimeout(timer));
      res.resume();
    },
  };
}

/**
 * One HTTP request under the egress policy. Rejects with EgressRefusedError (isEgressRefusal) when the
 * policy refuses the URL or every address its host resolves to; with the usual network errors
 * (ECONNREFUSED, AbortError…) otherwise. Any status resolves, 3xx included: redirects are not followed.
 */
export async function egressRequest(input: string | URL, opts: EgressRequestOptions = {}): Promise<EgressResponse> {
  const url = typeof input === 'string' ? new URL(input) : input;
  const policy = opts.policy ?? egressPolicy();
  await policy.checkUrl(url);
  opts.signal?.throwIfAborted();
  const secure = url.protocol === 'https:';
  const port = Number(url.port) || (secure ? 443 : 80);
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const body = opts.body === undefined ? undefined : Buffer.from(opts.body);
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request({
      hostname,
      port,
      path: `${url.pathname}${url.search}`,
      method: opts.method ?? 'GET',
      headers: { ...opts.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
      agent: agentsFor(policy)[secure ? 'https' : 'http'],
      lookup: checkedLookup(policy, port, url.host, opts.resolveHost ?? systemLookup),
      signal: opts.signal,
    });
    // `on`, not `once`: a second error (abort after a reset) must not go unhandled.
    req.on('error', reject);
    req.on('response', (res) => resolve(wrap(res)));
    req.end(body);
  });
}
