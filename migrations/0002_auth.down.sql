-- 0002_auth (down): drops what 0002_auth.up.sql created.

DROP INDEX refresh_tokens_user_id_client_ip_idx;
DROP TABLE login_failures;
