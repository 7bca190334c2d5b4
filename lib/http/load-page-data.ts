import 'server-only';
import { toDroverError, type DroverError } from '@/lib/errors';

/** Page data or a domain error to show (unknown queue, job gone, Redis down); unexpected errors rethrow. */
export async function loadPageData<T>(load: () => Promise<T>, connection?: string): Promise<{ ok: true; data: T } | { ok: false; error: DroverError }> {
  try {
    return { ok: true, data: await load() };
  } catch (err) {
    const error = toDroverError(err, connection);
    if (error.code === 'internal') throw err;
    return { ok: false, error };
  }
}
