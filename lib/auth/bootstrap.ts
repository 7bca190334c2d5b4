// First admin at start: DROVER_ADMIN_EMAIL + DROVER_ADMIN_PASSWORD, or admin@localhost with a printed random password.
import 'server-only';
import { countUsers, createUser, upsertAdmin } from './users';
import { generatePassword } from './password';

export type BootstrapResult =
  | { kind: 'env-admin'; email: string; change: 'created' | 'updated' }
  | { kind: 'generated-admin'; email: string; password: string }
  | { kind: 'none' };

export const DEFAULT_ADMIN_EMAIL = 'admin@localhost';

export async function bootstrapAdmin(env: Record<string, string | undefined> = process.env): Promise<BootstrapResult> {
  const email = env.DROVER_ADMIN_EMAIL?.trim();
  const password = env.DROVER_ADMIN_PASSWORD;
  if (email || password) {
    if (!email || !password) {
      throw new Error('Set both DROVER_ADMIN_EMAIL and DROVER_ADMIN_PASSWORD, or neither');
    }
    return { kind: 'env-admin', email: email.toLowerCase(), change: await upsertAdmin(email, password) };
  }
  if ((await countUsers()) > 0) return { kind: 'none' };
  const generated = generatePassword();
  await createUser({ email: DEFAULT_ADMIN_EMAIL, password: generated, role: 'admin' });
  return { kind: 'generated-admin', email: DEFAULT_ADMIN_EMAIL, password: generated };
}
