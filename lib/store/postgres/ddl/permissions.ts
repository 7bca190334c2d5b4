// Migration 4, "withheld operations": table drover.withheld_operation (lib/store/postgres/console/permissions.ts).
// Part of a migration: append-only once released.
export const PERMISSIONS_DDL = `
-- One row per operation an admin withheld from a role (the permission matrix; the config file's
-- entries are not stored). A few hundred rows at most: 3 roles × the operation table.
CREATE TABLE drover.withheld_operation (
  role      text NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
  operation text NOT NULL,
  PRIMARY KEY (role, operation)
);
`;
