import type { JobKindSchemaSummary } from '@/lib/job-kinds/registry';

/** The data fields a bundled job kind expects, shown next to a data editor. */
export function KindSchemaSummary({ schema, when, testId }: { schema: JobKindSchemaSummary; when: string; testId: string }) {
  return (
    <div className="rounded-md bg-zinc-50 p-2 text-xs dark:bg-zinc-950" data-testid={testId}>
      <p className="mb-1 font-medium">
        Data schema of “{schema.kind}” ({when})
      </p>
      <ul className="grid gap-x-4 sm:grid-cols-2">
        {schema.fields.map((f) => (
          <li key={f.name} className="font-mono">
            {f.name}
            {f.required ? '' : '?'}: <span className="text-zinc-500">{f.type}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
