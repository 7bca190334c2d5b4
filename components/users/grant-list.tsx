import type { Grant } from '@/lib/auth/scope';

/** A user's or token's grants in the short form, one chip each (role@connection/queue). */
export function GrantList({ grants }: { grants?: Grant[] }) {
  if (!grants?.length) return <span className="text-xs text-zinc-400">everywhere</span>;
  return (
    <ul className="flex max-w-md flex-wrap gap-1" aria-label="Grants">
      {grants.map((g, i) => (
        <li key={i} className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-[11px] text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300" title={`${g.role} on connection ${g.connection}, queue ${g.queue}`}>
          {grantText(g)}
        </li>
      ))}
    </ul>
  );
}

export function grantText(g: Grant): string {
  return `${g.role}@${g.connection}/${g.queue}`;
}
