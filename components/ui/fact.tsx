import type { ReactNode } from 'react';

/** One label/value pair of a fact list (`<dl>`), as on the job and dead-letter pages. */
export function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-zinc-500">{label}</dt>
      <dd className="text-sm">{children}</dd>
    </div>
  );
}
