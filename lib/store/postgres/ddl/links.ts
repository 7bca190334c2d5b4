// Migration 6, "link templates": table drover.link_template (lib/store/postgres/console/links.ts). Part of
// a migration: append-only once released.
export const LINKS_DDL = `
-- One row per connection ("<conn>") or queue ("<conn>/<queue>") with admin-set links out; "record" is the
-- same JSON array Redis keeps (lib/links/link-template.ts, at most 10 templates). An emptied list deletes its row.
CREATE TABLE drover.link_template (
  scope  text NOT NULL PRIMARY KEY,
  record text NOT NULL
);
`;
