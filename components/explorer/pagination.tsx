'use client';
import { Link } from '@/components/ui/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { formatExact } from './format';

export function Pagination({ page, size, total, hasNext, hrefFor }: { page: number; size: number; total: number | null; hasNext: boolean; hrefFor: (page: number) => string }) {
  const router = useRouter();
  const pages = total !== null ? Math.max(1, Math.ceil(total / size)) : null;
  const [jump, setJump] = useState('');
  const link = 'rounded border border-zinc-300 px-2 py-1 hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-800';
  const disabled = 'rounded border border-zinc-200 px-2 py-1 text-zinc-300 dark:border-zinc-800 dark:text-zinc-600';
  return (
    <nav aria-label="Pagination" className="flex flex-wrap items-center gap-2 text-sm">
      {page > 1 ? (
        <>
          <Link href={hrefFor(1)} className={link} aria-label="First page">
            «
          </Link>
          <Link href={hrefFor(page - 1)} className={link} rel="prev" aria-label="Previous page">
            ‹ Prev
          </Link>
        </>
      ) : (
        <span className={disabled}>‹ Prev</span>
      )}
      <span className="text-zinc-600 dark:text-zinc-400" data-testid="page-indicator">
        Page {formatExact(page)}
        {pages !== null && ` of ${formatExact(pages)}`}
      </span>
      {hasNext ? (
        <>
          <Link href={hrefFor(page + 1)} className={link} rel="next" aria-label="Next page">
            Next ›
          </Link>
          {pages !== null && (
            <Link href={hrefFor(pages)} className={link} aria-label="Last page">
              »
            </Link>
          )}
        </>
      ) : (
        <span className={disabled}>Next ›</span>
      )}
      {pages !== null && pages > 2 && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const n = Math.min(pages, Math.max(1, Number(jump) || 1));
            router.push(hrefFor(n));
          }}
          className="flex items-center gap-1"
        >
          <label htmlFor="jump-page" className="text-xs text-zinc-500">
            Go to
          </label>
          <input
            id="jump-page"
            inputMode="numeric"
            value={jump}
            onChange={(e) => setJump(e.target.value.replace(/\D/g, ''))}
            className="h-7 w-20 rounded border border-zinc-300 bg-transparent px-1.5 text-xs dark:border-zinc-700"
          />
        </form>
      )}
    </nav>
  );
}
