import type { Role } from './roles';

/** Who is acting: a signed-in user, an API token, or the local CLI. */
export type Principal = {
  kind: 'session' | 'token' | 'cli';
  /** email for users, token id for tokens */
  id: string;
  /** what the audit log shows: the email, or "token:<name>" */
  name: string;
  role: Role;
  /** a signed-in user's session id (revocable: lib/auth/sessions.ts) */
  sessionId?: string;
};
