// Per-job attempt history under drover:attempts:<prefix>:<queue>:<jobId> (see lib/keys.ts).
export { attemptSchema, attemptOutcomeSchema, ATTEMPTS_CAP, ATTEMPTS_TTL_MS, type Attempt, type AttemptOutcome } from './attempt';
export { recordAttemptStart, recordAttemptEnd, flushAttemptRecords, AttemptRecorder, type AttemptRef, type AttemptEnd } from './record-attempt';
export { readAttempts } from './read-attempts';
