// next-auth's handler, with the sign-in rate limit (10 failures / 15 min per IP and per account → 429) in front.
import NextAuth from 'next-auth';
import { authOptions } from '@/lib/auth/options';
import { acquireSigninSlot, checkSigninAllowed, clientIp, rateLimitMessage } from '@/lib/auth/signin-rate-limit';
import { emailSchema } from '@/lib/auth/user-schema';
import { toDroverError } from '@/lib/errors';
import { errorResponse } from '@/lib/http/api-route';

type Context = { params: Promise<{ nextauth: string[] }> };

function handle(request: Request, context: Context) {
  return NextAuth(request as never, context as never, authOptions()) as Promise<Response>;
}

export async function GET(request: Request, context: Context) {
  return handle(request, context);
}

function tooMany(message: string, retryAfterSeconds: number) {
  return Response.json(
    { error: { code: 'rate_limited', message }, url: '/signin?error=RateLimited' },
    { status: 429, headers: { 'Retry-After': String(retryAfterSeconds), 'Cache-Control': 'no-store' } },
  );
}

export async function POST(request: Request, context: Context) {
  const { nextauth } = await context.params;
  if (nextauth?.[0] !== 'callback' || nextauth[1] !== 'credentials') return handle(request, context);
  let release: (() => Promise<void>) | null = null;
  try {
    const form = new URLSearchParams(await request.clone().text());
    const email = emailSchema.safeParse(form.get('email') ?? '');
    const limit = await checkSigninAllowed(clientIp(request.headers), email.success ? email.data : undefined);
    if (!limit.allowed) return tooMany(rateLimitMessage(limit.retryAfterSeconds), limit.retryAfterSeconds);
    if (email.success) {
      release = await acquireSigninSlot(email.data);
      if (!release) return tooMany('Another sign-in for this account is being checked. Try again in a moment.', 1);
    }
  } catch (err) {
    return errorResponse(toDroverError(err));
  }
  try {
    return await handle(request, context);
  } finally {
    await release?.().catch(() => {});
  }
}
