// The PostgreSQL store under test for `npm run bench:scale`: a private PostgreSQL holding BullMQ's
// data (Drover's connection "postgres") and a private redis-server for Drover's own data (the console
// connection), with fast seeding. Seeding first has BullMQ's PostgreSQL backend really add one waiting
// job and add and process one completed and one failed job (a real Worker), keeps those rows as
// templates, then writes millions of jobs with set-based INSERT … SELECT … generate_series that copy
// the template rows, varying only queue, id, seq, data and timestamps (bench/scale/seed-pg-sql.ts).
//
// What BullMQ's schema (6.7) needs for that, read from its migrations (node_modules/bullmq/dist/esm/
// postgres/sql-scripts.js): one table bullmq.job keyed by (queue, id) with the state as a column and
// partial indexes per state (kept by PostgreSQL itself on insert); no counter tables — getJobCounts,
// getJobs (get_range) and Job.fromId read bullmq.job directly; job ids come from a per-queue sequence
// bullmq."bullmq_jid_<md5(queue)>" (created lazily, dropped by obliterate) and seq from bullmq.job_seq,
// both taken with nextval here so a later add continues after the seeded ids; per-queue metadata rows
// (version, opts.maxLenEvents, stalled-check) in bullmq.meta are copied from the template queue.
// Not written: the event stream (history, trimmed to 10,000 per queue; the seeded jobs' 'added' /
// 'completed' events are not there) and metrics (the template worker runs without metrics).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { Job, Queue, Worker, createPostgresBackend, type Processor } from 'bullmq';
import { startPostgresServer } from '../../lib/embedded/postgres-server.mjs';
import { startRedisServer } from '../../lib/embedded/redis-server.mjs';
import { connectionsOf, processTree } from '../lib/proc-stats';
import { payload } from '../lib/seed';
import { writeDroverConfig } from '../lib/servers';
import { TEMPLATE_SCHEMA, blobSql, finishedTimes, insertJobsSql, jidSeqSql, orderIdSql, payloadSql, type TemplateKind } from './seed-pg-sql';
import type { ScaleStore } from './types';

/** application_name of every connection the bench itself opens (its pool, its Queues and Workers). */
const BENCH_APP = 'bench-scale';
const TEMPLATE_QUEUE = 'bench-scale-template';
/** Rows per INSERT statement for ~200-byte jobs (one statement = one transaction). */
const CHUNK_ROWS = 100_000;
/** INSERT statements running at once (PostgreSQL's side of the work is CPU-bound: one per core of a 2-core machine). */
const LANES = 2;
/** Payload bytes per INSERT statement for the large failed jobs. */
const CHUNK_BYTES = 16 * 1024 * 1024;
/** BullMQ's tables that hold jobs and queues (bullmq.migration and the relay_* tables are not per queue). */
const QUEUE_TABLES = ['job_log', 'job_dependency', 'job', 'event', 'metrics', 'rate_limit', 'dedup', 'dedup_next', 'scheduler', 'meta'];

const en = (n: number) => n.toLocaleString('en');

/** Clock ticks per second for /proc/<pid>/stat's times (USER_HZ, 100 on Linux). */
function clockTicks(): number {
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const n = Number(r.stdout?.trim());
  return r.status === 0 && n > 0 ? n : 100;
}

/** utime, stime, cutime, cstime (ticks) of a process; null when it is gone. */
function procTimes(pid: number): [number, number, number, number] | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After "pid (comm) ": field 3 (state) is index 0, so fields 14–17 are indexes 11–14.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return [Number(f[11]), Number(f[12]), Number(f[13]), Number(f[14])];
  } catch {
    return null;
  }
}

/**
 * Local ports of this process's own established TCP connections to 127.0.0.1:<port> (not its children's:
 * the consoles under test are children of the bench).
 */
const ownConnectionsTo = (port: number): number[] => connectionsOf([process.pid], port);

