import type { AccessRole as Role } from './scope';

declare module 'next-auth' {
  interface Session {
    user: { email: string; name?: string | null; role: Role };
    /** The server-side session id (lib/auth/sessions.ts); known to the cookie's holder only. */
    sid?: string;
  }
  interface User {
    role?: Role;
  }
}

declare module 'next-auth/jwt' {
  interface JWT {
    role?: Role;
    sid?: string;
  }
}
