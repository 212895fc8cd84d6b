-- 0004_password_reset_limits (down): the indexes of 0001 again. The resets
-- closed by the up file stay closed (a closed token only stops working).

CREATE INDEX password_resets_user_id_idx ON password_resets (user_id);
DROP INDEX password_resets_user_id_created_at_idx;
DROP INDEX password_resets_one_open_per_user_key;
