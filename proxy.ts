// Coarse gate only: signed-out page requests go to /signin. Authorization happens in every page,
// route handler and server action through lib/auth/guard.ts.
import { NextResponse, type NextRequest } from 'next/server';
import { getToken } from 'next-auth/jwt';
import { getAuthSecret } from '@/lib/auth/secret';

const PUBLIC_PAGES = ['/signin'];

export async function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const headers = new Headers(request.headers);
  headers.set('x-drover-path', pathname + search);
  if (!PUBLIC_PAGES.includes(pathname)) {
    const token = await getToken({ req: request, secret: getAuthSecret() }).catch(() => null);
    if (!token) {
      const url = new URL('/signin', request.url);
      url.searchParams.set('callbackUrl', pathname + search);
      return NextResponse.redirect(url);
    }
  }
  return NextResponse.next({ request: { headers } });
}

export const config = {
  // Pages only: API routes answer 401 JSON themselves; static assets need no session.
  matcher: ['/((?!api/|_next/|favicon.ico|robots.txt).*)'],
};
