// A queue's objectives (the config file's lock the queue; else the console's) and its last judged status.
import 'server-only';
import type { Connection } from '@/lib/redis/connections';
import { objectiveStore } from '@/lib/store/console/objectives';
import { objectiveScope, parseObjectives, parseObjectiveStatus, type ObjectivesView } from './objective';
import { configObjectives } from './config-objectives';

export async function getObjectives(conn: Connection, queue: string): Promise<ObjectivesView> {
  const scope = objectiveScope(conn.name, queue);
  const fromConfig = configObjectives(conn, queue);
  const [{ json }, statuses] = await Promise.all([objectiveStore().get(scope), objectiveStore().statuses()]);
  const stored = fromConfig ? null : parseObjectives(json);
  const objectives = fromConfig ?? stored;
  return {
    objectives,
    source: fromConfig ? 'config' : stored ? 'console' : null,
    status: objectives ? parseObjectiveStatus(statuses.get(scope)) : null,
  };
}
