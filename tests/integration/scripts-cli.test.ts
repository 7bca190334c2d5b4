// The preflight config check and the users CLI, run as the real processes `npm start` / `npm run users` run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../helpers/redis';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres';
import { STORE_KINDS } from '../helpers/stores';

const root = path.resolve(import.meta.dirname, '../..');
const TSX = ['--import', 'tsx', '--conditions=react-server'];
let redis: TestRedis;
let postgres: TestPostgres;

function runScript(script: string, args: string[], env: Record<string, string | undefined>) {
  const cleanEnv = { ...process.env, REDIS_URL: undefined, DATABASE_URL: undefined, DROVER_CONFIG: undefined, DROVER_TRUSTED_PROXIES: undefined, ...env } as NodeJS.ProcessEnv;
  return spawnSync(process.execPath, [...TSX, script, ...args], { cwd: root, env: cleanEnv, encoding: 'utf8', timeout: 150_000 });
}

beforeAll(async () => {
  [redis, postgres] = await Promise.all([startTestRedis(), startTestPostgres()]);
});
afterAll(async () => {
  await Promise.all([redis.stop(), postgres.stop()]);
});

describe('preflight check-config', { timeout: 200_000 }, () => {
  it('exits 1 with a message naming the bad field', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-cfg-'));
    const file = path.join(dir, 'bad.json');
    fs.writeFileSync(file, JSON.stringify({ connections: [{ name: 'main', url: 'redis://:pw@h:1', readOnly: 'yes' }] }));
    const r = runScript('scripts/preflight.ts', ['check-config'], { DROVER_CONFIG: file });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`Invalid configuration in ${file}`);
    expect(r.stderr).toMatch(/connections\[0\]\.readOnly: /);
    expect(r.stderr).not.toContain(':pw@');
  });

  it('refuses an operation the file withholds that does not exist or stays with admin, naming the file and the entry', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-cfg-'));
    const file = path.join(dir, 'withhold.json');
    fs.writeFileSync(file, JSON.stringify({ connections: [{ name: 'main', url: 'redis://127.0.0.1:6399' }], permissions: { withhold: { operator: ['job.retry', 'job.retri'], admin: ['user.remove'] } } }));
    const r = runScript('scripts/preflight.ts', ['check-config'], { DROVER_CONFIG: file });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`Invalid configuration in ${file}`);
    expect(r.stderr).toContain('permissions.withhold.operator[1]: "job.retri" is not an operation');
    expect(r.stderr).toContain('permissions.withhold.admin[0]: user.remove cannot be withheld from admin');
  });

  it('refuses a malformed DROVER_TRUSTED_PROXIES before the console starts', () => {
    const r = runScript('scripts/preflight.ts', ['check-config'], { REDIS_URL: 'redis://127.0.0.1:6399', DROVER_TRUSTED_PROXIES: '10.0.0.0/8,proxy.internal' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('DROVER_TRUSTED_PROXIES: "proxy.internal" is not a hop count, an IP address or a CIDR');
  });

  it('prints connections without credentials', () => {
    const r = runScript('scripts/preflight.ts', ['check-config'], { REDIS_URL: 'redis://:s3cret@127.0.0.1:6399' });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ source: 'env', connections: [{ name: 'default', endpoint: '127.0.0.1:6399', prefix: 'bull', readOnly: false }] });
    expect(r.stdout).not.toContain('s3cret');
  });
});

