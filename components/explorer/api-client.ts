'use client';
// Fetch helpers for /api/v1 with the API's error shape turned into readable errors.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fieldErrors?: Record<string, string[]>,
  ) {
    super(message);
  }
}

export async function fetchJson<T>(url: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { cache: 'no-store', ...init, headers: { accept: 'application/json', ...init?.headers } });
  } catch {
    throw new ApiError(0, 'network', 'The console server is unreachable. Retrying…');
  }
  if (res.status === 401 && typeof window !== 'undefined') {
    // A full load to the sign-in page: the session ended, cached data must go.
    // eslint-disable-next-line @next/next/no-location-assign-relative-destination
    window.location.assign(`/signin?callbackUrl=${encodeURIComponent(window.location.pathname + window.location.search)}`);
  }
  const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string; fieldErrors?: Record<string, string[]> } } | null;
  if (!res.ok) {
    throw new ApiError(res.status, body?.error?.code ?? 'http', body?.error?.message ?? `Request failed with status ${res.status}`, body?.error?.fieldErrors);
  }
  return body as T;
}
