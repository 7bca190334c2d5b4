'use client';
// Formatted JSON, virtualized: only the lines in view (and a margin) are in the DOM, every line one
// fixed height, so a 4 MB value costs the DOM of a small one. Objects and arrays fold. Every piece of
// job text is rendered as React text, never HTML.
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import { foldEverything, lineKey, lineValue, lineValueLength, rowWindow, visibleLines, type JsonLines } from './json-lines';

/** px, Tailwind's h-5: visible line k sits at k * LINE_HEIGHT. */
const LINE_HEIGHT = 20;
const OVERSCAN = 30;
/** The scroll box's height (max-h-[30rem]) before it is measured. */
const VIEW_HEIGHT = 480;
/** Longer values show this much and a button for the rest (a 4 MB string is one line). */
const LINE_CHARS = 2_000;
/** Levels indented at most; deeper lines say their depth instead of moving out of reach. */
const MAX_INDENT = 40;

export function JsonLinesView({ lines, label }: { lines: JsonLines; label: string }) {
  // Folds and lines shown in full belong to one text: a new text (refetched, or more of it) starts afresh.
  const [marks, setMarks] = useState(() => unmarked(lines));
  const current = marks.lines === lines ? marks : unmarked(lines);
  const { folded, fullLines } = current;
  const setFolded = (next: Uint8Array) => setMarks({ ...current, folded: next });
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(VIEW_HEIGHT);
  const scroller = useRef<HTMLDivElement>(null);
  const shown = useMemo(() => visibleLines(lines, folded), [lines, folded]);
  const foldable = useMemo(() => lines.foldEnd.some((end, i) => end > i), [lines]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () => setViewport(el.clientHeight || VIEW_HEIGHT);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const toggle = (i: number) => {
    const next = folded.slice();
    next[i] = folded[i] ? 0 : 1;
    setFolded(next);
  };
  const [first, last] = rowWindow(scrollTop, viewport, shown.length, LINE_HEIGHT, OVERSCAN);
  const gutter = `${String(lines.count).length + 1}ch`;
  const rows = [];
  for (let k = first; k < last; k++) {
    const i = shown[k];
    rows.push(
      <Line
        key={i}
        lines={lines}
        i={i}
        folded={folded[i] === 1}
        full={fullLines.has(i)}
        gutter={gutter}
        onToggle={toggle}
        onShowAll={(line) => setMarks({ ...current, fullLines: new Set(fullLines).add(line) })}
      />,
    );
  }

  return (
    <div data-testid="json-lines">
      <div className="flex items-center gap-1 border-b border-zinc-200 px-3 py-1 text-xs text-zinc-500 dark:border-zinc-800">
        <span data-testid="json-line-count">{lines.count.toLocaleString('en-US')} lines</span>
        {foldable && (
          <>
            <Button size="sm" variant="ghost" className="ml-auto" onClick={() => setFolded(new Uint8Array(lines.count))}>
              Expand all
            </Button>
            <Button
              size="sm"
              variant="ghost"
              onClick={() => {
                setFolded(foldEverything(lines));
                scroller.current?.scrollTo({ top: 0 });
              }}
            >
              Collapse all
            </Button>
          </>
        )}
      </div>
      <div
        ref={scroller}
        role="region"
        aria-label={label}
        tabIndex={0}
        className="max-h-[30rem] overflow-auto font-mono text-xs leading-5"
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
        data-testid="json-lines-scroller"
      >
        <div className="relative w-max min-w-full" style={{ height: shown.length * LINE_HEIGHT }}>
          <div className="absolute inset-x-0 top-0" style={{ transform: `translateY(${first * LINE_HEIGHT}px)` }}>
            {rows}
          </div>
        </div>
      </div>
    </div>
  );
}

function unmarked(lines: JsonLines): { lines: JsonLines; folded: Uint8Array; fullLines: ReadonlySet<number> } {
  return { lines, folded: new Uint8Array(lines.count), fullLines: new Set() };
}

function Line({
  lines,
  i,
  folded,
  full,
  gutter,
  onToggle,
  onShowAll,
}: {
  lines: JsonLines;
  i: number;
  folded: boolean;
  full: boolean;
  gutter: string;
  onToggle: (i: number) => void;
  onShowAll: (i: number) => void;
}) {
  const end = lines.foldEnd[i];
  const opens = end > i;
  const fullKey = lineKey(lines, i);
  const key = fullKey.length > LINE_CHARS ? `${fullKey.slice(0, LINE_CHARS)}…` : fullKey;
  const value = lineValue(lines, i, full ? Infinity : LINE_CHARS);
  const more = lineValueLength(lines, i) - value.length;
  const isNote = i === lines.endNote;
  return (
    <div className="flex h-5 whitespace-pre" data-testid="json-line" data-line={i + 1}>
      <span className="sticky left-0 shrink-0 bg-white pr-1 text-right text-zinc-400 select-none dark:bg-zinc-950" style={{ width: gutter }}>
        {i + 1}
      </span>
      <span className="sticky shrink-0 bg-white select-none dark:bg-zinc-950" style={{ left: gutter }}>
        {opens ? (
          <button
            type="button"
            className="inline-block w-4 text-zinc-500 hover:bg-zinc-100 dark:hover:bg-zinc-800"
            aria-expanded={!folded}
            aria-label={`${folded ? 'Unfold' : 'Fold'} line ${i + 1}`}
            onClick={() => onToggle(i)}
          >
            {folded ? '▸' : '▾'}
          </button>
        ) : (
          <span className="inline-block w-4" />
        )}
      </span>
      <span className="pr-3" data-testid="json-text" style={{ paddingLeft: `${Math.min(lines.depth[i], MAX_INDENT) * 2}ch` }}>
        {lines.depth[i] > MAX_INDENT && <span className="mr-1 text-zinc-400" title="nesting depth">⋯{lines.depth[i]}</span>}
        {key !== '' && <span className="text-purple-700 dark:text-purple-300">{key}: </span>}
        <span className={isNote ? 'text-amber-600 italic' : valueColour(value)}>{value}</span>
        {more > 0 && (
          <button type="button" className="ml-1 text-indigo-600 hover:underline" onClick={() => onShowAll(i)}>
            … {more.toLocaleString('en-US')} more characters
          </button>
        )}
        {folded && <FoldSummary lines={lines} open={i} end={end} />}
        {!folded && lines.comma[i] === 1 && ','}
      </span>
    </div>
  );
}

/** What a folded line stands for: `{ … 3 keys },` or, for a value the text leaves open, `[ … 120 items, truncated`. */
function FoldSummary({ lines, open, end }: { lines: JsonLines; open: number; end: number }) {
  const n = lines.items[open];
  const isObject = lines.source.charCodeAt(lines.valueStart[open]) === 123;
  const what = `${n.toLocaleString('en-US')} ${isObject ? (n === 1 ? 'key' : 'keys') : n === 1 ? 'item' : 'items'}`;
  if (end === lines.endNote) {
    return <span className="text-zinc-400">
        {` ${what} seen ${lines.endNoteText}`}
      </span>;
  }
  return (
    <>
      <span className="text-zinc-400"> {what} </span>
      {lineValue(lines, end)}
      {lines.comma[end] === 1 && ','}
    </>
  );
}

function valueColour(value: string): string | undefined {
  const c = value.charCodeAt(0);
  if (c === 34) return 'text-emerald-700 dark:text-emerald-400';
  if (c === 45 || (c >= 48 && c <= 57)) return 'text-sky-700 dark:text-sky-400';
  if (value === 'true' || value === 'false') return 'text-amber-700 dark:text-amber-400';
  if (value === 'null') return 'text-zinc-400';
  return undefined;
}
