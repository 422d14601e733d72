-- The inbox lives in the applied log: an event's first apply carries its id in `inbox_event_id`
-- (unique: a second first-apply of one event id, e.g. by a zombie member of the group, fails as
-- the inbox's primary key made it fail) and the content it was applied with; a re-apply
-- (at-least-once) leaves both NULL, so duplicates still show up as extra rows. One insert per
-- applied event instead of two.
-- Idempotent (IF NOT EXISTS; the backfill picks the same first rows again and skips those filled): DDL commits
-- implicitly, so a half-applied file must re-run cleanly.
ALTER TABLE applied_events
  ADD COLUMN IF NOT EXISTS inbox_event_id CHAR(36) NULL,
  ADD COLUMN IF NOT EXISTS content_sha256 CHAR(64) NULL,
  ADD UNIQUE INDEX IF NOT EXISTS uq_applied_inbox (inbox_event_id);

-- Every inbox row was written in the transaction of its event's first applied_events row: that
-- row now carries it. The inbox table is kept, no longer written, with what it held.
UPDATE applied_events a
  JOIN (SELECT i.event_id, i.content_sha256, MIN(x.id) AS first_id
          FROM inbox i JOIN applied_events x ON x.event_id = i.event_id
         GROUP BY i.event_id, i.content_sha256) f ON a.id = f.first_id
   SET a.inbox_event_id = f.event_id, a.content_sha256 = f.content_sha256
 WHERE a.inbox_event_id IS NULL;
