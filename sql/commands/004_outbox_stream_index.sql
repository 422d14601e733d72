-- A mark (published_at set) moved two secondary indexes, both ending in published_at: the claim's
-- (published_at, id) and the per-stream blocker read's (stream_id, published_at, id). The blocker
-- read needs the stream's rows only: a stream holds a handful of events, so it checks published_at
-- on the row itself, and the mark moves one index. InnoDB ends a secondary key with the primary
-- key, so this one is (stream_id, id).
-- Idempotent (IF [NOT] EXISTS): DDL commits implicitly, so a half-applied file must re-run cleanly.
ALTER TABLE outbox ADD INDEX IF NOT EXISTS ix_outbox_stream (stream_id);
ALTER TABLE outbox DROP INDEX IF EXISTS ix_outbox_stream_unpublished;
