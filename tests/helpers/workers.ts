// Helpers for the worker runtime tests: real HTTP peers, spawned worker processes, polling.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { readAttempts } from '@/lib/attempts';
import type { Attempt } from '@/lib/attempts';
import { readJobAttempts } from '@/lib/attempts/read-attempts';
import type { Connection } from '@/lib/redis/connections';
import { stretchingDeadline } from './load';

export const root = path.resolve(import.meta.dirname, '../..');
export const TSX = ['--import', 'tsx', '--conditions=react-server'];

/** Polls until `check` is truthy; the timeout stretches with the machine's load (tests/helpers/load.ts). */
export async function waitFor<T>(check: () => Promise<T | undefined | null | false> | T | undefined | null | false, what: string, timeoutMs = 15_000, intervalMs = 25): Promise<T> {
  const deadline = stretchingDeadline(timeoutMs);
  for (;;) {
    const value = await check();
    if (value) return value;
    if (deadline.passed()) throw new Error(`timed out after ${deadline.waitedMs()} ms (${timeoutMs} ms stretched to ${deadline.allowedMs()} by load) waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Waits until the job is completed or failed and returns it freshly read. */
export async function waitForFinished(queue: Queue, id: string, timeoutMs = 15_000): Promise<Job> {
  return waitFor(
    async () => {
      const state = await queue.getJobState(id);
      return state === 'completed' || state === 'failed' ? ((await queue.getJob(id)) ?? undefined) : undefined;
    },
    `job ${queue.name}/${id} to finish`,
    timeoutMs,
  );
}

/** The attempt history once the newest run's end is written (the runtime batches records for ≤ 20 ms). */
export async function settledAttempts(redis: Redis, prefix: string, queue: string, jobId: string, atLeast = 1): Promise<Attempt[]> {
  return waitFor(
    async () => {
      const attempts = await readAttempts(redis, prefix, queue, jobId);
      return attempts.length >= atLeast && attempts[0].outcome !== 'running' ? attempts : undefined;
    },
    `the attempt history of ${queue}/${jobId}`,
    5_000,
  );
}

/** The same through a configured connection, as the job page reads it (either store). */
export async function settledJobAttempts(conn: Connection, queue: string, jobId: string, atLeast = 1): Promise<Attempt[]> {
  return waitFor(
    async () => {
      const attempts = await readJobAttempts(conn, queue, jobId);
      return attempts.length >= atLeast && attempts[0].outcome !== 'running' ? attempts : undefined;
    },
    `the attempt history of ${queue}/${jobId}`,
    5_000,
  );
}

export type PeerRequest = { method: string; url: string; headers: http.IncomingHttpHeaders; body: string; at: number; closedAt?: number };
export type PeerReply = { status: number; headers?: Record<string, string>; body?: string; delayMs?: number; hang?: boolean };

/** A local HTTP server; `reply` decides each answer (it sees the requests so far). `host`: any loopback address. */
export async function startHttpPeer(reply: (req: PeerRequest, index: number) => PeerReply, host = '127.0.0.1') {
  const requests: PeerRequest[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const request: PeerRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, at: Date.now() };
      requests.push(request);
      // Set when the connection ends, e.g. when the client aborts a request the peer never answered.
      res.on('close', () => (request.closedAt = Date.now()));
      const answer = reply(request, requests.length - 1);
      if (answer.hang) return;
      setTimeout(() => {
        res.writeHead(answer.status, { 'Content-Type': 'text/plain', ...answer.headers });
        res.end(answer.body ?? '');
      }, answer.delayMs ?? 0);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => resolve());
      }),
  };
}

export type SpawnedWorkers = {
  child: ChildProcess;
  /** Parsed JSON log lines so far. */
  logs: Array<Record<string, unknown>>;
  output: () => string;
  waitForLog: (match: (line: Record<string, unknown>) => boolean, what: string, timeoutMs?: number) => Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

/** `node --import tsx --conditions=react-server workers/main.ts …args` as `npm run workers` runs it. */
export function spawnWorkers(args: string[], env: Record<string, string | undefined>): SpawnedWorkers {
  const cleanEnv = { ...process.env, REDIS_URL: undefined, DROVER_CONFIG: undefined, NODE_OPTIONS: undefined, ...env } as NodeJS.ProcessEnv;
  const child = spawn(process.execPath, [...TSX, 'workers/main.ts', ...args], { cwd: root, env: cleanEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Array<Record<string, unknown>> = [];
  let text = '';
  let pending = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line));
      } catch {
        /* not a log line */
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    logs,
    output: () => text,
    exited,
    // A worker process compiles its TypeScript with tsx on start: seconds when quiet, over a minute
    // on a busy 2-core machine.
    waitForLog: (match, what, timeoutMs = 90_000) =>
      waitFor(
        () => {
          if (child.exitCode !== null || child.signalCode !== null) throw new Error(`workers exited (${child.exitCode ?? child.signalCode}) before ${what}:\n${text}`);
          return logs.find(match);
        },
        what,
        timeoutMs,
      ),
  };
}

/**
 * Runs `fn` with DROVER_EGRESS_ALLOW set to `value` (undefined: unset), then restores it. In-process
 * processors read the policy on every call; sandboxed children keep the environment they were forked with.
 */
export async function withEgressAllow<T>(value: string | undefined, fn: () => Promise<T>): Promise<T> {
  const before = process.env.DROVER_EGRESS_ALLOW;
  const set = (v: string | undefined) => (v === undefined ? delete process.env.DROVER_EGRESS_ALLOW : (process.env.DROVER_EGRESS_ALLOW = v));
  set(value);
  try {
    return await fn();
  } finally {
    set(before);
  }
}

export function killIfRunning(child: ChildProcess | undefined): void {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
