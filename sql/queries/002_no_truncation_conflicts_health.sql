-- Nothing is truncated or clamped (every session runs in strict SQL mode, which refuses it):
-- a dead letter can carry any key, id, version or message, so those columns hold anything a
-- record can, and a text that still cannot fit is stored as `sha256:<hex> length=<n>` (see
-- system/projector/fitColumn.ts), never cut.
ALTER TABLE dead_letters
  MODIFY event_id          VARCHAR(255) NULL,
  MODIFY stream_version    BIGINT       NULL,
  MODIFY record_key        LONGBLOB     NULL,
  MODIFY exception_message MEDIUMTEXT   NOT NULL,
  -- 0: the record does not hold its stream back (a conflicting copy of an applied version).
  ADD COLUMN IF NOT EXISTS blocks_stream TINYINT(1) NOT NULL DEFAULT 1,
  -- What went to the dead-letter topic: the full record, or a truncated copy (the full bytes are here).
  ADD COLUMN IF NOT EXISTS topic_copy ENUM('full','truncated','none') NULL,
  ADD COLUMN IF NOT EXISTS value_length BIGINT NULL,
  ADD COLUMN IF NOT EXISTS value_sha256 CHAR(64) NULL;

-- The content an event id was applied with: a later record with the same id and other content
-- (or the same version and another id) is a conflict, not a duplicate.
ALTER TABLE inbox ADD COLUMN IF NOT EXISTS content_sha256 CHAR(64) NULL;

ALTER TABLE parked_events MODIFY outcome ENUM('applied','duplicate','discarded','conflict') NULL;

-- The projector's own view of each assigned partition, refreshed every few seconds from the
-- broker's live high watermark: lag, and since when the consumer has not advanced while behind.
CREATE TABLE IF NOT EXISTS projector_health (
  group_id        VARCHAR(255) NOT NULL,
  topic           VARCHAR(255) NOT NULL,
  kafka_partition INT          NOT NULL,
  next_offset     BIGINT       NOT NULL,           -- the next offset to handle
  high_watermark  BIGINT       NOT NULL,           -- live, from the broker
  lag             BIGINT       NOT NULL,
  stalled_since   TIMESTAMP(6) NULL,               -- set once behind and not advancing for the stall limit
  checked_at      TIMESTAMP(6) NOT NULL,
  PRIMARY KEY (group_id, topic, kafka_partition)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
