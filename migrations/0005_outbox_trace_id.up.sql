-- 0005_outbox_trace_id: the W3C trace id of the request that wrote each
-- outbox row, so that scoreline-sse can log it with the row it fans out and
-- a change a client sees ties back to the write behind it
-- (docs/observability.md, "Traces"). NULL for rows written outside a traced
-- request, and for every row written before this migration.
--
-- Cheap on a large outbox: a nullable column without a default is a change of
-- the catalogue only (no table rewrite), and the CHECK is added NOT VALID, so
-- no scan runs under the ACCESS EXCLUSIVE lock. It still holds for every row
-- written from now on; the older rows are all NULL, which it allows.

ALTER TABLE outbox
    ADD COLUMN trace_id text,
    ADD CONSTRAINT outbox_trace_id_check CHECK (trace_id ~ '^[0-9a-f]{32}$') NOT VALID;
