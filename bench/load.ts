// `npm run bench:load`: 50 signed-in users browse and act for 2 minutes against the benchmark data
// set (≈410,000 jobs: 300,000 processed in "big" plus 110,000 waiting/delayed). Reports 5xx count
// (must be 0), page and API latency percentiles, and the console's memory over time (no growth after
// the first minute beyond the stated bound). Writes bench/results/load.json.
// Env: LOAD_USERS (50), LOAD_SECONDS (120), NEXT_DIST_DIR, DROVER_SKIP_BUILD=1.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startRedisServer } from '../lib/embedded/redis-server.mjs';
import { ensureBuild, root } from './lib/build';
import { cleanupAll, installSignalHandlers, onCleanup, wasInterrupted } from './lib/processes';
import { treeRssBytes } from './lib/proc-stats';
import { BIG, SMALL_QUEUES, seed } from './lib/seed';
import { startDrover, writeDroverConfig } from './lib/servers';
import { percentile } from './lib/stats';

const USERS = Number(process.env.LOAD_USERS ?? 50);
const SECONDS = Number(process.env.LOAD_SECONDS ?? 120);
/** Allowed RSS growth between the end of the first minute and the end of the run. */
const MEMORY_BOUND_MB = 64;

const started = performance.now();
const log = (line: string) => console.error(`[load ${((performance.now() - started) / 1000).toFixed(0).padStart(4)}s] ${line}`);

type Sample = { kind: 'page' | 'api' | 'action'; name: string; ms: number; status: number };

/** Signs one user in through next-auth's credentials flow and returns the cookie header. */
async function signIn(base: string, email: string, password: string): Promise<string> {
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const jar = csrf.headers.getSetCookie().map((c) => c.split(';')[0]);
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.join('; ') },
    body: new URLSearchParams({ email, password, csrfToken, json: 'true' }),
  });
  if (!res.ok) throw new Error(`sign-in of ${email} answered ${res.status}`);
  const session = res.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.includes('session-token'));
  if (!session) throw new Error(`no session cookie for ${email}`);
  return [...jar, session].join('; ');
}

const pick = <T,>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];

