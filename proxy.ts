// Coarse gate only: signed-out page requests go to /signin. Authorization happens in every page,
// route handler and server action through lib/auth/guard.ts.
import { NextResponse, type NextRequest } from 'next/server';
import { getToken } from 'next-auth/jwt';
import { getAuthSecret } from '@/lib/auth/secret';
import { contentSecurityPolicy } from '@/lib/security-headers';

const PUBLIC_PAGES = ['/signin'];

export async function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const headers = new Headers(request.headers);
  headers.set('x-drover-path', pathname + search);
  // A fresh nonce per page request: Next.js puts it on its own scripts, the layout on the theme script.
  const nonce = Buffer.from(crypto.randomUUID()).toString('base64');
  const csp = contentSecurityPolicy(nonce, { dev: process.env.NODE_ENV === 'development', https: (process.env.NEXTAUTH_URL ?? '').startsWith('https://') });
  headers.set('x-nonce', nonce);
  headers.set('Content-Security-Policy', csp);
  if (!PUBLIC_PAGES.includes(pathname)) {
    const token = await getToken({ req: request, secret: getAuthSecret() }).catch(() => null);
    if (!token) {
      const url = new URL('/signin', request.url);
      url.searchParams.set('callbackUrl', pathname + search);
      return NextResponse.redirect(url);
    }
  }
  const response = NextResponse.next({ request: { headers } });
  response.headers.set('Content-Security-Policy', csp);
  return response;
}

export const config = {
  // Pages only: API routes answer 401 JSON themselves; static assets need no session.
  matcher: ['/((?!api/|_next/|favicon.ico|robots.txt).*)'],
};
