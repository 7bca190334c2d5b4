'use client';
// A job's links out (rendered on the server from its connection's and queue's templates) as buttons that
// open in a new tab, and its OpenTelemetry trace id with a copy button. Nothing of the job's data is
// rendered as HTML here: hrefs were built from encoded values, labels are text.
import { missingReason, type RenderedLink } from '@/lib/links/render-links';
import type { TraceContext } from '@/lib/links/trace-context';
import { Button } from '@/components/ui/button';
import { useToast } from '@/components/ui/toast';

const LINK_CLASS =
  'inline-flex h-7 items-center rounded-md border border-zinc-300 bg-white px-2 text-xs font-medium text-zinc-800 hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:bg-zinc-800';

export function JobLinks({ links }: { links: RenderedLink[] }) {
  if (links.length === 0) return null;
  return (
    <nav aria-label="Links out" className="flex flex-wrap items-center gap-2" data-testid="job-links">
      {links.map((link, i) =>
        link.href ? (
          <a key={i} className={LINK_CLASS} href={link.href} target="_blank" rel="noopener noreferrer">
            {link.label} ↗
          </a>
        ) : (
          <span key={i} className={`${LINK_CLASS} cursor-not-allowed opacity-50`} aria-disabled="true" title={missingReason(link)}>
            {link.label}
          </span>
        ),
      )}
    </nav>
  );
}

export function TraceId({ trace }: { trace: TraceContext }) {
  const toast = useToast();
  return (
    <span className="inline-flex items-center gap-1">
      <span className="font-mono text-xs break-all" data-testid="trace-id" title={`span ${trace.spanId}`}>
        {trace.traceId}
      </span>
      <Button size="sm" variant="ghost" aria-label="Copy trace id" onClick={() => navigator.clipboard?.writeText(trace.traceId).then(() => toast.info('Trace id copied'))}>
        Copy
      </Button>
    </span>
  );
}
