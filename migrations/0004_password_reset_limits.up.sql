-- 0004_password_reset_limits: one open password reset per account, and an
-- index for the per-account limit of reset requests (docs/auth.md,
-- "Password reset"; issue 12, finding 3).
--
-- 1. Every reset of an account but its newest open one is closed (used_at
--    set): before this migration a request added a token without closing
--    the earlier ones, so an account could hold many live tokens.
-- 2. password_resets_one_open_per_user_key keeps it that way: at most one
--    row per user with used_at NULL. The API closes the open reset before it
--    inserts a new one, under a lock on the user row.
-- 3. POST /auth/password-reset counts the account's resets created inside
--    the window: (user_id, created_at) serves that count and everything the
--    old (user_id) index served, which it replaces.

UPDATE password_resets pr SET used_at = now()
 WHERE pr.used_at IS NULL
   AND EXISTS (SELECT 1 FROM password_resets newer
                WHERE newer.user_id = pr.user_id AND newer.used_at IS NULL
                  AND newer.id > pr.id);

CREATE UNIQUE INDEX password_resets_one_open_per_user_key
    ON password_resets (user_id) WHERE used_at IS NULL;

CREATE INDEX password_resets_user_id_created_at_idx ON password_resets (user_id, created_at);
DROP INDEX password_resets_user_id_idx;
