'use client';
import { cn } from '@/components/ui/cn';

/** A column header that sorts by its column: aria-sort says how the table is sorted now. */
export function SortHeader({
  label,
  sorted,
  onSort,
  className,
  title,
  column,
}: {
  label: string;
  /** how the table is sorted by this column now */
  sorted: false | 'asc' | 'desc';
  onSort: () => void;
  className?: string;
  title?: string;
  /** data-col, for the column fit's container queries */
  column?: string;
}) {
  return (
    <th
      scope="col"
      data-col={column}
      aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}
      className={cn('px-3 py-2 font-medium whitespace-nowrap', className)}
      title={title}
    >
      <button type="button" onClick={onSort} className="inline-flex items-center gap-1 uppercase hover:text-zinc-900 dark:hover:text-zinc-100">
        {label}
        {/* unsorted: kept, invisible, so the header's width does not jump */}
        <span aria-hidden className={cn('text-[10px]', !sorted && 'opacity-0')}>
          {sorted === 'asc' ? '▲' : '▼'}
        </span>
      </button>
    </th>
  );
}
