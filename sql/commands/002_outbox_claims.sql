-- Outbox claims: a relay claims rows in a short transaction (claimed_by = its owner id,
-- claimed_until = lease end), commits, sends them, then marks them published. No transaction
-- is held across the send. A claim is taken over when its lease has passed, or at once when its
-- owner's liveness lock (GET_LOCK('fl_relay_<owner>'), held on the owner's own connection) is
-- free: the owner's process or link died.
-- Idempotent (IF NOT EXISTS): DDL commits implicitly, so a half-applied file must re-run cleanly.
ALTER TABLE outbox
  ADD COLUMN IF NOT EXISTS claimed_by    VARCHAR(64)  NULL DEFAULT NULL,
  ADD COLUMN IF NOT EXISTS claimed_until TIMESTAMP(6) NULL DEFAULT NULL;

-- Per-stream order across relays: before keeping a candidate row, the claim looks for an earlier
-- unpublished row of the same stream outside its own claims.
ALTER TABLE outbox ADD INDEX IF NOT EXISTS ix_outbox_stream_unpublished (stream_id, published_at, id);
