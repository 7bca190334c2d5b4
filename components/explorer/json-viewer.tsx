'use client';
import { useState } from 'react';
import { cn } from '@/components/ui/cn';

const MAX_CHILDREN = 200;
const MAX_STRING = 2000;

/** Collapsible JSON tree. Every value is rendered as React text (never HTML). */
export function JsonTree({ value, defaultDepth = 2 }: { value: unknown; defaultDepth?: number }) {
  return (
    <div className="font-mono text-xs leading-5" data-testid="json-tree">
      <Node value={value} depth={0} defaultDepth={defaultDepth} />
    </div>
  );
}

function Node({ name, value, depth, defaultDepth }: { name?: string; value: unknown; depth: number; defaultDepth: number }) {
  const [open, setOpen] = useState(depth < defaultDepth);
  const [limit, setLimit] = useState(MAX_CHILDREN);
  const label = name !== undefined ? <span className="text-purple-700 dark:text-purple-300">{JSON.stringify(name)}: </span> : null;
  if (value === null || typeof value !== 'object') {
    return (
      <div className="pl-4 break-all whitespace-pre-wrap">
        {label}
        <Primitive value={value} />
      </div>
    );
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value as Record<string, unknown>);
  const [openBrace, closeBrace] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  return (
    <div className={cn(depth > 0 && 'pl-4')}>
      <button type="button" onClick={() => setOpen(!open)} className="text-left hover:bg-zinc-100 dark:hover:bg-zinc-800" aria-expanded={open}>
        <span aria-hidden className="inline-block w-3 text-zinc-400">
          {open ? '▾' : '▸'}
        </span>
        {label}
        {openBrace}
        {!open && (
          <span className="text-zinc-400">
            {' '}
            {entries.length} {Array.isArray(value) ? 'items' : 'keys'} {closeBrace}
          </span>
        )}
      </button>
      {open && (
        <>
          {entries.slice(0, limit).map(([k, v]) => (
            <Node key={k} name={Array.isArray(value) ? undefined : k} value={v} depth={depth + 1} defaultDepth={defaultDepth} />
          ))}
          {entries.length > limit && (
            <button type="button" className="pl-4 text-indigo-600 hover:underline" onClick={() => setLimit(limit + MAX_CHILDREN)}>
              show {Math.min(MAX_CHILDREN, entries.length - limit)} more of {entries.length - limit}
            </button>
          )}
          <div>{closeBrace}</div>
        </>
      )}
    </div>
  );
}

function Primitive({ value }: { value: unknown }) {
  const [full, setFull] = useState(false);
  if (typeof value === 'string') {
    const long = value.length > MAX_STRING && !full;
    return (
      <span className="text-emerald-700 dark:text-emerald-400">
        {JSON.stringify(long ? value.slice(0, MAX_STRING) : value)}
        {long && (
          <button type="button" className="ml-1 text-indigo-600 hover:underline" onClick={() => setFull(true)}>
            … {value.length - MAX_STRING} more characters
          </button>
        )}
      </span>
    );
  }
  if (typeof value === 'number') return <span className="text-sky-700 dark:text-sky-400">{String(value)}</span>;
  if (typeof value === 'boolean') return <span className="text-amber-700 dark:text-amber-400">{String(value)}</span>;
  return <span className="text-zinc-400">null</span>;
}
