'use client';
// "Columns": a small menu of checkboxes that hides a dense table's columns (TanStack Table's column
// visibility). Closes on Escape, on a click outside and on the button.
import { Button } from './button';
import { PopoverMenu } from './popover-menu';

export type ColumnChoice = { id: string; label: string; visible: boolean; setVisible: (visible: boolean) => void };

export function ColumnsMenu({ columns, onReset, note }: { columns: ColumnChoice[]; onReset: () => void; note?: string }) {
  const hidden = columns.filter((c) => !c.visible).length;
  return (
    <PopoverMenu label={<>Columns{hidden > 0 && <span className="text-zinc-500"> ({hidden} hidden)</span>}</>} title="Columns">
      {note && <p className="mb-1.5 text-xs text-zinc-500 dark:text-zinc-400">{note}</p>}
      <ul>
        {columns.map((c) => (
          <li key={c.id}>
            <label className="flex cursor-pointer items-center gap-2 rounded px-1 py-0.5 hover:bg-zinc-50 dark:hover:bg-zinc-800">
              <input type="checkbox" checked={c.visible} onChange={(event) => c.setVisible(event.target.checked)} />
              {c.label}
            </label>
          </li>
        ))}
      </ul>
      <Button size="sm" variant="ghost" className="mt-1" disabled={hidden === 0} onClick={onReset}>
        Show all
      </Button>
    </PopoverMenu>
  );
}
