// PostgreSQL connections in the configuration: chosen by URL, schema and migrate options, the console's
// own data on either store, DATABASE_URL beside REDIS_URL, and endpoints that never show a password.
import { describe, expect, it } from 'vitest';
import { parseConfig, readConfig } from '@/lib/config/load-config';
import { describeEndpoint, redactUrl } from '@/lib/config/redact';

const redis = { name: 'main', url: 'redis://127.0.0.1:6379' };

describe('PostgreSQL connections', () => {
  it('are chosen by a postgres:// or postgresql:// URL, with BullMQ\'s schema by default and no migrations', () => {
    const config = parseConfig({ connections: [redis, { name: 'pg', url: 'postgres://u:p@db:5432/jobs' }, { name: 'pg2', url: 'postgresql://db/jobs', schema: 'queues', migrate: true }] }, 'test');
    expect(config.connections.map((c) => [c.name, c.store, c.schema, c.migrate])).toEqual([
      ['main', 'redis', undefined, false],
      ['pg', 'postgres', 'bullmq', false],
      ['pg2', 'postgres', 'queues', true],
    ]);
  });

  it('refuse options that belong to the other store, and schema names that are not plain identifiers', () => {
    expect(() => parseConfig({ connections: [{ ...redis, schema: 'x' }] }, 'test')).toThrow(/connections\[0\]\.schema: applies to PostgreSQL connections only/);
    expect(() => parseConfig({ connections: [redis, { name: 'pg', url: 'postgres://db/x', prefix: 'bull' }] }, 'test')).toThrow(/prefix: applies to Redis connections only/);
    expect(() => parseConfig({ connections: [redis, { name: 'pg', url: 'postgres://db/x', schema: 'a"; drop' }] }, 'test')).toThrow(/schema: must be a plain identifier/);
    expect(() => parseConfig({ connections: [{ name: 'x', url: 'mysql://db/x' }] }, 'test')).toThrow(/postgres:\/\/ or postgresql:\/\/ URL/);
  });

  it('may hold the console\'s own data: a PostgreSQL connection first, or named by consoleConnection, is the console connection', () => {
    expect(parseConfig({ connections: [{ name: 'pg', url: 'postgres://db/x' }] }, 'test').connections.map((c) => c.store)).toEqual(['postgres']);
    const both = parseConfig({ connections: [redis, { name: 'pg', url: 'postgres://db/x' }], consoleConnection: 'pg' }, 'test');
    expect([both.consoleConnection, both.connections.find((c) => c.name === both.consoleConnection)?.store]).toEqual(['pg', 'postgres']);
    expect(() => parseConfig({ connections: [redis], consoleConnection: 'pg' }, 'test')).toThrow(/consoleConnection: names no declared connection \("pg"\)/);
  });

  it('DATABASE_URL adds the connection "postgres" beside REDIS_URL\'s "default"', () => {
    const { config } = readConfig({ REDIS_URL: 'redis://127.0.0.1:1', DATABASE_URL: 'postgres://u:secret@db:5432/app' }, '/nonexistent');
    expect(config.connections.map((c) => [c.name, c.store])).toEqual([
      ['default', 'redis'],
      ['postgres', 'postgres'],
    ]);
  });

  it('DATABASE_URL alone is a PostgreSQL-only deployment: the connection "postgres" is the console connection', () => {
    const { config } = readConfig({ DATABASE_URL: 'postgres://u:secret@db:5432/app' }, '/nonexistent');
    expect(config.connections.map((c) => [c.name, c.store, c.migrate])).toEqual([['postgres', 'postgres', false]]);
  });

  it('DROVER_PG_MIGRATE=1 lets Drover make BullMQ\'s schema on the DATABASE_URL connection (never without it)', () => {
    for (const yes of ['1', 'true', 'YES']) expect(readConfig({ DATABASE_URL: 'postgres://db/app', DROVER_PG_MIGRATE: yes }, '/nonexistent').config.connections[0].migrate).toBe(true);
    for (const no of ['0', 'false', '']) expect(readConfig({ DATABASE_URL: 'postgres://db/app', DROVER_PG_MIGRATE: no }, '/nonexistent').config.connections[0].migrate).toBe(false);
  });

  it('show host:port/database only: never the user, password or query parameters', () => {
    expect(describeEndpoint('postgres://admin:s3cret@db.internal:5433/jobs?sslpassword=k3y&sslmode=require')).toBe('db.internal:5433/jobs');
    expect(describeEndpoint('postgresql://db/jobs')).toBe('db/jobs');
    expect(describeEndpoint('redis://:pw@r:6379/0')).toBe('r:6379');
    expect(redactUrl('postgres://admin:s3cret@db:5432/jobs')).not.toContain('s3cret');
    // A password holding "?", "#" or "/" (unencoded) is still never shown.
    expect(describeEndpoint('postgres://drover:pa?ss@db/app')).toBe('db/app');
    expect(describeEndpoint('redis://:se#cret@r:6379')).toBe('r:6379');
    expect(describeEndpoint('postgres://u:a/b@db:5432/app?sslmode=require')).toBe('db:5432/app');
  });
});

describe('the bundled workers', () => {
  it('run on a PostgreSQL connection named by DROVER_WORKER_CONNECTION, its records in that database (no Redis needed)', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { pickWorkerConnection, resolveWorkerTarget } = await import('@/workers/runtime/worker-connection');
    const { connections } = parseConfig({ connections: [redis, { name: 'pg', url: 'postgres://db/x' }] }, 'test');
    expect(pickWorkerConnection(connections, undefined, {}).name).toBe('main');
    // The demo seed writes to Redis only: it refuses a PostgreSQL connection precisely.
    expect(() => pickWorkerConnection(connections, undefined, { DROVER_WORKER_CONNECTION: 'pg' })).toThrow(/names "pg", a PostgreSQL connection: the demo seed writes to Redis only/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-config-'));
    const file = path.join(dir, 'drover.config.json');
    fs.writeFileSync(file, JSON.stringify({ connections: [redis, { name: 'pg', url: 'postgres://db/x' }] }));
    const target = await resolveWorkerTarget({ DROVER_CONFIG: file, DROVER_WORKER_CONNECTION: 'pg' });
    // With a Redis console connection beside it: named as where an earlier Drover kept its paused schedules.
    expect(target).toEqual({ connection: expect.objectContaining({ name: 'pg', store: 'postgres' }), legacyConsole: expect.objectContaining({ name: 'main', store: 'redis' }) });
    expect((await resolveWorkerTarget({ DROVER_CONFIG: file })).connection.name).toBe('main');
    // A configuration with PostgreSQL only: the workers run on it.
    const only = path.join(dir, 'postgres-only.json');
    fs.writeFileSync(only, JSON.stringify({ connections: [{ name: 'pg', url: 'postgres://db/x' }] }));
    expect(await resolveWorkerTarget({ DROVER_CONFIG: only })).toEqual({ connection: expect.objectContaining({ name: 'pg', store: 'postgres' }) });
  });
});

describe('Redis prefixes', () => {
  // An earlier Drover kept PostgreSQL connections' data under "{pg:<name>}" on the console's Redis; the
  // upgrade moves it out (lib/schedules/legacy-paused.ts), and a queue prefix must not collide with it.
  it('may not take the place where an earlier Drover kept PostgreSQL connections\' data', () => {
    expect(() => parseConfig({ connections: [{ name: 'r', url: 'redis://h', prefix: '{pg:orders}' }] }, 'test')).toThrow(/prefix: must not start with "\{pg:"/);
  });
});
