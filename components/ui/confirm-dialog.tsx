'use client';
import { useState, type ReactNode } from 'react';
import { Dialog } from './dialog';
import { Button } from './button';
import { Input, Label } from './input';

/**
 * Confirmation for destructive actions: states exactly what will happen; optionally the user must
 * type a word (e.g. the queue name) before the button unlocks.
 */
export function ConfirmDialog({
  open,
  onClose,
  onConfirm,
  title,
  children,
  confirmLabel,
  typeToConfirm,
  danger = true,
  busy = false,
}: {
  open: boolean;
  onClose: () => void;
  onConfirm: () => void;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  typeToConfirm?: string;
  danger?: boolean;
  busy?: boolean;
}) {
  const [typed, setTyped] = useState('');
  const locked = typeToConfirm !== undefined && typed !== typeToConfirm;
  return (
    <Dialog
      open={open}
      onClose={() => {
        setTyped('');
        onClose();
      }}
      title={title}
    >
      <div className="space-y-3 text-sm text-zinc-700 dark:text-zinc-300">{children}</div>
      {typeToConfirm !== undefined && (
        <div className="mt-4">
          <Label htmlFor="confirm-input">
            Type <span className="font-mono font-semibold text-zinc-900 dark:text-zinc-100">{typeToConfirm}</span> to confirm
          </Label>
          <Input id="confirm-input" autoFocus value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />
        </div>
      )}
      <div className="mt-5 flex justify-end gap-2">
        <Button onClick={() => { setTyped(''); onClose(); }}>Cancel</Button>
        <Button
          variant={danger ? 'danger' : 'primary'}
          disabled={locked || busy}
          onClick={() => {
            setTyped('');
            onConfirm();
          }}
        >
          {busy ? 'Working…' : confirmLabel}
        </Button>
      </div>
    </Dialog>
  );
}

/**
 * A confirmation about one item (a token to revoke, a user to remove): open while `target` is set;
 * confirming closes it and acts on that item.
 */
export function ConfirmFor<T>({ target, onClose, act, ...rest }: { target: T | null; onClose: () => void; act: (target: T) => void } & Omit<Parameters<typeof ConfirmDialog>[0], 'open' | 'onClose' | 'onConfirm'>) {
  return (
    <ConfirmDialog
      {...rest}
      open={target !== null}
      onClose={onClose}
      onConfirm={() => {
        const item = target!;
        onClose();
        act(item);
      }}
    />
  );
}
