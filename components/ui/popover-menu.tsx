'use client';
// A button that opens a small panel under it (the tables' Columns and Add column menus): closes on
// Escape (focus back on the button), on a click outside and on the button again.
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { Button } from './button';
import { cn } from './cn';

export function PopoverMenu({
  label,
  title,
  panelClassName,
  onOpenChange,
  children,
}: {
  /** the button's content */
  label: ReactNode;
  /** the panel's accessible name */
  title: string;
  /** the panel's width, e.g. w-64 */
  panelClassName?: string;
  onOpenChange?: (open: boolean) => void;
  children: ReactNode;
}) {
  const [open, setOpenState] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panelId = useId();
  const setOpen = (next: boolean) => {
    setOpenState(next);
    onOpenChange?.(next);
  };

  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      if (!box.current?.contains(event.target as Node)) {
        setOpenState(false);
        onOpenChange?.(false);
      }
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open, onOpenChange]);

  return (
    <div ref={box} className="relative">
      <Button ref={button} size="sm" aria-expanded={open} aria-controls={panelId} onClick={() => setOpen(!open)}>
        {label}
      </Button>
      {open && (
        <div
          id={panelId}
          role="group"
          aria-label={title}
          className={cn('absolute right-0 z-20 mt-1 rounded-md border border-zinc-200 bg-white p-2 text-sm shadow-lg dark:border-zinc-700 dark:bg-zinc-900', panelClassName ?? 'w-64')}
          onKeyDown={(event) => {
            if (event.key !== 'Escape') return;
            setOpen(false);
            button.current?.focus();
          }}
        >
          {children}
        </div>
      )}
    </div>
  );
}
