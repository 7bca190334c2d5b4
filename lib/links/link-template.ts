// Links out: URL templates for the job page ("open this job's logs", "open its trace"), per connection
// and per queue. A template is checked once, when it is saved or the config loads, so rendering can be
// plain substitution: the scheme is fixed as http(s) and every variable sits after the host, where an
// encoded value cannot change where the link goes. Bounds: README › Links out.
import { z } from 'zod';

/** The job facts a template may name (README › Links out, template variables). */
export const LINK_VARIABLES = ['connection', 'queue', 'id', 'name', 'timestamp', 'processedOn', 'finishedOn', 'attempt', 'processedBy', 'traceId', 'spanId'] as const;
export type LinkVariable = (typeof LINK_VARIABLES)[number];
/** The times also come as ISO 8601 (`{processedOn:iso}`). */
export const ISO_LINK_VARIABLES = ['timestamp', 'processedOn', 'finishedOn'] as const;

/** perScope: templates per connection or queue; storedQueues: queues with admin-set links in the console store. */
export const LINK_LIMITS = { labelMaxChars: 40, urlMaxChars: 2000, perScope: 10, storedQueues: 1000 } as const;

/** Every `{…}` of a template (what is between the braces). */
export const VARIABLE_PATTERN = /\{([^{}]*)\}/g;

const KNOWN = new Set<string>([...LINK_VARIABLES, ...ISO_LINK_VARIABLES.map((v) => `${v}:iso`)]);

export function isKnownVariable(name: string): boolean {
  return KNOWN.has(name);
}

/** The variables a template names, in order, each once. */
export function variablesOf(url: string): string[] {
  return [...new Set([...url.matchAll(VARIABLE_PATTERN)].map((m) => m[1]))];
}

/** Why a template URL cannot be used, or null when it can. */
export function templateUrlProblem(url: string): string | null {
  if (/[\s\u0000-\u001f\u007f\\]/.test(url)) return 'must not contain spaces, control characters or "\\"';
  if (!/^https?:\/\//i.test(url)) return 'must start with http:// or https://';
  const unknown = variablesOf(url).filter((v) => !isKnownVariable(v));
  // Names cut to 40 characters and at most 5 of them: a refusal is audited, and a URL may hold a secret.
  if (unknown.length > 0) {
    const named = unknown.slice(0, 5).map((v) => `{${v.length > 40 ? `${v.slice(0, 40)}…` : v}}`);
    const more = unknown.length > 5 ? ` and ${unknown.length - 5} more` : '';
    return `unknown variable${unknown.length > 1 ? 's' : ''} ${named.join(', ')}${more} (known: ${[...KNOWN].map((v) => `{${v}}`).join(' ')})`;
  }
  const rest = url.replace(VARIABLE_PATTERN, '');
  if (rest.includes('{') || rest.includes('}')) return 'has a "{" or "}" that is not part of a {variable}';
  const afterScheme = url.slice(url.indexOf('//') + 2);
  const authority = afterScheme.split(/[/?#]/, 1)[0];
  if (authority.includes('{')) return 'variables are allowed only after the host (in the path, query or fragment), not in the host, port or user';
  if (authority === '') return 'must name a host';
  let parsed: URL;
  try {
    parsed = new URL(url.replace(VARIABLE_PATTERN, 'x'));
  } catch {
    return 'is not a valid URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'must start with http:// or https://';
  return null;
}

export const linkTemplateSchema = z
  .object({
    label: z.string().trim().min(1, 'must not be empty').max(LINK_LIMITS.labelMaxChars, `must be at most ${LINK_LIMITS.labelMaxChars} characters`),
    url: z.string().max(LINK_LIMITS.urlMaxChars, `must be at most ${LINK_LIMITS.urlMaxChars} characters`).superRefine((url, ctx) => {
      const problem = templateUrlProblem(url);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  })
  .strict();
export type LinkTemplate = z.infer<typeof linkTemplateSchema>;

export const linkTemplatesSchema = z.array(linkTemplateSchema).max(LINK_LIMITS.perScope, `at most ${LINK_LIMITS.perScope} links`);