/** One user's session: pages and API reads most of the time, an action now and then. */
async function runUser(base: string, cookie: string, until: number, samples: Sample[], ids: { failed: string[]; completed: string[] }) {
  const headers = { cookie, origin: base };
  const call = async (kind: Sample['kind'], name: string, url: string, init: RequestInit = {}) => {
    const t = performance.now();
    try {
      const res = await fetch(base + url, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) }, redirect: 'manual' });
      await res.arrayBuffer();
      samples.push({ kind, name, ms: performance.now() - t, status: res.status });
    } catch {
      samples.push({ kind, name, ms: performance.now() - t, status: 599 });
    }
  };
  const q = `/connections/default/queues`;
  const api = `/api/v1/connections/default/queues`;
  while (Date.now() < until) {
    const r = Math.random();
    if (r < 0.12) await call('page', 'overview', '/');
    else if (r < 0.3) await call('page', 'queue page', `${q}/${pick([BIG, BIG, ...SMALL_QUEUES])}?state=${pick(['waiting', 'completed', 'failed', 'delayed'])}&page=${1 + Math.floor(Math.random() * 200)}`);
    else if (r < 0.42) await call('page', 'job page', `${q}/${BIG}/jobs/${pick(ids.completed)}`);
    else if (r < 0.55) await call('api', 'jobs list', `${api}/${BIG}/jobs?state=${pick(['completed', 'failed', 'waiting'])}&page=${1 + Math.floor(Math.random() * 5000)}&size=25`);
    else if (r < 0.65) await call('api', 'job detail', `${api}/${BIG}/jobs/${pick(ids.completed)}`);
    else if (r < 0.72) await call('api', 'job data', `${api}/${BIG}/jobs/${pick(ids.failed)}/data`);
    else if (r < 0.78) await call('api', 'search chunk', `${api}/${BIG}/search?q=${pick(['zebra', 'order-4', 'card'])}&field=data&state=${pick(['failed', 'waiting'])}`);
    else if (r < 0.85) await call('api', 'overview api', '/api/v1/queues');
    else if (r < 0.9) await call('api', 'audit', '/api/v1/audit?limit=50');
    else if (r < 0.95) {
      await call('action', 'add job', `${api}/${pick(SMALL_QUEUES)}/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'load', data: { at: Date.now() } }),
      });
    } else if (r < 0.98) await call('action', 'retry job', `${api}/${BIG}/jobs/${pick(ids.failed)}/retry`, { method: 'POST' });
    else {
      const queue = pick(SMALL_QUEUES);
      await call('action', 'pause', `${api}/${queue}/pause`, { method: 'POST' });
      await call('action', 'resume', `${api}/${queue}/resume`, { method: 'POST' });
    }
  }
}

function summary(samples: Sample[]) {
  const byKind = (kind: Sample['kind']) => samples.filter((s) => s.kind === kind).map((s) => s.ms).sort((a, b) => a - b);
  const stats = (values: number[]) => ({ count: values.length, p50_ms: Number(percentile(values, 50).toFixed(1)), p95_ms: Number(percentile(values, 95).toFixed(1)) });
  const statuses: Record<string, number> = {};
  for (const s of samples) statuses[s.status] = (statuses[s.status] ?? 0) + 1;
  const names = [...new Set(samples.map((s) => s.name))];
  return {
    requests: samples.length,
    statuses,
    server_errors: samples.filter((s) => s.status >= 500).length,
    pages: stats(byKind('page')),
    api: stats(byKind('api')),
    actions: stats(byKind('action')),
    per_operation: Object.fromEntries(names.map((n) => [n, stats(samples.filter((s) => s.name === n).map((s) => s.ms).sort((a, b) => a - b))])),
  };
}

async function main() {
  installSignalHandlers(log);
  log(`${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; ${USERS} users for ${SECONDS} s`);
  const build = await ensureBuild(log);
  log(`production build: ${build.distDir}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-load-'));
  onCleanup(async () => fs.rmSync(dir, { recursive: true, force: true }));
  const redis = await startRedisServer({ dir: path.join(dir, 'redis') });
  onCleanup(() => redis.stop());
  const seeded = await seed(redis.url, log);
  log(`seeded in ${seeded.seconds.toFixed(0)} s`);

  const configFile = writeDroverConfig(dir, redis.url);
  process.env.DROVER_CONFIG = configFile;
  const { createUser } = await import('@/lib/auth/users');
  const { closeAllConnections, getConnection } = await import('@/lib/redis/connections');
  const password = crypto.randomBytes(12).toString('hex');
  for (let i = 0; i < USERS; i++) await createUser({ email: `user${i}@load.test`, password, role: i % 5 === 0 ? 'admin' : 'operator' });
  const conn = getConnection('default');
  const ids = {
    failed: await conn.redis.zrange(`bull:${BIG}:failed`, '0', '999'),
    completed: await conn.redis.zrange(`bull:${BIG}:completed`, '0', '1999'),
  };
  await closeAllConnections();

  const drover = await startDrover(dir, configFile);
  log(`Drover on ${drover.base}; signing in ${USERS} users…`);
  const cookies: string[] = [];
  for (let i = 0; i < USERS; i++) cookies.push(await signIn(drover.base, `user${i}@load.test`, password));

  const samples: Sample[] = [];
  const memory: Array<{ t: number; rss_mb: number }> = [];
  const t0 = Date.now();
  const until = t0 + SECONDS * 1000;
  const sampler = setInterval(() => memory.push({ t: Math.round((Date.now() - t0) / 1000), rss_mb: Math.round(treeRssBytes(drover.process.pid) / 1024 / 1024) }), 5000);
  memory.push({ t: 0, rss_mb: Math.round(treeRssBytes(drover.process.pid) / 1024 / 1024) });
  const progress = setInterval(() => log(`${samples.length} requests, ${samples.filter((s) => s.status >= 500).length} 5xx, RSS ${memory.at(-1)?.rss_mb} MB`), 15_000);
  await Promise.all(cookies.map((cookie) => runUser(drover.base, cookie, until, samples, ids)));
  clearInterval(sampler);
  clearInterval(progress);
  memory.push({ t: Math.round((Date.now() - t0) / 1000), rss_mb: Math.round(treeRssBytes(drover.process.pid) / 1024 / 1024) });

  const afterFirstMinute = memory.find((m) => m.t >= 60) ?? memory[0];
  const last = memory.at(-1)!;
  const result = {
    users: USERS,
    seconds: SECONDS,
    jobs_in_redis: 410_000,
    ...summary(samples),
    memory: {
      samples: memory,
      rss_after_first_minute_mb: afterFirstMinute.rss_mb,
      rss_at_end_mb: last.rss_mb,
      growth_after_first_minute_mb: last.rss_mb - afterFirstMinute.rss_mb,
      bound_mb: MEMORY_BOUND_MB,
    },
    load_average_at_end: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
  const out = path.join(root, 'bench', 'results', 'load.json');
  fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  const ok = result.server_errors === 0 && result.memory.growth_after_first_minute_mb <= MEMORY_BOUND_MB;
  console.log(
    [
      '',
      `Load: ${USERS} signed-in users for ${SECONDS} s against ${result.jobs_in_redis.toLocaleString('en')} jobs — ${result.requests.toLocaleString('en')} requests`,
      `  5xx responses: ${result.server_errors} (statuses ${JSON.stringify(result.statuses)})`,
      `  pages   p50 ${result.pages.p50_ms} ms, p95 ${result.pages.p95_ms} ms (${result.pages.count})`,
      `  API     p50 ${result.api.p50_ms} ms, p95 ${result.api.p95_ms} ms (${result.api.count})`,
      `  actions p50 ${result.actions.p50_ms} ms, p95 ${result.actions.p95_ms} ms (${result.actions.count})`,
      `  console RSS: ${memory[0].rss_mb} MB at start, ${afterFirstMinute.rss_mb} MB after the first minute, ${last.rss_mb} MB at the end ` +
        `(growth ${result.memory.growth_after_first_minute_mb} MB; bound ${MEMORY_BOUND_MB} MB)`,
      ...Object.entries(result.per_operation).map(([name, s]) => `    ${name.padEnd(14)} p50 ${String(s.p50_ms).padStart(7)} ms  p95 ${String(s.p95_ms).padStart(7)} ms  (${s.count})`),
      ok ? 'Zero 5xx and memory within the bound.' : 'FAILED: 5xx responses or memory growth beyond the bound.',
      `Wrote ${path.relative(process.cwd(), out)}.`,
    ].join('\n'),
  );
  if (!ok) process.exitCode = 1;
}

main()
  .catch((err: Error) => {
    if (!wasInterrupted()) log(`load run failed: ${err.stack ?? err.message}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await cleanupAll();
    process.exit(process.exitCode ?? 0);
  });
