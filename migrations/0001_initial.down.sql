-- 0001_initial (down): drops everything 0001_initial.up.sql created, in
-- reverse order of dependency. After it the schema is empty again except for
-- schema_migrations, which belongs to the runner.

DROP TABLE alerts;
DROP TABLE audit_log;
DROP TABLE outbox;
DROP FUNCTION scoreline_outbox_notify();
DROP TABLE standings_versions;
DROP TABLE standings;
DROP TABLE score_history;
DROP TABLE games;
DROP TABLE teams;
DROP TABLE event_members;
DROP TABLE events;
DROP TABLE mail_outbox;
DROP TABLE password_resets;
DROP TABLE refresh_tokens;
DROP TABLE users;
DROP FUNCTION scoreline_touch_updated_at();

DROP EXTENSION pg_trgm;
DROP EXTENSION citext;
