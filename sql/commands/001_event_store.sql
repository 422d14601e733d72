-- Write side of faultline (`commands` server). One command = one transaction over these tables:
-- append to `events` (UNIQUE(stream_id, stream_version) is the optimistic-concurrency guard),
-- update the seed's USER_DATA, add an `outbox` row (outbox mode), record `command_dedup`.
-- Idempotent (IF NOT EXISTS): DDL commits implicitly, so a half-applied file must re-run cleanly.

-- The seed's table, kept; the id is the event stream id (a UUID string).
CREATE TABLE IF NOT EXISTS USER_DATA (
  ID_USER_DATA  CHAR(36)     NOT NULL,
  NAME          VARCHAR(255) NOT NULL,
  DATE_REGISTER DATE         NOT NULL,
  VERSION       INT          NOT NULL,           -- stream version of the last applied event
  DELETED       TINYINT(1)   NOT NULL DEFAULT 0, -- soft delete: the stream still exists
  UPDATED_AT    TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6),
  PRIMARY KEY (ID_USER_DATA)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The event store: the source of truth. Never updated, never deleted.
CREATE TABLE IF NOT EXISTS events (
  seq            BIGINT       NOT NULL AUTO_INCREMENT, -- global append order (for rebuild)
  event_id       CHAR(36)     NOT NULL,                -- UUIDv7
  stream_id      CHAR(36)     NOT NULL,
  stream_version INT          NOT NULL,                -- 1-based, contiguous per stream
  type           VARCHAR(64)  NOT NULL,
  schema_version INT          NOT NULL,
  occurred_at    DATETIME(6)  NOT NULL,                -- UTC
  correlation_id VARCHAR(128) NOT NULL,
  causation_id   VARCHAR(255) NOT NULL,
  traceparent    VARCHAR(55)  NULL,
  payload        JSON         NOT NULL,
  PRIMARY KEY (seq),
  UNIQUE KEY uq_events_event_id (event_id),
  UNIQUE KEY uq_events_stream_version (stream_id, stream_version)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Transactional outbox: the relay claims unpublished rows with
--   SELECT ... WHERE published_at IS NULL ORDER BY id LIMIT n FOR UPDATE SKIP LOCKED
-- and sets published_at once the broker acked. Column names are a contract with the relay.
CREATE TABLE IF NOT EXISTS outbox (
  id             BIGINT       NOT NULL AUTO_INCREMENT,
  event_id       CHAR(36)     NOT NULL,
  stream_id      CHAR(36)     NOT NULL,
  stream_version INT          NOT NULL,
  type           VARCHAR(64)  NOT NULL,
  schema_version INT          NOT NULL,
  occurred_at    DATETIME(6)  NOT NULL,                -- UTC; copied from the event
  correlation_id VARCHAR(128) NOT NULL,
  causation_id   VARCHAR(255) NOT NULL,
  traceparent    VARCHAR(55)  NULL,
  payload        JSON         NOT NULL,
  created_at     TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  published_at   TIMESTAMP(6) NULL DEFAULT NULL,
  attempts       INT          NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  UNIQUE KEY uq_outbox_event_id (event_id),
  KEY ix_outbox_unpublished (published_at, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Idempotency keys: the first answer to a command, replayed verbatim to retries with the same key.
CREATE TABLE IF NOT EXISTS command_dedup (
  idempotency_key VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
  request_hash    CHAR(64)     NOT NULL, -- sha256 of method, path, If-Match and canonical body
  response_status SMALLINT     NOT NULL,
  response_body   JSON         NOT NULL,
  created_at      TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  PRIMARY KEY (idempotency_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
