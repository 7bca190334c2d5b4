// `npm run users -- <command>`: manage console users and API tokens from the shell.
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readConfig } from '@/lib/config/load-config';
import { closeAllConnections } from '@/lib/redis/connections';
import { getUser, listUsers } from '@/lib/auth/users';
import { listApiTokens } from '@/lib/auth/api-tokens';
import { accessRoleSchema, describeGrant, type Grant } from '@/lib/auth/scope';
import type { AuditContext } from '@/lib/audit/audited';
import { addUser } from '@/lib/users/add-user';
import { updateUser } from '@/lib/users/update-user';
import { deleteUser } from '@/lib/users/remove-user';
import { issueApiToken } from '@/lib/users/issue-api-token';
import { revokeToken } from '@/lib/users/revoke-token';
import { createTokenInput, grantsInput } from '@/lib/users/schemas';
import { DroverError } from '@/lib/errors';
import { invalidFromZod } from '@/lib/zod-issues';
import { reachEmbeddedRedis } from '../lib/embedded/embedded-runtime.mjs';

const USAGE = `Usage: npm run users -- <command>

  list                                         list users with their global role and grants
  add <email> [--role none|viewer|operator|admin] [--password <pw>] [--grant <grant>]...
                                               add a user (password generated and printed when omitted)
  set-role <email> <role>                      change a user's global role (none: only what the grants give)
  grant <email> <grant>... [--role <role>]     give a user grants (a grant on the same connection and
                                               queue patterns is replaced), and optionally a global role;
                                               a grant is role@connection/queue, e.g. operator@*/billing-*
                                               (role@queue: every connection); patterns take * and ?
  revoke-grants <email> [<connection/queue>...]
                                               remove the user's grants on those patterns (all without any)
  passwd <email> [--password <pw>]             set or generate a new password
  remove <email>                               remove a user
  token create --name <name> --role <role> [--grant <grant>]... [--expires-in 30d]
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
      grant: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  const role = (fallback?: string) => accessRoleSchema.parse(values.role ?? fallback);
  switch (command) {
    case 'list': {
      const users = await listUsers();
      if (users.length === 0) console.log('no users');
      for (const u of users) console.log(`${u.email.padEnd(40)} ${u.role.padEnd(9)} ${u.source}${grantsText(u.grants)}`);
      return;
    }
    case 'add': {
      const created = await addUser(ctx, { email: need(rest[0], 'email'), role: role('viewer'), password: values.password, grants: values.grant ? parseGrants(values.grant) : undefined });
      console.log(`added ${created.user.email} (${created.user.role})${grantsText(created.user.grants)}`);
      if (created.password) console.log(`password: ${created.password}`);
      return;
    }
    case 'set-role': {
      const { user } = await updateUser(ctx, { email: need(rest[0], 'email') }, { role: accessRoleSchema.parse(need(rest[1], 'role')) });
      console.log(`${user.email} is now ${user.role}`);
      return;
    }
    case 'grant': {
      const email = need(rest[0], 'email');
      const given = parseGrants(rest.slice(1));
      if (given.length === 0) need(undefined, 'grant (role@connection/queue)');
      const current = await knownUser(email);
      const target = (g: Grant) => `${g.connection}/${g.queue}`;
      const kept = (current.grants ?? []).filter((g) => !given.some((n) => target(n) === target(g)));
      const { user } = await updateUser(ctx, { email }, { grants: [...kept, ...given], ...(values.role ? { role: role() } : {}) });
      console.log(`${user.email} is ${user.role}${grantsText(user.grants)}`);
      return;
    }
    case 'revoke-grants': {
      const email = need(rest[0], 'email');
      const current = await knownUser(email);
      // "conn/queue" names a grant's patterns; "queue" alone means connection "*".
      const targets = rest.slice(1).map((t) => (t.includes('/') ? t : `*/${t}`));
      const unknown = targets.filter((t) => !(current.grants ?? []).some((g) => `${g.connection}/${g.queue}` === t));
      if (unknown.length) throw new Error(`${email} has no grant on ${unknown.join(', ')}${grantsText(current.grants)}`);
      const left = targets.length ? (current.grants ?? []).filter((g) => !targets.includes(`${g.connection}/${g.queue}`)) : [];
      const { user } = await updateUser(ctx, { email }, { grants: left, ...(values.role ? { role: role() } : {}) });
      console.log(`${user.email} is ${user.role}${grantsText(user.grants)}`);
      return;
    }
    case 'passwd': {
      const reset = await updateUser(ctx, { email: need(rest[0], 'email') }, values.password ? { password: values.password } : { resetPassword: true });
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
        const input = createTokenInput.safeParse({ name: need(values.name, '--name'), role: role(), grants: values.grant, expiresIn: values['expires-in'] });
        if (!input.success) throw invalidFromZod(input.error, 'token');
        const { token, record } = await issueApiToken(ctx, input.data);
        const expiry = record.expiresAt ? `, expires ${new Date(record.expiresAt).toISOString()}` : '';
        console.error(`created token "${record.name}" (${record.role}${grantsText(record.grants)}, id ${record.id}${expiry}); it is shown only once:`);
        console.log(token);
        return;
      }
      if (sub === 'list') {
        const when = (ms: number | null | undefined, none: string) => (ms ? new Date(ms).toISOString() : none);
        for (const t of await listApiTokens()) {
          const expiry = t.expiresAt && t.expiresAt <= Date.now() ? `EXPIRED ${when(t.expiresAt, '')}` : `expires ${when(t.expiresAt, 'never')}`;
          console.log(`${t.id}  ${t.name.padEnd(24)} ${t.role.padEnd(9)} ${t.hint}…  by ${t.createdBy}  ${expiry}  last used ${when(t.lastUsedAt, 'never')}${grantsText(t.grants)}`);
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

/** Grants in the short form, checked as the API checks them (an error names the grant and its part). */
function parseGrants(texts: string[]): Grant[] {
  const parsed = grantsInput.safeParse(texts);
  if (!parsed.success) throw invalidFromZod(parsed.error, 'grants', { prefix: ['grants'] });
  return parsed.data;
}

function grantsText(grants: Grant[] | undefined): string {
  return grants?.length ? `; grants: ${grants.map(describeGrant).join(', ')}` : '';
}

async function knownUser(email: string) {
  const user = await getUser(email);
  if (!user) throw new Error(`No user with email ${email}`);
  return user;
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
