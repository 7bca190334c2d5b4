// A console whose only connection is PostgreSQL (no Redis at all): Drover's own data in schema "drover"
// of that database, made by Drover on first use; the server killed under it → every read and write of
// that data answers the connection's precise 503 (sign-in included, nothing half-written), and works
// again once the server is back, without a restart of the console, with nothing lost.
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { consoleForThisFile } from '../helpers/console-store';
import type { TestPostgres } from '../helpers/postgres';
import { createUser, getUser, verifyCredentials } from '@/lib/auth/users';
import { isSessionLive, newSessionId, registerSession } from '@/lib/auth/sessions';
import { reserveSigninAttempt, settleSigninAttempt } from '@/lib/auth/signin-rate-limit';
import { getOperationProgress, progressReporter } from '@/lib/progress/bulk-progress';
import { getConnection } from '@/lib/redis/connections';
import { DROVER_SCHEMA_VERSION } from '@/lib/store/postgres/drover-schema';
import { UnavailableError } from '@/lib/errors';
import { waitFor } from '../helpers/wait';
import { sampleStore } from '@/lib/store/console/samples';
import { encodeSample } from '@/lib/metrics/sample';

// Commits durable before they return (the test servers run with synchronous_commit off, which a crash may
// cost the last commits of): "nothing lost" is then PostgreSQL's promise, not luck.
// "ro": a read-only queue connection to another database of the same server (made by the test).
const c = consoleForThisFile('postgres', ({ url }) => [{ name: 'ro', url: url.replace(/\/[^/?]+(\?|$)/, '/ro_db$1'), readOnly: true }], {
  postgresArgs: ['-c', 'synchronous_commit=on'],
});

describe('a console on PostgreSQL only', () => {
  it('makes its schema on first use and keeps users and sessions there', async () => {
    expect(getConnection('console').kind).toBe('postgres');
    await createUser({ email: 'pg-op@example.com', password: 'a long password', role: 'operator' });
    const sid = newSessionId();
    await registerSession('pg-op@example.com', sid, 60_000);
    expect(await isSessionLive('pg-op@example.com', sid)).toBe(true);
    const versions = await c.pool().query<{ v: number }>('SELECT max(version) AS v FROM drover.migration');
    expect(versions.rows[0].v).toBe(DROVER_SCHEMA_VERSION);
    const rows = await c.pool().query<{ email: string }>('SELECT email FROM drover.console_user');
    expect(rows.rows.map((r) => r.email)).toEqual(['pg-op@example.com']);
  });

  it('never creates its schema in the database of a read-only queue connection (its own data still on the console)', async () => {
    await c.pool().query('CREATE DATABASE ro_db');
    const err = await getConnection('ro')
      .records.readBusy(10, 1_000_000)
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(UnavailableError);
    expect((err as Error).message).toMatch(/^PostgreSQL connection "ro" is read-only, and Drover's schema "drover" there is missing: /);
    const ro = new pg.Client({ connectionString: c.url.replace(/\/[^/?]+(\?|$)/, '/ro_db$1') });
    await ro.connect();
    try {
      expect((await ro.query<{ n: string | null }>("SELECT to_regnamespace('drover')::text AS n")).rows[0].n).toBeNull();
    } finally {
      await ro.end();
    }
    // The console connection is writable for Drover's own data whatever its queues' flag says.
    await createUser({ email: 'still@example.com', password: 'a long password', role: 'viewer' });
    expect(await getUser('still@example.com')).not.toBeNull();
  });

  it('text PostgreSQL cannot hold (NUL) never reaches it: a sign-in with such an address is just wrong, such a queue has no series', async () => {
    // Anonymous input: the address fails the schema before any statement (no 500 on the sign-in path).
    expect(await verifyCredentials('a\u0000@example.com', 'a long password')).toBeNull();
    expect(await getUser('a\u0000@example.com')).toBeNull();
    // A Redis queue may be named with any bytes: its sample is left out, the others' are kept.
    const fields = encodeSample({ waiting: 1, active: 0, delayed: 0, prioritized: 0, 'waiting-children': 0, completed: 0, failed: 0 }, 0, false);
    const now = Date.now();
    const written = await sampleStore().append(
      [
        { conn: 'redis-conn', queue: 'bad\u0000name', fields },
        { conn: 'redis-conn', queue: 'fine', fields },
      ],
      now,
      { keepFineFrom: now - 86_400_000, keepMinuteFrom: now - 7 * 86_400_000, fineTtlMs: 86_400_000, minuteTtlMs: 7 * 86_400_000 },
    );
    expect(written).toBeGreaterThanOrEqual(1);
    const rows = await c.pool().query<{ queue: string }>("SELECT DISTINCT queue FROM drover.metric_sample WHERE conn = 'redis-conn'");
    expect(rows.rows.map((r) => r.queue)).toEqual(['fine']);
  });

  it('a server gone in the middle of a transaction fails that transaction with the 503, never the process', { timeout: 120_000 }, async () => {
    const server = c.server as TestPostgres;
    const db = getConnection('console').drover;
    await db.ready();
    const failed = db
      .tx(async (q) => {
        await q('SELECT 1');
        // Killed while this transaction holds its connection between two statements: the socket's end
        // arrives as an 'error' on an idle checked-out client (uncaught, it would end the process).
        await server.kill('SIGKILL');
        await new Promise((resolve) => setTimeout(resolve, 100));
        await q('SELECT 1');
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    try {
      const err = await failed;
      expect(err).toBeInstanceOf(UnavailableError);
      expect((err as Error).message).toMatch(/^PostgreSQL connection "console" is unreachable: /);
    } finally {
      await server.restart();
    }
    await waitFor(() => getUser('pg-op@example.com'), { timeout: 60_000, what: 'the console reading users again' });
  });

  it('answers 503 naming the connection while PostgreSQL is down, and recovers by itself with nothing lost', { timeout: 120_000 }, async () => {
    await createUser({ email: 'kept@example.com', password: 'a long password', role: 'viewer' });
    const sid = newSessionId();
    await registerSession('kept@example.com', sid, 600_000);
    const server = c.server as TestPostgres;
    await server.kill('SIGKILL');
    try {
      const unreachable = /^PostgreSQL connection "console" is unreachable: /;
      for (const call of [
        () => getUser('kept@example.com'),
        () => isSessionLive('kept@example.com', sid),
        () => verifyCredentials('kept@example.com', 'a long password'),
        () => reserveSigninAttempt('203.0.113.9', 'kept@example.com'),
        () => progressReporter('op-down')({ done: 1, total: 2, phase: 'x' }),
      ]) {
        const err = await call().then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(UnavailableError);
        expect([(err as UnavailableError).status, (err as Error).message]).toEqual([503, expect.stringMatching(unreachable)]);
      }
    } finally {
      await server.restart();
    }
    // Back without restarting the console: the pool reconnects on the next statement.
    await waitFor(() => getUser('kept@example.com'), { timeout: 60_000, what: 'the console reading users again' });
    expect(await isSessionLive('kept@example.com', sid)).toBe(true);
    expect((await verifyCredentials('kept@example.com', 'a long password'))?.role).toBe('viewer');
    const attempt = await reserveSigninAttempt('203.0.113.9', 'kept@example.com');
    expect(attempt.allowed).toBe(true);
    if (attempt.allowed) await settleSigninAttempt(attempt.reservation, 'success');
    await progressReporter('op-up')({ done: 1, total: 2, phase: 'retrying' });
    expect(await getOperationProgress('op-up')).toMatchObject({ done: 1, total: 2, phase: 'retrying', finished: false });
  });
});
