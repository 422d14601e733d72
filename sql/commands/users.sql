-- Least-privilege users of the `commands` server. No password here: each role is created locked,
-- and `env up` sets this environment's random password and unlocks it (migrate.ts `passwords`).
-- Re-applied on every migration run; {{database}} is the target schema. The query-side roles
-- (projector, query_api) do not exist on this server at all: they cannot touch `commands`.

CREATE USER IF NOT EXISTS 'command_service'@'127.0.0.1' ACCOUNT LOCK;
-- Append-only event store and outbox: no UPDATE/DELETE on them.
GRANT SELECT, INSERT ON {{database}}.events TO 'command_service'@'127.0.0.1';
GRANT INSERT ON {{database}}.outbox TO 'command_service'@'127.0.0.1';
GRANT SELECT, INSERT, UPDATE ON {{database}}.USER_DATA TO 'command_service'@'127.0.0.1';
GRANT SELECT, INSERT ON {{database}}.command_dedup TO 'command_service'@'127.0.0.1';

CREATE USER IF NOT EXISTS 'relay'@'127.0.0.1' ACCOUNT LOCK;
-- Claims and marks outbox rows; reads events (e.g. to re-publish). Cannot write events, and may
-- update only the claim and mark columns (system/relay/outboxStore.ts): never an event's
-- payload, type, stream or version.
GRANT SELECT, UPDATE (claimed_by, claimed_until, published_at, attempts) ON {{database}}.outbox TO 'relay'@'127.0.0.1';
GRANT SELECT ON {{database}}.events TO 'relay'@'127.0.0.1';

CREATE USER IF NOT EXISTS 'cdc_connector'@'127.0.0.1' ACCOUNT LOCK;
-- Debezium's MariaDB connector (cdc publish modes): streams the binary log (REPLICATION SLAVE),
-- reads its position and GTIDs (BINLOG MONITOR, MariaDB's REPLICATION CLIENT), takes the brief
-- global read lock that makes its first snapshot of the outbox consistent with that position
-- (RELOAD, for FLUSH TABLES WITH READ LOCK) and snapshots the outbox. Nothing else: it cannot read
-- the event store nor write anything.
GRANT REPLICATION SLAVE, BINLOG MONITOR, RELOAD ON *.* TO 'cdc_connector'@'127.0.0.1';
GRANT SELECT ON {{database}}.outbox TO 'cdc_connector'@'127.0.0.1';
