-- 0005_outbox_trace_id (down): the outbox without trace ids.

ALTER TABLE outbox DROP COLUMN trace_id;
