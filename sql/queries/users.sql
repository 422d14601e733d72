-- Least-privilege users of the `queries` server. No password here: each role is created locked,
-- and `env up` sets this environment's random password and unlocks it (migrate.ts `passwords`).
-- Re-applied on every migration run; {{database}} is the target schema. The write-side roles
-- (command_service, relay) do not exist on this server: they cannot touch `queries`.

CREATE USER IF NOT EXISTS 'projector'@'127.0.0.1' ACCOUNT LOCK;
-- applied_events (which holds the inbox, 004) is append-only for the projector: no UPDATE, no DELETE.
GRANT SELECT, INSERT ON {{database}}.applied_events TO 'projector'@'127.0.0.1';
GRANT SELECT, INSERT, UPDATE ON {{database}}.USER_DATA TO 'projector'@'127.0.0.1';
-- Parked events and dead letters are released/resolved by UPDATE, never deleted.
GRANT SELECT, INSERT, UPDATE ON {{database}}.parked_events TO 'projector'@'127.0.0.1';
GRANT SELECT, INSERT, UPDATE ON {{database}}.dead_letters TO 'projector'@'127.0.0.1';
GRANT SELECT, INSERT, UPDATE ON {{database}}.projection_checkpoint TO 'projector'@'127.0.0.1';
GRANT SELECT, INSERT, UPDATE ON {{database}}.projector_health TO 'projector'@'127.0.0.1';

CREATE USER IF NOT EXISTS 'query_api'@'127.0.0.1' ACCOUNT LOCK;
-- Read-only, and only what it serves.
GRANT SELECT ON {{database}}.USER_DATA TO 'query_api'@'127.0.0.1';
GRANT SELECT ON {{database}}.projection_checkpoint TO 'query_api'@'127.0.0.1';
GRANT SELECT ON {{database}}.parked_events TO 'query_api'@'127.0.0.1';
GRANT SELECT ON {{database}}.dead_letters TO 'query_api'@'127.0.0.1';
GRANT SELECT ON {{database}}.projector_health TO 'query_api'@'127.0.0.1';
