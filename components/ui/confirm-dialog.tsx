'use client';
import { useState, type ReactNode } from 'react';
import { Dialog } from './dialog';
import { Button } from './button';
import { Input, Label } from './input';
import { confirmationMatches, typeToConfirmFor, type BlastRadius } from './confirm-rule';

/**
 * Confirmation for destructive actions: states exactly what will happen. Bulk actions pass their
 * `blastRadius` and the one rule (./confirm-rule.ts) decides whether a click is enough or the count
 * (or the queue name) must be typed first; `typeToConfirm` asks for a given word regardless (obliterate).
 */
export function ConfirmDialog({
  open,
  onClose,
  onConfirm,
  title,
  children,
  confirmLabel,
  typeToConfirm: typeToConfirmWord,
  blastRadius,
  danger = true,
  busy = false,
  disabled = false,
}: {
  open: boolean;
  onClose: () => void;
  onConfirm: () => void;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  typeToConfirm?: string;
  /** how many jobs or dead letters a bulk action touches (and the queue, for whole-queue actions) */
  blastRadius?: BlastRadius;
  danger?: boolean;
  busy?: boolean;
  /** not ready to confirm yet (a count still running), without the busy label */
  disabled?: boolean;
}) {
  const [typed, setTyped] = useState('');
  const typeToConfirm = typeToConfirmWord ?? (blastRadius ? typeToConfirmFor(blastRadius) : undefined);
  const locked = typeToConfirm !== undefined && !confirmationMatches(typeToConfirm, typed);
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
          disabled={locked || busy || disabled}
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
