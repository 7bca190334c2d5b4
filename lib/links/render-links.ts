// A job's links out, rendered on the server from the templates that apply to its queue: every value
// URL-encoded into a template checked when saved (link-template.ts); a template naming a fact the job
// does not have yet (no trace id, not processed) renders disabled with the reason.
import { VARIABLE_PATTERN, type LinkTemplate } from './link-template';

export type LinkFacts = {
  connection: string;
  queue: string;
  id: string;
  name: string;
  timestamp: number | null;
  processedOn: number | null;
  finishedOn: number | null;
  /** the latest attempt's number (attempts started), null before the first */
  attempt: number | null;
  processedBy: string | null;
  traceId: string | null;
  spanId: string | null;
};

export type LinkSource = 'config' | 'console';
export type LinkScope = 'connection' | 'queue';

export type RenderedLink = {
  label: string;
  /** null when a variable has no value for this job */
  href: string | null;
  /** the variables without a value ("traceId"), when href is null */
  missing: string[];
  /** why the link is disabled although every value is there (a value that would climb the path) */
  problem?: string;
  scope: LinkScope;
  source: LinkSource;
};

function valueOf(facts: LinkFacts, variable: string): string | null {
  const [name, form] = variable.split(':');
  const value = (facts as Record<string, unknown>)[name];
  if (value === null || value === undefined || value === '') return null;
  if (form === 'iso') return typeof value === 'number' ? new Date(value).toISOString() : null;
  return String(value);
}

export function renderLink(template: LinkTemplate, facts: LinkFacts, where: { scope: LinkScope; source: LinkSource }): RenderedLink {
  const missing: string[] = [];
  const href = template.url.replace(VARIABLE_PATTERN, (_all, variable: string) => {
    const value = valueOf(facts, variable);
    if (value === null) {
      if (!missing.includes(variable)) missing.push(variable);
      return '';
    }
    return encodeURIComponent(value);
  });
  if (missing.length > 0) return { label: template.label, href: null, missing, ...where };
  // encodeURIComponent leaves "." alone, and URL parsers read "." / ".." (or %2e) segments as steps up
  // the path: a job id ".." would leave the path the template names. Such a link is not offered.
  if (hasDotSegment(href)) return { label: template.label, href: null, missing, problem: 'a value of this job would change the link’s path ("." or "..")', ...where };
  return { label: template.label, href, missing, ...where };
}

function hasDotSegment(href: string): boolean {
  const afterAuthority = href.replace(/^https?:\/\/[^/?#]*/i, '');
  const path = afterAuthority.split(/[?#]/, 1)[0];
  return path.split('/').some((segment) => {
    const plain = segment.replace(/%2e/gi, '.');
    return plain === '.' || plain === '..';
  });
}

/** Why a link is disabled, for its title. */
export function missingReason(link: Pick<RenderedLink, 'missing' | 'problem'>): string {
  if (link.problem) return `Not offered: ${link.problem}`;
  return `This job has no ${link.missing.map((v) => `{${v}}`).join(', ')} yet`;
}
