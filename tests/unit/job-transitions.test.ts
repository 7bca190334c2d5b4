import { describe, expect, it } from 'vitest';
import { actionsFor, actionsForAll, primaryActionFor, wholeStateActionsFor } from '@/lib/jobs/transitions';

describe('the actions offered for jobs in a state', () => {
  it('offers a failed job retry and remove, never promote or fail', () => {
    expect(actionsFor('failed')).toEqual(['retry', 'remove']);
    expect(actionsFor('active')).toEqual(['fail']);
  });

  it('offers a selection only what fits every job in it', () => {
    expect(actionsForAll(['failed', 'completed'])).toEqual(['retry', 'remove']);
    expect(actionsForAll(['failed', 'delayed'])).toEqual(['remove']);
    expect(actionsForAll(['delayed', 'delayed'])).toEqual(['promote', 'remove', 'fail']);
    expect(actionsForAll(['active', 'completed'])).toEqual([]);
    expect(actionsForAll([])).toEqual([]);
  });

  it('offers a whole state the forms the bulk schema accepts', () => {
    expect(wholeStateActionsFor('failed')).toEqual(['retry', 'remove']);
    expect(wholeStateActionsFor('delayed')).toEqual(['promote', 'remove']);
    expect(wholeStateActionsFor('active')).toEqual([]);
  });

  it('leads with retry for a failed job and with nothing for a completed one', () => {
    expect(primaryActionFor('failed')).toBe('retry');
    expect(primaryActionFor('delayed')).toBe('promote');
    expect(primaryActionFor('completed')).toBeNull();
  });
});
