-- Read model of `queries`, written only by the projector (and the dlq/rebuild commands).
-- Every table the harness' checkers read keeps enough to make a duplicate, a gap or a
-- reorder visible in data: nothing here is overwritten silently.

-- The seed's table, plus what the projector needs to prove what it applied.
CREATE TABLE IF NOT EXISTS USER_DATA (
  ID_USER_DATA  VARCHAR(64)  NOT NULL,
  NAME          VARCHAR(255) NOT NULL,
  DATE_REGISTER DATE         NOT NULL,
  VERSION       INT          NOT NULL,            -- stream version of the last applied event
  APPLIED_COUNT INT          NOT NULL DEFAULT 0,  -- > VERSION means an event was applied twice
  DELETED       TINYINT(1)   NOT NULL DEFAULT 0,
  UPDATED_AT    TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (ID_USER_DATA)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Append-only log of every apply (the projector may INSERT, never UPDATE or DELETE).
-- Deliberately NOT unique on event_id: a duplicate apply shows up as two rows.
CREATE TABLE IF NOT EXISTS applied_events (
  id              BIGINT       NOT NULL AUTO_INCREMENT,
  event_id        CHAR(36)     NOT NULL,
  stream_id       VARCHAR(64)  NOT NULL,
  stream_version  INT          NOT NULL,
  event_type      VARCHAR(64)  NOT NULL,
  source          VARCHAR(16)  NOT NULL,           -- kafka | replay | release | rebuild
  topic           VARCHAR(255) NULL,
  kafka_partition INT          NULL,
  kafka_offset    BIGINT       NULL,
  consume_mode    VARCHAR(20)  NULL,
  applied_at      TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (id),
  INDEX ix_applied_event (event_id),
  INDEX ix_applied_stream (stream_id, stream_version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Effectively-once: an event id here was applied; redeliveries are skipped.
CREATE TABLE IF NOT EXISTS inbox (
  event_id       CHAR(36)     NOT NULL,
  stream_id      VARCHAR(64)  NOT NULL,
  stream_version INT          NOT NULL,
  received_at    TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (event_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Records that could never apply, mirrored from user-events.dlq so a stream can be blocked
-- (sequenced DLQ) and resolved by `npm run dlq`. One row per source record (topic/partition/offset).
CREATE TABLE IF NOT EXISTS dead_letters (
  id                BIGINT        NOT NULL AUTO_INCREMENT,
  topic             VARCHAR(255)  NOT NULL,
  kafka_partition   INT           NOT NULL,
  kafka_offset      BIGINT        NOT NULL,
  stream_id         VARCHAR(255)  NULL,            -- the record key: the stream it blocks
  event_id          VARCHAR(64)   NULL,
  stream_version    INT           NULL,
  record_key        VARBINARY(1024) NULL,
  record_value      LONGBLOB      NULL,            -- original bytes, replayed as they are
  headers           JSON          NOT NULL,        -- original headers, base64 values
  exception_fqcn    VARCHAR(255)  NOT NULL,
  exception_message TEXT          NOT NULL,
  attempts          INT           NOT NULL,
  correlation_id    VARCHAR(255)  NULL,
  status            ENUM('open','replayed','discarded') NOT NULL DEFAULT 'open',
  created_at        TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  resolved_at       TIMESTAMP(6)  NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_dead_source (topic, kafka_partition, kafka_offset),
  INDEX ix_dead_stream (stream_id, status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Valid events held back instead of applied out of order: behind an open dead letter of the
-- same stream (reason 'blocked') or after a version gap (reason 'gap'). Released, never deleted.
CREATE TABLE IF NOT EXISTS parked_events (
  id              BIGINT       NOT NULL AUTO_INCREMENT,
  event_id        CHAR(36)     NOT NULL,
  stream_id       VARCHAR(64)  NOT NULL,
  stream_version  INT          NOT NULL,
  reason          ENUM('blocked','gap') NOT NULL,
  envelope        JSON         NOT NULL,
  topic           VARCHAR(255) NULL,
  kafka_partition INT          NULL,
  kafka_offset    BIGINT       NULL,
  parked_at       TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  released_at     TIMESTAMP(6) NULL,
  outcome         ENUM('applied','duplicate','discarded') NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uq_parked_event (event_id),
  INDEX ix_parked_stream (stream_id, released_at, stream_version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Per consumer group and partition: the last offset whose effect is committed here, and the
-- partition's high watermark when it was seen (lag = high_watermark - last_offset - 1).
CREATE TABLE IF NOT EXISTS projection_checkpoint (
  group_id        VARCHAR(255) NOT NULL,
  topic           VARCHAR(255) NOT NULL,
  kafka_partition INT          NOT NULL,
  last_offset     BIGINT       NOT NULL,
  high_watermark  BIGINT       NOT NULL,
  updated_at      TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  PRIMARY KEY (group_id, topic, kafka_partition)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
