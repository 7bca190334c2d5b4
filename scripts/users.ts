// `npm run users -- <command>`: manage console users and API tokens from the shell.
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readConfig } from '@/lib/config/load-config';
import { closeAllConnections } from '@/lib/redis/connections';
import { listUsers } from '@/lib/auth/users';
import { listApiTokens } from '@/lib/auth/api-tokens';
import { roleSchema } from '@/lib/auth/roles';
import type { AuditContext } from '@/lib/audit/audited';
import { addUser, changeUserRole, createTokenInput, deleteUser, issueApiToken, resetUserPassword, revokeToken } from '@/lib/users/commands';
import { DroverError } from '@/lib/errors';
import { invalidFromZod } from '@/lib/api/zod-error';
import { reachEmbeddedRedis } from './lib/embedded-runtime.mjs';

const USAGE = `Usage: npm run users -- <command>

  list                                         list users
  add <email> [--role viewer|operator|admin] [--password <pw>]
                                               add a user (password generated and printed when omitted)
  set-role <email> <role>                      change a user's role
  passwd <email> [--password <pw>]             set or generate a new password
  remove <email>                               remove a user
  token create --name <name> --role <role> [--expires-in 30d]
                                               create an API token (printed once); expiry as
                                               90s, 15m, 12h or 30d (default: until revoked)
  token list                                   list API tokens
  token revoke <id>                            revoke an API token`;

const ctx: AuditContext = {
  actor: { kind: 'cli', id: os.userInfo().username, name: `cli:${os.userInfo().username}`, role: 'admin' },
  via: 'cli',
};

async function run(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      role: { type: 'string' },
      password: { type: 'string' },
      name: { type: 'string' },
      'expires-in': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  const role = (fallback?: string) => roleSchema.parse(values.role ?? fallback);
  switch (command) {
    case 'list': {
      const users = await listUsers();
      if (users.length === 0) console.log('no users');
      for (const u of users) console.log(`${u.email.padEnd(40)} ${u.role.padEnd(9)} ${u.source}`);
      return;
    }
    case 'add': {
      const created = await addUser(ctx, { email: need(rest[0], 'email'), role: role('viewer'), password: values.password });
      console.log(`added ${created.user.email} (${created.user.role})`);
      if (created.password) console.log(`password: ${created.password}`);
      return;
    }
    case 'set-role': {
      const user = await changeUserRole(ctx, { email: need(rest[0], 'email'), role: roleSchema.parse(need(rest[1], 'role')) });
      console.log(`${user.email} is now ${user.role}`);
      return;
    }
    case 'passwd': {
      const reset = await resetUserPassword(ctx, { email: need(rest[0], 'email'), password: values.password });
      console.log(`password changed for ${reset.user.email}`);
      if (reset.password) console.log(`password: ${reset.password}`);
      return;
    }
    case 'remove': {
      await deleteUser(ctx, { email: need(rest[0], 'email') });
      console.log(`removed ${rest[0]}`);
      return;
    }
    case 'token': {
      const [sub, id] = rest;
      if (sub === 'create') {
        const input = createTokenInput.safeParse({ name: need(values.name, '--name'), role: role(), expiresIn: values['expires-in'] });
        if (!input.success) throw invalidFromZod(input.error, 'token');
        const { token, record } = await issueApiToken(ctx, input.data);
        const expiry = record.expiresAt ? `, expires ${new Date(record.expiresAt).toISOString()}` : '';
        console.error(`created token "${record.name}" (${record.role}, id ${record.id}${expiry}); it is shown only once:`);
        console.log(token);
        return;
      }
      if (sub === 'list') {
        const when = (ms: number | null | undefined, none: string) => (ms ? new Date(ms).toISOString() : none);
        for (const t of await listApiTokens()) {
          const expiry = t.expiresAt && t.expiresAt <= Date.now() ? `EXPIRED ${when(t.expiresAt, '')}` : `expires ${when(t.expiresAt, 'never')}`;
          console.log(`${t.id}  ${t.name.padEnd(24)} ${t.role.padEnd(9)} ${t.hint}…  by ${t.createdBy}  ${expiry}  last used ${when(t.lastUsedAt, 'never')}`);
        }
        return;
      }
      if (sub === 'revoke') {
        const record = await revokeToken(ctx, { id: need(id, 'token id') });
        console.log(`revoked ${record.name} (${record.id})`);
        return;
      }
      break;
    }
  }
  console.log(USAGE);
  if (!values.help) process.exitCode = 2;
}

function need(value: string | undefined, what: string): string {
  if (!value) throw new Error(`missing ${what}\n\n${USAGE}`);
  return value;
}

async function main() {
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (readConfig().source === 'none') {
    const embedded = await reachEmbeddedRedis(path.resolve(process.env.DROVER_DATA_DIR || '.data'));
    process.env.REDIS_URL = embedded.url;
    stopEmbedded = embedded.stop;
  }
  try {
    await run(process.argv.slice(2));
  } catch (err) {
    console.error(err instanceof DroverError ? err.message : err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  } finally {
    await closeAllConnections();
    await stopEmbedded?.();
  }
}

main();
