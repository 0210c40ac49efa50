-- An ad blocker's filter-list database, in the manner of browser content blockers: typeless
-- columns, IF NOT EXISTS, comments glued to ';', WITHOUT ROWID lookup tables, partial indexes.
CREATE TABLE IF NOT EXISTS "filter_list" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT,
  "url" TEXT NOT NULL UNIQUE,
  "title" TEXT,
  "enabled" BOOLEAN NOT NULL DEFAULT 1,
  "last_fetched" DATETIME,
  "etag"
);-- the lists a user subscribed to
CREATE TABLE IF NOT EXISTS "rule"(
  "list_id" INTEGER NOT NULL REFERENCES "filter_list"("id") ON DELETE CASCADE,
  "line"INTEGER NOT NULL,
  "text" TEXT NOT NULL,
  "is_exception" INTEGER NOT NULL DEFAULT 0 CHECK ("is_exception" IN (0, 1)),
  "domain" TEXT COLLATE NOCASE,
  PRIMARY KEY ("list_id", "line")
) WITHOUT ROWID;/* one row per rule line */
CREATE TABLE IF NOT EXISTS "host_hit" (
  "host" TEXT PRIMARY KEY NOT NULL COLLATE NOCASE,
  "hits" INTEGER NOT NULL DEFAULT 0,
  "first_seen" REAL NOT NULL DEFAULT (julianday('now'))
) WITHOUT ROWID, STRICT;
CREATE INDEX IF NOT EXISTS "idx_rule_domain" ON "rule" ("domain") WHERE "domain" IS NOT NULL;
CREATE INDEX IF NOT EXISTS "idx_rule_exception" ON "rule" ("list_id", "is_exception" DESC) WHERE "is_exception" = 1;
CREATE INDEX IF NOT EXISTS "idx_host_lower" ON "host_hit" (lower("host"));