export async function startPostgresStore(dir: string, log: (line: string) => void): Promise<ScaleStore> {
  // PostgreSQL runs as the user postgres when we are root: the directory must be reachable by it.
  fs.chmodSync(dir, 0o777);
  const redisServer = await startRedisServer({ dir: path.join(dir, 'redis') });
  let pgServer: Awaited<ReturnType<typeof startPostgresServer>>;
  try {
    pgServer = await startPostgresServer({ dir: path.join(dir, 'pg'), log: (line: string) => log(`  ${line}`) });
  } catch (err) {
    await redisServer.stop();
    throw err;
  }
  const url = pgServer.url;
  const pool = new pg.Pool({ connectionString: url, max: LANES + 1, application_name: BENCH_APP });
  pool.on('error', () => {});
  const ticks = clockTicks();
  const connection = () => ({ connectionString: url, migrate: true, application_name: BENCH_APP });

  const queue = (name: string): Queue => {
    // The factory form's types differ from the Redis Queue's; the bench uses the shared API only.
    const q = new Queue(name, { connection: connection() }, createPostgresBackend) as unknown as Queue;
    q.on('error', () => {});
    return q;
  };
  const worker = (name: string, processor: Processor, opts: { concurrency?: number } = {}): Worker => {
    const w = new Worker(name, processor, { connection: connection(), concurrency: opts.concurrency ?? 1 }, createPostgresBackend) as unknown as Worker;
    w.on('error', () => {});
    return w;
  };

  const stop = async () => {
    await pool.end().catch(() => {});
    await pgServer.stop();
    await redisServer.stop();
  };

  try {
    const version = (await pool.query<{ v: string }>(`SELECT split_part(current_setting('server_version'), ' ', 1) AS v`)).rows[0].v;
    const label = `PostgreSQL ${version}`;
    log(`${label} on 127.0.0.1:${pgServer.port} (BullMQ's data), redis-server on ${redisServer.url} (Drover's own data)`);

    const columns = await captureTemplates(pool, queue, worker);
    const reset = async () => {
      const seqs = (await pool.query<{ name: string }>(`SELECT sequencename AS name FROM pg_sequences WHERE schemaname = 'bullmq' AND sequencename LIKE 'bullmq\\_jid\\_%'`)).rows;
      // What a fresh schema holds: BullMQ's per-queue tables empty and no per-queue id sequence (the
      // global job_seq / event_seq keep counting up, as they do after obliterate). One transaction on
      // one connection; TRUNCATE waits for the consoles' reads in progress, at most the lock_timeout.
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(`SET LOCAL lock_timeout = '60s'`);
        await client.query(`TRUNCATE ${QUEUE_TABLES.map((t) => `bullmq.${t}`).join(', ')}`);
        for (const { name } of seqs) await client.query(`DROP SEQUENCE IF EXISTS bullmq."${name.replaceAll('"', '""')}"`);
        await client.query('COMMIT');
        client.release();
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        client.release(true);
        throw err;
      }
    };
    await reset();

    const seeding = makeSeeding({ pool, columns, queue, log });
    return {
      kind: 'postgres',
      label,
      connection: 'postgres',
      peerUrl: url,
      configFile: writeDroverConfig(dir, redisServer.url, url),
      port: pgServer.port,
      /**
       * PostgreSQL's CPU (user + sys, ms) from /proc: the postmaster's own utime + stime, plus its
       * cutime + cstime (every child it has reaped: backends that have exited, with their own reaped
       * children), plus utime + stime of every live descendant (backends, autovacuum, checkpointer, …).
       * A backend that exits between the two reads can be missed or counted twice (milliseconds).
       */
      cpuMs: async () => {
        const postmaster = pgServer.pid;
        const own = procTimes(postmaster);
        if (!own) throw new Error(`PostgreSQL's postmaster (pid ${postmaster}) is gone`);
        let total = own[0] + own[1] + own[2] + own[3];
        for (const pid of processTree(postmaster)) {
          if (pid === postmaster) continue;
          const t = procTimes(pid);
          if (t) total += t[0] + t[1];
        }
        return (total * 1000) / ticks;
      },
      /**
       * Client backends in pg_stat_activity (backend_type 'client backend': not autovacuum, walwriter, …)
       * other than the bench's own: its pool (application_name bench-scale) and any connection this
       * process holds itself (its Queues and Workers; a Worker renames its LISTEN connection), matched by
       * the client port of this process's TCP connections to PostgreSQL. Child processes (the consoles
       * under test) are counted.
       */
      clientCount: async () => {
        const own = ownConnectionsTo(pgServer.port);
        const { rows } = await pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE backend_type = 'client backend' AND application_name <> $1 AND NOT (coalesce(client_port, -1) = ANY($2::int[]))`,
          [BENCH_APP, own],
        );
        return rows[0].n;
      },
      queue,
      worker,
      ...seeding,
      reset,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

type Pool = pg.Pool;

/**
 * Has BullMQ add one waiting job, and add and process (a real Worker) one completed and one failed job
 * in TEMPLATE_QUEUE, copies those rows and the queue's metadata rows to bench_seed, and returns
 * bullmq.job's columns in order.
 */
async function captureTemplates(pool: Pool, queue: (name: string) => Queue, worker: ScaleStore['worker']): Promise<string[]> {
  const q = queue(TEMPLATE_QUEUE);
  try {
    await q.waitUntilReady(); // runs BullMQ's migrations (migrate: true)
    const [ok, bad] = await q.addBulk([
      { name: 'process-order', data: payload(0) },
      { name: 'process-order', data: payload(1, { fail: true }) },
    ]);
    const w = worker(TEMPLATE_QUEUE, async (job) => {
      const data = job.data as { fail?: boolean; orderId: string };
      if (data.fail) throw new Error(`payment declined for ${data.orderId}`);
      return { ok: true };
    });
    let timer: NodeJS.Timeout | undefined;
    const finished = new Promise<void>((resolve, reject) => {
      const done = new Set<string>();
      const mark = (job?: { id?: string }) => {
        if (job?.id) done.add(job.id);
        if (done.has(ok.id!) && done.has(bad.id!)) resolve();
      };
      w.on('completed', mark);
      w.on('failed', mark);
      // A bound for a broken setup only (two jobs take milliseconds): the bench must not hang.
      timer = setTimeout(() => reject(new Error(`BullMQ's Worker did not finish the 2 template jobs on PostgreSQL within 120 s`)), 120_000);
    });
    try {
      await finished;
    } finally {
      clearTimeout(timer);
      await w.close();
    }
    // The waiting template is added after the worker closed, so it stays waiting.
    const [waiting] = await q.addBulk([{ name: 'send-email', data: payload(2) }]);

    const ids: Record<TemplateKind, string> = { completed: ok.id!, failed: bad.id!, waiting: waiting.id! };
    await pool.query(`CREATE SCHEMA IF NOT EXISTS ${TEMPLATE_SCHEMA}`);
    await pool.query(`DROP TABLE IF EXISTS ${TEMPLATE_SCHEMA}.template, ${TEMPLATE_SCHEMA}.template_meta`);
    await pool.query(`CREATE TABLE ${TEMPLATE_SCHEMA}.template AS SELECT NULL::text AS kind, j.* FROM bullmq.job j WHERE false`);
    for (const [kind, id] of Object.entries(ids)) {
      const r = await pool.query(`INSERT INTO ${TEMPLATE_SCHEMA}.template SELECT $3, j.* FROM bullmq.job j WHERE j.queue = $1 AND j.id = $2`, [TEMPLATE_QUEUE, id, kind]);
      if (r.rowCount !== 1) throw new Error(`template job ${id} (${kind}) not found in bullmq.job`);
    }
    const states = (await pool.query<{ kind: string; state: string }>(`SELECT kind, state::text FROM ${TEMPLATE_SCHEMA}.template`)).rows;
    for (const { kind, state } of states) if (kind !== state) throw new Error(`template ${kind} job is ${state} in bullmq.job`);
    // The metadata a queue that has had a producer and a worker holds (version, opts.maxLenEvents, stalled-check).
    await pool.query(`CREATE TABLE ${TEMPLATE_SCHEMA}.template_meta AS SELECT field, value FROM bullmq.meta WHERE false`);
    await pool.query(`INSERT INTO ${TEMPLATE_SCHEMA}.template_meta SELECT field, value FROM bullmq.meta WHERE queue = $1`, [TEMPLATE_QUEUE]);
  } finally {
    await q.close();
  }
  const { rows } = await pool.query<{ c: string }>(
    `SELECT column_name AS c FROM information_schema.columns WHERE table_schema = 'bullmq' AND table_name = 'job' ORDER BY ordinal_position`,
  );
  return rows.map((r) => r.c);
}

