// next-auth configuration: credentials (+ optional OIDC), JWT sessions carrying the user's role.
import 'server-only';
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { getAuthSecret } from './secret';
import { upsertOidcUser, verifyCredentials, getUser } from './users';
import { applySsoGroups } from './sso-sign-in';
import { emailSchema } from './user-schema';
import { currentSigninAttempt } from './signin-attempt';
import { HashingBusyError } from './password';
import { newSessionId, registerSession, revokeSession } from './sessions';
import { safeRedirectUrl } from './safe-callback';
import { logger } from '@/lib/log';
import { nextAuthLogger } from './next-auth-logger';

export const SESSION_MAX_AGE_SECONDS = 7 * 24 * 60 * 60;

export function oidcConfigured(): boolean {
  return Boolean(process.env.OIDC_ISSUER && process.env.OIDC_CLIENT_ID && process.env.OIDC_CLIENT_SECRET);
}

export function oidcDisplayName(): string {
  return process.env.OIDC_NAME || 'single sign-on';
}

function oidcProvider(): NextAuthOptions['providers'][number] {
  const issuer = process.env.OIDC_ISSUER!.replace(/\/$/, '');
  return {
    id: 'oidc',
    name: oidcDisplayName(),
    type: 'oauth',
    wellKnown: `${issuer}/.well-known/openid-configuration`,
    clientId: process.env.OIDC_CLIENT_ID,
    clientSecret: process.env.OIDC_CLIENT_SECRET,
    authorization: { params: { scope: 'openid email profile' } },
    idToken: true,
    checks: ['pkce', 'state'],
    profile(profile: { sub: string; email?: string; name?: string }) {
      return { id: profile.sub, email: profile.email ?? null, name: profile.name ?? null };
    },
  };
}

let cached: NextAuthOptions | undefined;

export function authOptions(): NextAuthOptions {
  cached ??= {
    secret: getAuthSecret(),
    logger: nextAuthLogger(logger),
    session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: '/signin', error: '/signin' },
    providers: [
      CredentialsProvider({
        id: 'credentials',
        name: 'Email and password',
        credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
        async authorize(credentials) {
          // The /api/auth route reserved this attempt's failure slot for the email it read from the
          // body; any other way in (there is none today) or another email is refused unchecked.
          const attempt = currentSigninAttempt();
          if (!attempt) {
            logger.error({ event: 'signin.unlimited' }, 'credentials sign-in outside the rate-limited route refused');
            return null;
          }
          const parsed = emailSchema.safeParse(credentials?.email ?? '');
          const email = parsed.success ? parsed.data : undefined;
          const password = credentials?.password ?? '';
          if (email !== attempt.email) {
            attempt.outcome = 'failure';
            logger.error({ event: 'signin.email_mismatch', ip: attempt.ip }, 'sign-in body read two ways; refused');
            return null;
          }
          let user = null;
          try {
            user = email && password ? await verifyCredentials(email, password) : null;
          } catch (err) {
            if (!(err instanceof HashingBusyError)) throw err;
            attempt.busy = true;
            return null;
          }
          if (!user) {
            attempt.outcome = 'failure';
            logger.warn({ event: 'signin.failed', email, ip: attempt.ip }, 'sign-in failed');
            return null;
          }
          attempt.outcome = 'success';
          logger.info({ event: 'signin.ok', email: user.email, ip: attempt.ip }, 'signed in');
          return { id: user.email, email: user.email, name: user.name ?? null, role: user.role };
        },
      }),
      ...(oidcConfigured() ? [oidcProvider()] : []),
    ],
    callbacks: {
      async signIn({ user, account, profile }) {
        if (account?.provider !== 'oidc') return true;
        if (!user.email) return '/signin?error=OidcNoEmail';
        // An unverified email claim could name any existing account: refuse it (OIDC_TRUST_EMAIL=1
        // for providers that vouch for every email without sending email_verified).
        const verified = (profile as { email_verified?: unknown } | undefined)?.email_verified;
        if (verified !== true && verified !== 'true' && process.env.OIDC_TRUST_EMAIL !== '1') return '/signin?error=OidcUnverifiedEmail';
        const record = await upsertOidcUser(user.email, user.name ?? undefined);
        // Never sign in to a password account through single sign-on: that would hand its role to
        // whoever controls the identity provider's account with the same email.
        if (record.source !== 'oidc') return '/signin?error=OidcLocalAccount';
        // The provider's groups set the global role and grants at every sign-in (config file `sso`).
        const current = await applySsoGroups(record, profile as Record<string, unknown> | undefined);
        user.role = current.role;
        return true;
      },
      async jwt({ token, user }) {
        if (user?.email) {
          token.email = user.email.toLowerCase();
          token.role = user.role ?? (await getUser(user.email))?.role ?? 'viewer';
          // A new session id per sign-in, registered server-side: the guard accepts the JWT only
          // while it is registered (lib/auth/sessions.ts).
          token.sid = newSessionId();
          await registerSession(token.email, token.sid, SESSION_MAX_AGE_SECONDS * 1000);
        }
        return token;
      },
      async session({ session, token }) {
        session.user = { email: String(token.email ?? ''), name: token.name ?? null, role: token.role ?? 'viewer' };
        session.sid = token.sid;
        return session;
      },
      // Every redirect after sign-in/out stays on this origin, whatever callbackUrl said.
      async redirect({ url, baseUrl }) {
        return safeRedirectUrl(url, baseUrl);
      },
    },
    events: {
      // Sign-out ends this session server-side too: a copy of the cookie stops working at once.
      async signOut({ token }) {
        if (token?.email && token.sid) await revokeSession(String(token.email), token.sid);
      },
    },
  };
  return cached;
}
