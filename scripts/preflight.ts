// Run by start.mjs before the console starts: `check-config` validates configuration (exit 1 naming
// the bad field), `bootstrap` creates the first admin and the auth secret.
import { readConfig, ConfigError } from '@/lib/config/load-config';
import { describeEndpoint } from '@/lib/config/redact';
import { getAuthSecret } from '@/lib/auth/secret';
import { bootstrapAdmin } from '@/lib/auth/bootstrap';
import { parseTrustedProxies } from '@/lib/auth/client-address';
import { closeAllConnections } from '@/lib/redis/connections';
import { parseEgressAllow } from '@/lib/egress/policy';
import { assertConfiguredWithhold } from '@/lib/permissions/check-config';

async function main(command: string | undefined): Promise<void> {
  if (command === 'check-config') {
    const { config, source, file } = readConfig();
    // Fails the start with a message naming the bad entry, rather than every sign-in later.
    parseTrustedProxies(process.env.DROVER_TRUSTED_PROXIES);
    // A bad DROVER_EGRESS_ALLOW stops the start here, naming the entry, not at the first webhook.
    parseEgressAllow(process.env.DROVER_EGRESS_ALLOW);
    // An operation the file withholds must exist (and may be withheld): checked here, naming the file.
    assertConfiguredWithhold(config.permissions?.withhold ?? {}, file ?? source);
    process.stdout.write(
      JSON.stringify({
        source,
        file,
        connections: config.connections.map((c) => ({ name: c.name, endpoint: describeEndpoint(c.url), prefix: c.prefix, readOnly: c.readOnly })),
      }),
    );
    return;
  }
  if (command === 'bootstrap') {
    getAuthSecret();
    const result = await bootstrapAdmin();
    if (result.kind === 'generated-admin') {
      const line = '─'.repeat(64);
      console.log(`\n${line}\n First run: created admin user\n   email:    ${result.email}\n   password: ${result.password}\n This password is shown on this first start only. After signing in, change it under Users & tokens → Change your password.\n${line}\n`);
    } else if (result.kind === 'env-admin') {
      console.log(`[drover] admin ${result.email} ${result.change} from DROVER_ADMIN_EMAIL`);
    }
    await closeAllConnections();
    return;
  }
  throw new Error(`unknown preflight command ${command}`);
}

main(process.argv[2]).catch((err) => {
  if (err instanceof ConfigError) console.error(`[drover] ${err.message}`);
  else console.error(`[drover] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
