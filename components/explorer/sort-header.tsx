'use client';
import { cn } from '@/components/ui/cn';

export function SortHeader({
  label,
  column,
  sort,
  dir,
  onSort,
  className,
  title,
}: {
  label: string;
  column: string;
  sort: string;
  dir: 'asc' | 'desc';
  onSort: (column: string) => void;
  className?: string;
  title?: string;
}) {
  const active = sort === column;
  return (
    <th
      scope="col"
      aria-sort={active ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'}
      className={cn('px-3 py-2 font-medium whitespace-nowrap', className)}
      title={title}
    >
      <button type="button" onClick={() => onSort(column)} className="inline-flex items-center gap-1 uppercase hover:text-zinc-900 dark:hover:text-zinc-100">
        {label}
        <span aria-hidden className={cn('text-[10px]', !active && 'opacity-0')}>
          {dir === 'asc' ? '▲' : '▼'}
        </span>
      </button>
    </th>
  );
}
