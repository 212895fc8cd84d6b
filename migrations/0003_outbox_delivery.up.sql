-- 0003_outbox_delivery: what scoreline-sse needs to deliver the outbox in id
-- order without skipping or repeating a row (docs/sse.md, "Reading the outbox").
--
-- 1. A row's transaction holds its transaction id before the row draws its
--    id: the column default takes pg_current_xact_id() first, then nextval().
--    (Defaults are otherwise free to run in any order, and a transaction gets
--    its id only at its first write.)
-- 2. The sequence hands out ids one at a time (CACHE 1), so a value read from
--    it bounds every id drawn before the read, in every session.
-- 3. scoreline_outbox_fence(after_id) reads the sequence and only then takes
--    a transaction id of its own (the fence): every row with id <= last_id was
--    drawn by a transaction whose id is below fence_xid. Once a snapshot's
--    xmin reaches fence_xid, none of them is running: ids <= last_id are
--    final. No fence is taken while the sequence has not passed after_id, so
--    an idle database costs no transaction ids.
-- Writers never set outbox.id themselves.

CREATE FUNCTION scoreline_outbox_next_id() RETURNS bigint
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_current_xact_id();
    RETURN nextval('outbox_id_seq');
END
$$;

ALTER SEQUENCE outbox_id_seq CACHE 1;
ALTER TABLE outbox ALTER COLUMN id SET DEFAULT scoreline_outbox_next_id();

CREATE FUNCTION scoreline_outbox_fence(after_id bigint, OUT last_id bigint, OUT fence_xid xid8)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    last_id := coalesce(pg_sequence_last_value('outbox_id_seq'), 0);
    IF last_id > after_id THEN
        fence_xid := pg_current_xact_id();
    END IF;
END
$$;
