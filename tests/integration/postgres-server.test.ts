// A private PostgreSQL (lib/embedded/postgres-server.mjs) that real BullMQ runs on: jobs processed, read
// back with SQL, data kept across a restart; md5 passwords when asked for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { Queue, Worker, createPostgresBackend } from 'bullmq';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres';

describe('embedded PostgreSQL', () => {
  let server: TestPostgres;
  beforeAll(async () => {
    server = await startTestPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('runs BullMQ on it, and keeps its data across a restart on the same port', async () => {
    expect(server.url).toBe(`postgres://drover@127.0.0.1:${server.port}/drover`);
    const connection = { connectionString: server.url, migrate: true };
    const queue = new Queue('q', { connection }, createPostgresBackend);
    let worker: { close(): Promise<void> } | undefined;
    try {
      await queue.addBulk([1, 2, 3].map((n) => ({ name: 'job', data: { n } })));
      const completed = new Set<string>();
      const allDone = new Promise<void>((resolve, reject) => {
        const w = new Worker('q', async (job) => (job.data as { n: number }).n * 2, { connection }, createPostgresBackend);
        worker = w;
        w.on('completed', (job) => {
          completed.add(String(job.id));
          if (completed.size === 3) resolve();
        });
        w.on('failed', (_job, err) => reject(err));
        w.on('error', reject);
      });
      await allDone;
    } finally {
      await worker?.close();
      await queue.close();
    }

    const countSql = "SELECT count(*)::int AS n FROM bullmq.job WHERE queue = 'q' AND state = 'completed'";
    const pool = server.pool();
    expect((await pool.query(countSql)).rows[0].n).toBe(3);

    const before = server.pid;
    await server.restart();
    expect(server.pid).not.toBe(before);
    // The pool's idle connection died with the old server: the pool connects again.
    expect((await pool.query(countSql)).rows[0].n).toBe(3);
    expect((await pool.query('SHOW fsync')).rows[0].fsync).toBe('off');

    // A crash (SIGKILL, backends included) and a restart: recovery keeps the committed jobs.
    await server.restart({ signal: 'SIGKILL' });
    expect((await pool.query(countSql)).rows[0].n).toBe(3);
  });

  it('asks for the password when given one, and refuses a wrong one', async () => {
    const secured = await startTestPostgres({ password: 'p@ss word' });
    try {
      expect(secured.url).toBe(`postgres://drover:p%40ss%20word@127.0.0.1:${secured.port}/drover`);
      expect((await secured.pool().query('SELECT current_user AS u')).rows[0].u).toBe('drover');
      const wrong = new pg.Client({ connectionString: `postgres://drover:wrong@127.0.0.1:${secured.port}/drover` });
      await expect(wrong.connect()).rejects.toThrow(/password authentication failed/);
      const none = new pg.Client({ host: '127.0.0.1', port: secured.port, user: 'drover', database: 'drover', password: '' });
      await expect(none.connect()).rejects.toThrow();
    } finally {
      await secured.stop();
    }
  });
});
