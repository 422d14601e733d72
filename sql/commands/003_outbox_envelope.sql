-- The outbox row's Kafka record value, made by the database: the event envelope as JSON, exactly
-- the fields the relay sends (system/relay/outboxMessage.ts), traceparent only when there is one,
-- occurredAt as JavaScript's toISOString writes it (milliseconds, Z). CHAR columns go through
-- RTRIM, what reading a CHAR gives anyway: MariaDB refuses a bare one in a generated column (its
-- value would depend on PAD_CHAR_TO_FULL_LENGTH). Debezium's outbox event
-- router (cdc publish modes) publishes this column as it is, so the projector reads the same
-- envelope whichever publisher sent it. STORED: a row event of the binary log then carries it.
-- The relay never selects it.
-- Idempotent (IF NOT EXISTS): DDL commits implicitly, so a half-applied file must re-run cleanly.
ALTER TABLE outbox ADD COLUMN IF NOT EXISTS envelope LONGTEXT AS (
  IF(
    traceparent IS NULL,
    JSON_OBJECT(
      'eventId', RTRIM(event_id), 'streamId', RTRIM(stream_id), 'streamVersion', stream_version, 'type', type,
      'schemaVersion', schema_version,
      'occurredAt', CONCAT(REPLACE(LEFT(CAST(occurred_at AS CHAR), 23), ' ', 'T'), 'Z'),
      'correlationId', correlation_id, 'causationId', causation_id, 'payload', JSON_EXTRACT(payload, '$')
    ),
    JSON_OBJECT(
      'eventId', RTRIM(event_id), 'streamId', RTRIM(stream_id), 'streamVersion', stream_version, 'type', type,
      'schemaVersion', schema_version,
      'occurredAt', CONCAT(REPLACE(LEFT(CAST(occurred_at AS CHAR), 23), ' ', 'T'), 'Z'),
      'correlationId', correlation_id, 'causationId', causation_id, 'payload', JSON_EXTRACT(payload, '$'),
      'traceparent', traceparent
    )
  )
) STORED;