// Each case starts the CLI several times (tsx compiles on every start: 10-20 s each on a busy 2-core
// machine), so the cases get room for all of their processes, not one test's default minute.
// On Redis (REDIS_URL) and on PostgreSQL alone (DATABASE_URL: users and tokens in schema "drover").
describe.each(STORE_KINDS)('npm run users on %s', { timeout: 300_000 }, (kind) => {
  const storeEnv = () => (kind === 'redis' ? { REDIS_URL: redis.url } : { DATABASE_URL: postgres.url });

  it('adds users, lists them, and creates a token that authenticates', () => {
    const env = storeEnv();
    const add = runScript('scripts/users.ts', ['add', 'cli-op@example.com', '--role', 'operator', '--password', 'cli password 123'], env);
    expect(add.stderr).toBe('');
    expect(add.stdout).toContain('added cli-op@example.com (operator)');
    const list = runScript('scripts/users.ts', ['list'], env);
    expect(list.stdout).toMatch(/cli-op@example\.com\s+operator\s+local/);
    const token = runScript('scripts/users.ts', ['token', 'create', '--role', 'operator', '--name', 'ci'], env);
    expect(token.status).toBe(0);
    expect(token.stdout.trim()).toMatch(/^drv_[A-Za-z0-9_-]{43}$/);
    const tokens = runScript('scripts/users.ts', ['token', 'list'], env);
    expect(tokens.stdout).toMatch(/ci\s+operator/);
    const bad = runScript('scripts/users.ts', ['set-role', 'cli-op@example.com', 'superuser'], env);
    expect(bad.status).toBe(1);
  });

  it('sets a user’s grants and global role, revokes grants, and creates a token with grants', () => {
    const env = storeEnv();
    expect(runScript('scripts/users.ts', ['add', 'alice@x', '--password', 'cli password 123'], env).status).toBe(0);
    const granted = runScript('scripts/users.ts', ['grant', 'alice@x', 'operator@*/billing-*', 'viewer@*/email', '--role', 'none'], env);
    expect(granted.stderr).toBe('');
    expect(granted.stdout.trim()).toBe('alice@x is none; grants: operator on */billing-*, viewer on */email');
    // The same patterns again replace that grant; another is added.
    const again = runScript('scripts/users.ts', ['grant', 'alice@x', 'admin@*/billing-*', 'viewer@main/audit'], env);
    expect(again.stdout.trim()).toBe('alice@x is none; grants: viewer on */email, admin on */billing-*, viewer on main/audit');
    const list = runScript('scripts/users.ts', ['list'], env);
    expect(list.stdout).toMatch(/alice@x\s+none\s+local; grants: viewer on \*\/email, admin on \*\/billing-\*, viewer on main\/audit/);

    const bad = runScript('scripts/users.ts', ['grant', 'alice@x', 'viewer@*/email', 'boss@*/x', 'viewer@main/'], env);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('grants[1].role');
    expect(bad.stderr).toContain('grants[2].queue: a pattern is required');

    const one = runScript('scripts/users.ts', ['revoke-grants', 'alice@x', 'email', 'main/audit'], env);
    expect(one.stdout.trim()).toBe('alice@x is none; grants: admin on */billing-*');
    const missing = runScript('scripts/users.ts', ['revoke-grants', 'alice@x', 'main/nothing'], env);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('alice@x has no grant on main/nothing');
    const all = runScript('scripts/users.ts', ['revoke-grants', 'alice@x', '--role', 'viewer'], env);
    expect(all.stdout.trim()).toBe('alice@x is viewer');

    const token = runScript('scripts/users.ts', ['token', 'create', '--name', 'billing-bot', '--role', 'none', '--grant', 'operator@*/billing-*'], env);
    expect(token.status).toBe(0);
    expect(token.stderr).toContain('created token "billing-bot" (none; grants: operator on */billing-*');
    expect(runScript('scripts/users.ts', ['token', 'list'], env).stdout).toMatch(/billing-bot\s+none .*; grants: operator on \*\/billing-\*/);
  });

  it('creates a token with an expiry and lists expiry and last use', () => {
    const env = storeEnv();
    const token = runScript('scripts/users.ts', ['token', 'create', '--role', 'viewer', '--name', 'monthly', '--expires-in', '30d'], env);
    expect(token.status).toBe(0);
    const expires = /expires (\S+)\)/.exec(token.stderr)?.[1];
    expect(Date.parse(expires!) - Date.now()).toBeGreaterThan(30 * 86_400_000 - 60_000);
    const tokens = runScript('scripts/users.ts', ['token', 'list'], env);
    expect(tokens.stdout).toMatch(new RegExp(`monthly\\s+viewer .* expires ${expires!.replace(/[.]/g, '\\.')}\\s+last used never`));
    const bad = runScript('scripts/users.ts', ['token', 'create', '--role', 'viewer', '--name', 'x', '--expires-in', 'forever'], env);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/Invalid token: expiresIn: must be a duration like 30d, 12h, 15m or 90s/);
  });
});
