import { Link } from '@/components/ui/link';
import type { DroverError } from '@/lib/errors';

/** A page-level error that says what went wrong (unknown queue, job gone, a store down) instead of a crash. */
export function PageError({ error, backHref = '/', backLabel = 'Back to the overview' }: { error: DroverError; backHref?: string; backLabel?: string }) {
  // The message names its store ("PostgreSQL connection … is unreachable", a statement time-out, …).
  const store = error.message.startsWith('PostgreSQL') ? 'PostgreSQL' : 'Redis';
  const title =
    error.code === 'not_found'
      ? 'Not found'
      : error.code === 'unavailable'
        ? /unreachable/.test(error.message)
          ? `${store} is unreachable`
          : `${store} is unavailable`
        : 'Something went wrong';
  return (
    <div role="alert" className="mx-auto max-w-xl rounded-md border border-zinc-200 bg-white p-6 dark:border-zinc-800 dark:bg-zinc-900">
      <h1 className="text-base font-semibold">{title}</h1>
      <p className="mt-2 text-sm text-zinc-700 dark:text-zinc-300" data-testid="page-error">
        {error.message}
      </p>
      {error.code === 'unavailable' && <p className="mt-2 text-xs text-zinc-500">This page reloads fine once {store} answers again.</p>}
      <Link href={backHref} className="mt-4 inline-block text-sm text-indigo-600 hover:underline">
        {backLabel}
      </Link>
    </div>
  );
}
