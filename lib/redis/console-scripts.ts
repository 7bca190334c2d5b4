// The scripts every console client has from the moment it is made (lib/redis/connections.ts): Drover's
// own reads of BullMQ's keys, all read-only except droverFailJob.
import type { LuaScript } from './lua-scripts';
import { queueSummariesScript } from './lua/queue-summaries-n';
import { jobSummariesScript } from './lua/job-summaries-1';
import { jobDetailScript } from './lua/job-detail-1';
import { jobFieldScript } from './lua/job-field-1';
import { jobStateScript } from './lua/job-state-1';
import { searchChunkScript } from './lua/search-chunk-1';
import { matchIdsScript } from './lua/match-ids-1';
import { extractPathsScript } from './lua/extract-paths-1';
import { failJobScript } from './lua/fail-job-1';
import { hashFieldsScript } from './lua/hash-fields-1';
import { streamLastIdScript } from './lua/stream-last-id-1';
import { countStreamEventsScript } from './lua/count-stream-events-1';

export const consoleScripts: readonly LuaScript[] = [
  queueSummariesScript,
  jobSummariesScript,
  jobDetailScript,
  jobFieldScript,
  jobStateScript,
  searchChunkScript,
  matchIdsScript,
  extractPathsScript,
  failJobScript,
  hashFieldsScript,
  streamLastIdScript,
  countStreamEventsScript,
];
