-- 0003_outbox_delivery (down): the outbox id default of 0001 again, without
-- the fence function.

DROP FUNCTION scoreline_outbox_fence(bigint);
ALTER TABLE outbox ALTER COLUMN id SET DEFAULT nextval('outbox_id_seq'::regclass);
DROP FUNCTION scoreline_outbox_next_id();
