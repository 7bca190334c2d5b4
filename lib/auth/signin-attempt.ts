// The credentials sign-in being handled, shared between the /api/auth route (which reserved its
// failure slot) and next-auth's authorize() (which checks the password), without trusting next-auth to
// pass anything along: an AsyncLocalStorage around the handler call.
import 'server-only';
import { AsyncLocalStorage } from 'node:async_hooks';

export type SigninAttempt = {
  /** The client address, or null when it cannot be known (see client-address.ts). */
  ip: string | null;
  /** The normalized email the route read from the body and charged the limit for. */
  email: string | undefined;
  /** Set by authorize(): the password was checked and was right / wrong. Unset: never checked. */
  outcome?: 'success' | 'failure';
  /** Set by authorize() when the password hashing queue was full: nothing was checked. */
  busy?: boolean;
};

// On globalThis: the route module and next-auth's options may be bundled into separate chunks.
const KEY = Symbol.for('drover.signin-attempt');
const holder = globalThis as unknown as Record<symbol, AsyncLocalStorage<SigninAttempt> | undefined>;
const storage = (holder[KEY] ??= new AsyncLocalStorage<SigninAttempt>());

export function runSigninAttempt<T>(attempt: SigninAttempt, fn: () => Promise<T>): Promise<T> {
  return storage.run(attempt, fn);
}

export function currentSigninAttempt(): SigninAttempt | undefined {
  return storage.getStore();
}
