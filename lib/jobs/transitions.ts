// The state rules of job actions, in one table read by the single-job verbs, the bulk verb, the bulk
// input schema and the UI (which offers only what a job's state allows). Pure: no Redis here.
import type { JobState } from './job-states';

export const JOB_ACTIONS = ['retry', 'promote', 'remove', 'fail'] as const;
export type JobAction = (typeof JOB_ACTIONS)[number];

type Rule = {
  /** states a single job may be in for the action */
  from: readonly string[];
  /** whole states the bulk "… all" form may name */
  wholeStates: readonly JobState[];
  /** what the job becomes, for messages */
  verb: string;
};

export const TRANSITIONS: Record<JobAction, Rule> = {
  retry: { from: ['failed', 'completed'], wholeStates: ['failed', 'completed'], verb: 'retried' },
  promote: { from: ['delayed'], wholeStates: ['delayed'], verb: 'promoted' },
  // A running job is locked by its worker: removing it is refused by BullMQ (cancel it instead).
  remove: { from: ['waiting', 'delayed', 'prioritized', 'waiting-children', 'completed', 'failed'], wholeStates: ['waiting', 'delayed', 'prioritized', 'completed', 'failed'], verb: 'removed' },
  // Active jobs are failed through their worker (cancellation channel); finished ones have nothing to fail.
  fail: { from: ['waiting', 'delayed', 'prioritized', 'waiting-children', 'active'], wholeStates: [], verb: 'failed permanently' },
};

/** Why an action does not apply to a job in `state`, or null when it does. */
export function transitionRefusal(action: JobAction, state: string, id: string): string | null {
  const rule = TRANSITIONS[action];
  if (rule.from.includes(state)) return null;
  return `Job ${id} is ${state}: only ${rule.from.join(', ').replace(/, ([^,]*)$/, ' or $1')} jobs can be ${rule.verb}`;
}

/** Why a whole-state bulk action does not apply to a state, or null when it does. */
export function stateActionMismatch(action: JobAction, state: string): string | null {
  const states = TRANSITIONS[action].wholeStates;
  if (states.includes(state as JobState)) return null;
  return states.length === 0
    ? `${action} applies to selected jobs only, not to a whole state`
    : `${action} applies to the ${states.join(' or ')} state${states.length === 1 ? '' : 's'}, not ${state}`;
}

/** The actions offered for a job in `state` (the job page and row menus). */
export function actionsFor(state: string): JobAction[] {
  return JOB_ACTIONS.filter((a) => TRANSITIONS[a].from.includes(state));
}

/** The actions that apply to every job of a selection whose jobs are in `states` (bulk toolbars). */
export function actionsForAll(states: Iterable<string>): JobAction[] {
  const distinct = [...new Set(states)];
  if (distinct.length === 0) return [];
  return JOB_ACTIONS.filter((a) => distinct.every((s) => TRANSITIONS[a].from.includes(s)));
}

/** The "… all N" actions a whole state may take (the bulk input schema refuses the others). */
export function wholeStateActionsFor(state: string): JobAction[] {
  return JOB_ACTIONS.filter((a) => (TRANSITIONS[a].wholeStates as readonly string[]).includes(state));
}

/** Only failed jobs go to the dead-letter queue (lib/dlq/send-to-dead-letter.ts skips the others). */
export const DEAD_LETTER_FROM: readonly string[] = ['failed'];

/**
 * The one action a job's page leads with: what an operator most likely came to do in that state.
 * A completed job has none: running it again (retry) is offered, but not as the obvious button.
 */
export function primaryActionFor(state: string): JobAction | null {
  if (state === 'failed') return 'retry';
  if (state === 'delayed') return 'promote';
  return null;
}
