-- 0002_auth: what accounts and sign-in need beyond 0001 (issue 3).
-- login_failures feeds the login throttle: one row per failed password check,
-- counted per account key (the normalized email, whether or not an account
-- has it) and per client IP inside a sliding window. Rows older than the
-- window are deleted by the API as it goes; nothing here is kept for long.

CREATE TABLE login_failures (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scope      text        NOT NULL,
    key        text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT login_failures_scope_check CHECK (scope IN ('account', 'ip')),
    CONSTRAINT login_failures_key_check CHECK (char_length(key) BETWEEN 1 AND 320)
);
-- POST /auth/login: failures of one key inside the window.
CREATE INDEX login_failures_scope_key_idx ON login_failures (scope, key, created_at);
-- The purge of rows older than the window.
CREATE INDEX login_failures_created_at_idx ON login_failures (created_at);

-- POST /auth/login: "has this IP had a session of this user lately?" (the
-- account's usual client is exempt from the per-account throttle).
CREATE INDEX refresh_tokens_user_id_client_ip_idx ON refresh_tokens (user_id, client_ip, created_at);