function makeSeeding(ctx: { pool: Pool; columns: string[]; queue: (name: string) => Queue; log: (line: string) => void }) {
  const { pool, columns, log } = ctx;

  const ensureIdSequences = async (names: string[]) => {
    // As BullMQ's next_job_id does on a queue's first add (CREATE SEQUENCE IF NOT EXISTS, default options).
    const { rows } = await pool.query<{ seq: string }>(`SELECT DISTINCT bullmq.job_id_seq_name(q) AS seq FROM unnest($1::text[]) AS q`, [names]);
    for (let i = 0; i < rows.length; i += 500) {
      await pool.query(rows.slice(i, i + 500).map(({ seq }) => `CREATE SEQUENCE IF NOT EXISTS bullmq."${seq}";`).join('\n'));
    }
  };
  /** The template queue's metadata rows; `processed`: with those a Worker writes (stalled-check, now). */
  const ensureMeta = async (names: string[], processed: boolean) => {
    await pool.query(
      `INSERT INTO bullmq.meta (queue, field, value)
       SELECT q, m.field, CASE WHEN m.field = 'stalled-check' THEN (extract(epoch FROM clock_timestamp()) * 1000)::bigint::text ELSE m.value END
         FROM unnest($1::text[]) AS q CROSS JOIN ${TEMPLATE_SCHEMA}.template_meta m
        WHERE $2 OR m.field <> 'stalled-check'
       ON CONFLICT (queue, field) DO NOTHING`,
      [names, processed],
    );
  };
  const stateCount = async (name: string, state: string) =>
    Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM bullmq.job WHERE queue = $1 AND state = $2::bullmq.job_state`, [name, state])).rows[0].n);
  /**
   * After a bulk insert: visibility map and statistics as autovacuum would leave them, so the reads
   * measured next are not the first to touch every page; then a checkpoint, so the checkpointer does not
   * write the inserted pages out (counted in cpuMs) while requests are measured.
   */
  const vacuum = async () => {
    const started = performance.now();
    await pool.query('VACUUM (ANALYZE) bullmq.job');
    await pool.query('CHECKPOINT');
    log(`    VACUUM (ANALYZE) bullmq.job and CHECKPOINT in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  };
  /** BullMQ's own counts for `name` must equal `expected` (state → count). */
  const checkCounts = async (name: string, expected: Partial<Record<'waiting' | 'completed' | 'failed', number>>) => {
    const q = ctx.queue(name);
    try {
      const states = Object.keys(expected) as Array<keyof typeof expected>;
      const counts = await q.getJobCounts(...states);
      for (const state of states) {
        const n = expected[state];
        if (counts[state] !== n) throw new Error(`queue "${name}" on PostgreSQL: BullMQ counts ${counts[state]} ${state} jobs, expected ${n}`);
      }
    } finally {
      await q.close();
    }
  };
  /** The newest finished job of a state reads back through Job.fromId with the data the seed wrote. */
  const checkNewest = async (name: string, state: 'completed' | 'failed', orderId: string) => {
    const q = ctx.queue(name);
    try {
      const [id] = await q.getRanges([state], 0, 0, false);
      const job = id ? await Job.fromId(q, id) : undefined;
      const data = job?.data as { orderId?: string } | undefined;
      if (data?.orderId !== orderId) throw new Error(`queue "${name}": the newest ${state} job (${id}) reads back ${JSON.stringify(data?.orderId)}, expected ${orderId}`);
    } finally {
      await q.close();
    }
  };
  /**
   * Takes n values of a sequence at once (the first is returned, the block is first … first + n - 1) so
   * chunks written in parallel get ids in the order of their finished times. Seeding is the only writer
   * while it runs: a producer adding to the queue between the two statements could take an id of the block.
   */
  const reserve = async (regclass: string, n: number, params: unknown[] = []) => {
    const { rows } = await pool.query<{ first: string }>(`SELECT nextval(${regclass}) AS first`, params);
    const first = BigInt(rows[0].first);
    if (n > 1) await pool.query(`SELECT setval(${regclass}, $${params.length + 1}::bigint)`, [...params, String(first + BigInt(n - 1))]);
    return first;
  };
  /** Runs the chunks [lo, hi) of [from, to) on LANES connections at once. */
  const inLanes = async (from: number, to: number, size: number, run: (lo: number, hi: number) => Promise<unknown>) => {
    let next = from;
    const lane = async () => {
      while (next < to) {
        const lo = next;
        next = Math.min(to, lo + size);
        await run(lo, next);
      }
    };
    await Promise.all(Array.from({ length: LANES }, lane));
  };
  /** The first finished time for n more jobs of a state: after the queue's newest, ending about now. */
  const startTime = async (name: string, state: string, n: number) => {
    const { rows } = await pool.query<{ start: string }>(
      `SELECT greatest((extract(epoch FROM clock_timestamp()) * 1000)::bigint - $3::bigint,
                       coalesce((SELECT max(finished_at_ms) FROM bullmq.job WHERE queue = $1 AND state = $2::bullmq.job_state), 0) + 1) AS start`,
      [name, state, n],
    );
    return rows[0].start;
  };

  return {
    addQueues: async (names: string[], waitingPerQueue: number) => {
      const started = performance.now();
      await ensureIdSequences(names);
      await ensureMeta(names, false);
      const before = new Map(
        (await pool.query<{ queue: string; n: string }>(`SELECT queue, count(*) AS n FROM bullmq.job WHERE queue = ANY($1::text[]) AND state = 'waiting' GROUP BY queue`, [names])).rows.map((r) => [r.queue, Number(r.n)]),
      );
      const perChunk = Math.max(1, Math.floor(CHUNK_ROWS / Math.max(1, waitingPerQueue)));
      for (let i = 0; i < names.length && waitingPerQueue > 0; i += perChunk) {
        const chunk = names.slice(i, i + perChunk);
        // Ordered by queue then job index so ids and seq grow in the order the jobs were "added".
        const sql = insertJobsSql(
          columns,
          {
            queue: 'q.name',
            id: `nextval(${jidSeqSql('q.name')})::text`,
            seq: `nextval('bullmq.job_seq')`,
            data: payloadSql('g.i'),
            added_at_ms: `(extract(epoch FROM clock_timestamp()) * 1000)::bigint - $2::bigint + g.i`,
          },
          `FROM ${TEMPLATE_SCHEMA}.template t
           CROSS JOIN unnest($1::text[]) WITH ORDINALITY AS q(name, qi)
           CROSS JOIN generate_series(0::bigint, $2::bigint - 1) AS g(i)
           WHERE t.kind = 'waiting'
           ORDER BY q.qi, g.i`,
        );
        await pool.query(sql, [chunk, waitingPerQueue]);
      }
      // As add_jobs_bulk does: wake Workers blocked on the queues.
      await pool.query(`SELECT pg_notify('bullmq_jobs', q) FROM unnest($1::text[]) AS q`, [names]);
      await pool.query('ANALYZE bullmq.job');
      const { rows } = await pool.query<{ queue: string; n: string }>(
        `SELECT queue, count(*) AS n FROM bullmq.job WHERE queue = ANY($1::text[]) AND state = 'waiting' AND priority = 0 GROUP BY queue`,
        [names],
      );
      const got = new Map(rows.map((r) => [r.queue, Number(r.n)]));
      for (const name of names) {
        const expected = (before.get(name) ?? 0) + waitingPerQueue;
        if ((got.get(name) ?? 0) !== expected) throw new Error(`queue "${name}" on PostgreSQL holds ${got.get(name) ?? 0} waiting jobs, expected ${expected}`);
      }
      // BullMQ's own counts, on the first and the last queue.
      for (const name of new Set([names[0], names[names.length - 1]])) {
        if (name !== undefined) await checkCounts(name, { waiting: (before.get(name) ?? 0) + waitingPerQueue });
      }
      log(`    ${en(names.length)} queues × ${en(waitingPerQueue)} waiting written in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    },

    growCompleted: async (name: string, from: number, to: number) => {
      const have = await stateCount(name, 'completed');
      if (have !== from) throw new Error(`growCompleted("${name}", ${from}, ${to}): the queue holds ${have} completed jobs, not ${from}`);
      if (to <= from) return;
      const started = performance.now();
      await ensureIdSequences([name]);
      await ensureMeta([name], true);
      const start = await startTime(name, 'completed', to - from);
      const firstId = await reserve(jidSeqSql('$1::text'), to - from, [name]);
      const firstSeq = await reserve(`'bullmq.job_seq'`, to - from);
      const sql = insertJobsSql(
        columns,
        {
          queue: '$1::text',
          id: `($6::bigint + g.i - $4::bigint)::text`,
          seq: `$7::bigint + g.i - $4::bigint`,
          data: payloadSql('g.i'),
          ...finishedTimes('(g.i - $4::bigint)', '$5::bigint'),
        },
        `FROM ${TEMPLATE_SCHEMA}.template t CROSS JOIN generate_series($2::bigint, $3::bigint - 1) AS g(i) WHERE t.kind = 'completed'`,
      );
      await inLanes(from, to, CHUNK_ROWS, (lo, hi) => pool.query(sql, [name, lo, hi, from, start, String(firstId), String(firstSeq)]));
      const inserted = (performance.now() - started) / 1000;
      await vacuum();
      await checkCounts(name, { completed: to });
      await checkNewest(name, 'completed', payload(to - 1).orderId);
      log(`    "${name}": ${en(from)} → ${en(to)} completed in ${((performance.now() - started) / 1000).toFixed(1)} s (insert ${inserted.toFixed(1)} s)`);
    },

    addFailed: async (name: string, count: number, payloadBytes: number) => {
      if (count <= 0) return;
      const started = performance.now();
      const before = await stateCount(name, 'failed');
      await ensureIdSequences([name]);
      await ensureMeta([name], true);
      // Data: payload(i, { fail: true }) plus a "blob" of random hex making its JSON ~payloadBytes long.
      const blobLength = Math.max(0, payloadBytes - JSON.stringify({ ...payload(before, { fail: true }), blob: '' }).length);
      const start = await startTime(name, 'failed', count);
      const firstId = await reserve(jidSeqSql('$1::text'), count, [name]);
      const firstSeq = await reserve(`'bullmq.job_seq'`, count);
      const perChunk = Math.max(1, Math.min(CHUNK_ROWS, Math.floor(CHUNK_BYTES / Math.max(1, payloadBytes))));
      const sql = insertJobsSql(
        columns,
        {
          queue: '$1::text',
          id: `($6::bigint + g.i - $4::bigint)::text`,
          seq: `$7::bigint + g.i - $4::bigint`,
          data: `${payloadSql('g.i', { fail: true })} || jsonb_build_object('blob', ${blobSql('g.i', blobLength)})`,
          // The template worker's message for this job's order (the stack trace is the template's).
          failed_reason: `'payment declined for ' || ${orderIdSql('g.i')}`,
          ...finishedTimes('(g.i - $4::bigint)', '$5::bigint'),
        },
        `FROM ${TEMPLATE_SCHEMA}.template t CROSS JOIN generate_series($2::bigint, $3::bigint - 1) AS g(i) WHERE t.kind = 'failed'`,
      );
      await inLanes(before, before + count, perChunk, (lo, hi) => pool.query(sql, [name, lo, hi, before, start, String(firstId), String(firstSeq)]));
      const inserted = (performance.now() - started) / 1000;
      await vacuum();
      await checkCounts(name, { failed: before + count });
      await checkNewest(name, 'failed', payload(before + count - 1).orderId);
      log(`    "${name}": ${en(count)} failed of ~${en(payloadBytes)} bytes in ${((performance.now() - started) / 1000).toFixed(1)} s (insert ${inserted.toFixed(1)} s)`);
    },
  };
}
