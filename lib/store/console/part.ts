// How a part of Drover's own data (users, sessions, audit, …) finds its implementation: by the kind of
// the console connection (README › Configuration: "consoleConnection"), one instance per connection
// object (a reconfigured registry makes new ones). The verbs call `xxxStore()` and never know which
// store they talk to.
import 'server-only';
import { getConsoleConnection, type Connection } from '@/lib/redis/connections';

export function consolePart<T>(make: { redis: (conn: Connection) => T; postgres: (conn: Connection) => T }): () => T {
  const made = new WeakMap<Connection, T>();
  return () => {
    const conn = getConsoleConnection();
    let part = made.get(conn);
    if (part === undefined) {
      part = conn.kind === 'postgres' ? make.postgres(conn) : make.redis(conn);
      made.set(conn, part);
    }
    return part;
  };
}
