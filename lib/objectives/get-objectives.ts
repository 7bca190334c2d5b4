// A queue's objectives (the config file's lock the queue; else the console's) and its last judged status
// (its own status entry only: never the whole status store).
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { objectiveStore } from '@/lib/store/console/objectives';
import { objectiveScope, parseObjectives, type ObjectivesView } from './objective';
import { freshObjectiveStatus } from './measure-objectives';
import { configObjectives } from './config-objectives';

export async function getObjectives(conn: Connection, queue: string): Promise<ObjectivesView> {
  const scope = objectiveScope(conn.name, queue);
  const fromConfig = configObjectives(conn, queue);
  const [{ json }, statuses] = await Promise.all([objectiveStore().get(scope), objectiveStore().statusesOf([scope])]);
  const stored = fromConfig ? null : parseObjectives(json);
  const objectives = fromConfig ?? stored;
  return {
    objectives,
    source: fromConfig ? 'config' : stored ? 'console' : null,
    // A status older than objectiveStatusFreshMs() is not current: "not measured lately", not shown as now.
    status: objectives ? freshObjectiveStatus(statuses.get(scope), Date.now()) : null,
  };
}
