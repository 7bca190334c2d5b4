// Starts and stops private redis-server processes (embedded default, tests, benchmarks). No npm deps.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/**
 * A port nothing listens on, for a server started next. Chosen below Linux's ephemeral range
 * (32768–60999): a port the kernel handed out for listen(0) is one it also hands out as the source
 * port of outgoing connections, so between choosing it and the server binding it (a console takes
 * seconds to start) a browser's or client's connection could take it (EADDRINUSE). Checked on every
 * interface, since the console listens on all of them.
 */
export async function freePort() {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    if ((await canListen(port, '::')) && (await canListen(port, '127.0.0.1'))) return port;
  }
  return listenZero();
}

function canListen(port, host) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    // A machine without IPv6 cannot be checked on '::'; any other error means the port is taken.
    srv.once('error', (err) => resolve(host === '::' && (err.code === 'EAFNOSUPPORT' || err.code === 'EADDRNOTAVAIL')));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

function listenZero() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function which(bin) {
  const r = spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/**
 * The redis-server binary. When missing: installs Debian's `redis-server` package as root on
 * Debian/Ubuntu, otherwise throws with the package to install.
 */
export function ensureRedisServerBinary({ log = console.log } = {}) {
  const found = process.env.REDIS_SERVER_BIN || which('redis-server');
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = Boolean(which('apt-get'));
  if (isRoot && hasApt) {
    log('redis-server not found: installing the Debian package "redis-server" (apt-get)…');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    const install = spawnSync('apt-get', ['install', '-y', '-qq', 'redis-server'], { stdio: 'inherit', env });
    const after = which('redis-server');
    if (update.status === 0 && install.status === 0 && after) return after;
  }
  throw new Error(
    'redis-server is not installed. Install the "redis-server" package (Debian/Ubuntu: sudo apt-get install redis-server; ' +
      'macOS: brew install redis), or set REDIS_URL to an existing Redis.',
  );
}

/** Resolves once Redis answers PING with PONG, or rejects after timeoutMs. */
export function waitForPing(port, timeoutMs = 10000, host = '127.0.0.1') {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = net.connect({ port, host });
      let buffer = '';
      const retry = (why) => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms (${why})`));
        else setTimeout(attempt, 50);
      };
      socket.setTimeout(1000, () => retry('timeout'));
      socket.on('error', (e) => retry(e.code || e.message));
      socket.on('connect', () => socket.write('PING\r\n'));
      socket.on('data', (d) => {
        buffer += d.toString();
        // -NOAUTH: a password-protected server is up and answering too.
        if (buffer.includes('+PONG') || buffer.includes('-NOAUTH')) {
          socket.end();
          resolve();
        } else if (buffer.includes('-LOADING')) retry('loading');
        else if (buffer.includes('\r\n')) retry(buffer.trim());
      });
    };
    attempt();
  });
}

/**
 * Starts redis-server on a free loopback port.
 * persistent: AOF with appendfsync everysec (data survives restarts); otherwise nothing is written to disk.
 * detached: its own process group, so a Ctrl-C in the terminal does not reach it; the owner stops it
 * last (after the processes that write to it).
 */
export async function startRedisServer({ dir, port, persistent = false, detached = false, extraArgs = [], log = () => {} } = {}) {
  const bin = ensureRedisServerBinary({ log });
  fs.mkdirSync(dir, { recursive: true });
  for (let attempt = 0; attempt < 5; attempt++) {
    const chosen = port ?? (await freePort());
    const args = [
      '--port', String(chosen),
      '--bind', '127.0.0.1',
      '--dir', dir,
      '--daemonize', 'no',
      '--save', '',
      '--appendonly', persistent ? 'yes' : 'no',
      '--appendfsync', 'everysec',
      '--maxmemory-policy', 'noeviction',
      '--logfile', path.join(dir, 'redis.log'),
      ...extraArgs,
    ];
    const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'], detached });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d.toString()));
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    const ready = waitForPing(chosen, 15000).then(() => 'ready');
    const outcome = await Promise.race([ready, exited]).catch((err) => {
      child.kill('SIGKILL');
      throw err;
    });
    if (outcome === 'ready') {
      const url = `redis://127.0.0.1:${chosen}`;
      return {
        url,
        port: chosen,
        dir,
        pid: child.pid,
        process: child,
        exited,
        /** Graceful stop: SIGTERM makes Redis flush the AOF before exiting. */
        async stop(signal = 'SIGTERM') {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill(signal);
          await exited;
        },
      };
    }
    // Port taken between probe and bind: try another one.
    let logTail = '';
    try {
      logTail = fs.readFileSync(path.join(dir, 'redis.log'), 'utf8').split('\n').slice(-5).join('\n');
    } catch {
      /* no log yet */
    }
    if (port || !/Address already in use|bind/i.test(logTail + stderr)) {
      throw new Error(`redis-server exited before answering (code ${outcome.code}): ${stderr || logTail}`);
    }
  }
  throw new Error('could not find a free port for redis-server');
}
