// Migration 3, "saved views": table drover.view (lib/store/postgres/console/views.ts). Part of a
// migration: append-only once released.
export const VIEWS_DDL = `
-- One row per saved view; "record" is the same JSON Redis keeps (lib/views/view.ts), as text so a
-- compare-and-swap compares exactly what was read. The columns beside it are what lists and bounds use.
CREATE TABLE drover.view (
  id         text NOT NULL PRIMARY KEY,
  conn       text NOT NULL,
  queue      text NOT NULL,
  owner      text NOT NULL,
  visibility text NOT NULL CHECK (visibility IN ('private', 'shared')),
  name       text NOT NULL,
  record     text NOT NULL
);
-- The shared views of a queue (the sidebar, GET /views?conn=&queue=), and how many shared views there are.
CREATE INDEX view_shared_idx ON drover.view (conn, queue, name) WHERE visibility = 'shared';
-- One owner's private views: their lists and the per-owner bound's count.
CREATE INDEX view_owner_idx ON drover.view (owner, conn, queue, name) WHERE visibility = 'private';
`;
