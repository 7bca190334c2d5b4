#!/usr/bin/env node
// The console's HTTP server: Next's production handler (the documented custom-server API) behind a
// plain node:http server, so that every request carries its TCP peer in a header no client can set.
// Route handlers cannot see the socket; the sign-in limits need the real client address
// (lib/auth/client-address.ts). Started by scripts/start.mjs; honours PORT and HOSTNAME_BIND.
import http from 'node:http';
import { root } from './lib/setup.mjs';

process.env.NODE_ENV = 'production';
const PEER_HEADER = 'x-drover-peer';
const port = Number(process.env.PORT || 3000);
const hostname = process.env.HOSTNAME_BIND || undefined;
/** How long in-flight requests may finish after SIGTERM before their sockets are closed. */
const SHUTDOWN_GRACE_MS = 5_000;

const { default: next } = await import('next');
const app = next({ dev: false, dir: root, hostname, port });
const handle = app.getRequestHandler();
await app.prepare();
// Read by lib/auth/client-address.ts in this process: without it (`next start`, `next dev`), the
// header below is ignored, since any client could have sent it.
globalThis[Symbol.for('drover.server.peer-header')] = PEER_HEADER;

/** Responses in flight, so that a shutdown can end live streams at once and give the rest a grace period. */
const open = new Set();

/** Without a trusted proxy in front, forwarding headers come from the client: Next must not believe them. */
const FORWARDING_HEADERS = ['x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'x-forwarded-for', 'forwarded'];
const trustsProxies = Boolean(process.env.DROVER_TRUSTED_PROXIES?.trim());

const server = http.createServer((req, res) => {
  // Node lower-cases header names and joins repeats: one delete removes every client-sent copy.
  delete req.headers[PEER_HEADER];
  req.headers[PEER_HEADER] = req.socket.remoteAddress ?? '';
  // Next's own origin check of server actions, and ours of route handlers, compare Origin with
  // X-Forwarded-Host when it is there: a client must not be able to name the host it wants matched.
  if (!trustsProxies) for (const name of FORWARDING_HEADERS) delete req.headers[name];
  open.add(res);
  res.once('close', () => open.delete(res));
  handle(req, res).catch((err) => {
    console.error(`request ${req.method} ${req.url?.split('?')[0]} failed:`, err);
    if (!res.headersSent) res.statusCode = 500;
    res.end();
  });
});

server.on('error', (err) => {
  console.error(`console server: ${err.message}`);
  process.exit(1);
});
server.listen(port, hostname, () => {
  console.log(`[drover] console listening on ${hostname ?? 'all interfaces'} port ${port}`);
});

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  // Stop accepting; end live streams now (they never finish on their own; clients reconnect with
  // backoff, and request.signal aborts so the routes clean up); let other requests finish briefly.
  const closed = new Promise((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  for (const res of open) {
    if (String(res.getHeader('content-type') ?? '').startsWith('text/event-stream')) res.socket?.destroy();
  }
  const timer = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
  await closed;
  clearTimeout(timer);
  await app.close().catch((err) => console.error(err));
  // Background work started by instrumentation.ts (the metrics sampler) hands over its lease; bounded,
  // so a store that does not answer cannot hold the shutdown.
  const shutdown = globalThis[Symbol.for('drover.shutdown')];
  if (typeof shutdown === 'function') {
    await Promise.race([Promise.resolve().then(shutdown).catch((err) => console.error(err)), new Promise((r) => setTimeout(r, 2_000).unref())]);
  }
  process.exit(signal === 'SIGINT' ? 130 : 143);
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
