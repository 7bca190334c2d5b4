// Withheld operations in table drover.withheld_operation: one row per (role, operation); replaced in one transaction.
import 'server-only';
import type { DroverDb } from '@/lib/store/postgres/drover-db';
import type { PermissionsStore, WithheldEntry } from '@/lib/store/console/permissions';
import { roleSchema } from '@/lib/auth/roles';

const SQL = {
  READ: 'SELECT role, operation FROM drover.withheld_operation ORDER BY role, operation',
  CLEAR: 'DELETE FROM drover.withheld_operation',
  ADD: 'INSERT INTO drover.withheld_operation (role, operation) SELECT * FROM unnest($1::text[], $2::text[])',
};

export class PostgresPermissions implements PermissionsStore {
  constructor(private readonly db: DroverDb) {}

  async read(): Promise<WithheldEntry[]> {
    const rows = await this.db.rows<{ role: string; operation: string }>(SQL.READ);
    return rows.flatMap((r) => {
      const parsed = roleSchema.safeParse(r.role);
      return parsed.success ? [{ role: parsed.data, operation: r.operation }] : [];
    });
  }

  replace(entries: WithheldEntry[]): Promise<void> {
    return this.db.tx(async (q) => {
      await q(SQL.CLEAR);
      if (entries.length) await q(SQL.ADD, [entries.map((e) => e.role), entries.map((e) => e.operation)]);
    }, ['drover.withheld_operation']);
  }
}
