// next-auth's handler, behind the sign-in limits: every POST body is capped (64 KB → 413) before it is
// read; a credentials sign-in is read once, the way next-auth reads it (ambiguous bodies → 400), and
// reserves a failure slot per client address and per account (10 / 15 min → 429) before its password
// is checked.
import NextAuth from 'next-auth';
import { NextRequest } from 'next/server';
import { authOptions } from '@/lib/auth/options';
import { rateLimitMessage, reserveSigninAttempt, settleSigninAttempt } from '@/lib/auth/signin-rate-limit';
import { AUTH_MAX_BODY_BYTES, parseSigninFields, readBodyBytes } from '@/lib/auth/signin-body';
import { runSigninAttempt, type SigninAttempt } from '@/lib/auth/signin-attempt';
import { clientAddress } from '@/lib/auth/client-address';
import { HashingBusyError } from '@/lib/auth/password';
import { emailSchema } from '@/lib/auth/user-schema';
import { toDroverError } from '@/lib/errors';
import { errorResponse } from '@/lib/api/api-route';
import { logger } from '@/lib/log';

type Context = { params: Promise<{ nextauth: string[] }> };

function handle(request: Request, context: Context) {
  return NextAuth(request as never, context as never, authOptions()) as Promise<Response>;
}

export async function GET(request: Request, context: Context) {
  const { nextauth } = await context.params;
  // next-auth answers 500 "not supported" here: say what is wrong instead.
  if (nextauth?.[0] === 'callback' && nextauth[1] === 'credentials') {
    return Response.json({ error: { code: 'invalid', message: 'Sign in with a POST' } }, { status: 405, headers: { Allow: 'POST', 'Cache-Control': 'no-store' } });
  }
  return handle(request, context);
}

let warnedNoAddress = false;
function warnNoAddressOnce() {
  if (warnedNoAddress) return;
  warnedNoAddress = true;
  logger.warn(
    { event: 'signin.no_client_address' },
    'client addresses are unknown (console not started through scripts/server.mjs and DROVER_TRUSTED_PROXIES unset): only the per-account sign-in limit applies',
  );
}

function refusal(status: number, code: string, message: string, retryAfterSeconds: number) {
  return Response.json(
    { error: { code, message }, url: `/signin?error=${status === 429 ? 'RateLimited' : 'Busy'}` },
    { status, headers: { 'Retry-After': String(retryAfterSeconds), 'Cache-Control': 'no-store' } },
  );
}

export async function POST(request: Request, context: Context) {
  const { nextauth } = await context.params;
  const isCredentials = nextauth?.[0] === 'callback' && nextauth[1] === 'credentials';
  let forwarded: NextRequest;
  let attempt: SigninAttempt | undefined;
  let reservation: Awaited<ReturnType<typeof reserveSigninAttempt>> | undefined;
  try {
    const bytes = await readBodyBytes(request, AUTH_MAX_BODY_BYTES);
    // next-auth reads the body again (and wants a NextRequest for nextUrl): hand it the same bytes.
    forwarded = new NextRequest(request.url, { method: request.method, headers: request.headers, body: bytes.byteLength ? bytes : undefined });
    if (isCredentials) {
      const fields = parseSigninFields(bytes, request.headers.get('content-type'));
      const email = emailSchema.safeParse(fields.email ?? '');
      attempt = { ip: clientAddress(request.headers), email: email.success ? email.data : undefined };
      if (attempt.ip === null) warnNoAddressOnce();
      reservation = await reserveSigninAttempt(attempt.ip, attempt.email);
      if (!reservation.allowed) return refusal(429, 'rate_limited', rateLimitMessage(reservation.retryAfterSeconds), reservation.retryAfterSeconds);
    }
  } catch (err) {
    return errorResponse(toDroverError(err));
  }
  if (!attempt || !reservation?.allowed) return handle(forwarded, context);

  const { reservation: held } = reservation;
  const current = attempt;
  let response: Response;
  try {
    response = await runSigninAttempt(current, () => handle(forwarded, context));
  } catch (err) {
    response = errorResponse(toDroverError(err));
  } finally {
    // Unchecked (bad CSRF token, hashing queue full, an error): give the slot back. Checked: success
    // clears the account's failures, a wrong password keeps its slot as the failure.
    const outcome = current.outcome ?? 'void';
    await settleSigninAttempt(held, outcome).catch((err) => logger.error({ event: 'signin.settle_failed', err: (err as Error).message }, 'could not settle a sign-in attempt'));
  }
  if (current.busy) {
    const busy = new HashingBusyError();
    return refusal(503, busy.code, busy.message, 5);
  }
  return response;
}
