'use client';
// "Columns": a small menu of checkboxes that hides a dense table's columns (TanStack Table's column
// visibility). Closes on Escape, on a click outside and on the button.
import { useEffect, useId, useRef, useState } from 'react';
import { Button } from './button';

export type ColumnChoice = { id: string; label: string; visible: boolean; setVisible: (visible: boolean) => void };

export function ColumnsMenu({ columns, onReset, note }: { columns: ColumnChoice[]; onReset: () => void; note?: string }) {
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panelId = useId();

  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      if (!box.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open]);

  const hidden = columns.filter((c) => !c.visible).length;
  return (
    <div ref={box} className="relative">
      <Button ref={button} size="sm" aria-expanded={open} aria-controls={panelId} onClick={() => setOpen(!open)}>
        Columns{hidden > 0 && <span className="text-zinc-500"> ({hidden} hidden)</span>}
      </Button>
      {open && (
        <div
          id={panelId}
          role="group"
          aria-label="Columns"
          className="absolute right-0 z-20 mt-1 w-64 rounded-md border border-zinc-200 bg-white p-2 text-sm shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
          onKeyDown={(event) => {
            if (event.key !== 'Escape') return;
            setOpen(false);
            button.current?.focus();
          }}
        >
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
        </div>
      )}
    </div>
  );
}
