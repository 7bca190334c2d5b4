'use client';
// The job lists' "Columns" menu. It sits in the list's toolbar, away from the table: both read and write
// the same remembered choice (useStoredColumnVisibility), so a change shows in the table at once.
import { ColumnsMenu } from '@/components/ui/columns-menu';
import { useStoredColumnVisibility } from '@/components/ui/use-stored-column-visibility';
import { jobColumns, jobColumnsKey, type JobColumnMeta } from './jobs-columns';
import type { JobsView } from './job-column-fit';

export function JobColumnsMenu({ view, userKey }: { view: JobsView; userKey: string }) {
  const { columnVisibility, onColumnVisibilityChange, showAll } = useStoredColumnVisibility(jobColumnsKey(userKey));
  return (
    <ColumnsMenu
      note="Columns show in the order this list needs them as the table has room; hiding one gives its room to the next."
      columns={jobColumns(view, false)
        .filter((column) => column.enableHiding !== false)
        .map((column) => {
          const id = column.id!;
          return {
            id,
            label: (column.meta as JobColumnMeta).label,
            visible: columnVisibility[id] !== false,
            setVisible: (visible: boolean) => onColumnVisibilityChange((old) => ({ ...old, [id]: visible })),
          };
        })}
      onReset={showAll}
    />
  );
}
