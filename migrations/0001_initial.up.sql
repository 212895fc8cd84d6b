-- 0001_initial: the first data model of Scoreline (DESIGN.md, "Data model").
-- Runs in one transaction under scoreline-migrate. Ids are bigint GENERATED
-- ALWAYS identities (an explicit id needs OVERRIDING SYSTEM VALUE, so fixtures
-- cannot silently get ahead of the sequence); times are timestamptz;
-- enumerations are text + CHECK (cheaper to extend than enum types). Each
-- index says which route of API.md needs it.

CREATE EXTENSION IF NOT EXISTS citext;   -- users.email, case-insensitive
CREATE EXTENSION IF NOT EXISTS pg_trgm;  -- GET /events?q= name search

-- Keeps updated_at honest whatever the caller's UPDATE says.
CREATE FUNCTION scoreline_touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;

-- ---------------------------------------------------------------- accounts

CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         citext      NOT NULL,
    password_hash text        NOT NULL,  -- Argon2id string from libsodium
    display_name  text        NOT NULL,
    role          text        NOT NULL DEFAULT 'user',
    failed_logins integer     NOT NULL DEFAULT 0,
    locked_until  timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_email_key UNIQUE (email),
    CONSTRAINT users_email_check
        CHECK (char_length(email) BETWEEN 3 AND 254 AND strpos(email::text, '@') > 1),
    CONSTRAINT users_password_hash_check CHECK (password_hash <> ''),
    CONSTRAINT users_display_name_check CHECK (char_length(display_name) BETWEEN 1 AND 200),
    CONSTRAINT users_role_check CHECK (role IN ('user', 'admin')),
    CONSTRAINT users_failed_logins_check CHECK (failed_logins >= 0)
);
CREATE TRIGGER users_touch_updated_at BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION scoreline_touch_updated_at();

-- Opaque refresh tokens, stored as a hash only. A login starts a family;
-- each rotation inserts the successor and sets replaced_by on the old row;
-- presenting a revoked or replaced token revokes the whole family.
CREATE TABLE refresh_tokens (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash  bytea       NOT NULL,
    family_id   uuid        NOT NULL DEFAULT gen_random_uuid(),
    user_id     bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz,
    replaced_by bigint      REFERENCES refresh_tokens (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    client_ip   inet,
    CONSTRAINT refresh_tokens_token_hash_key UNIQUE (token_hash),
    CONSTRAINT refresh_tokens_token_hash_check CHECK (octet_length(token_hash) BETWEEN 16 AND 64)
);
-- Revoke every session of a user (password reset, logout everywhere).
CREATE INDEX refresh_tokens_user_id_idx ON refresh_tokens (user_id);
-- Reuse detection revokes a family.
CREATE INDEX refresh_tokens_family_id_idx ON refresh_tokens (family_id);
-- FK lookup when a replaced row is deleted by the cleanup job.
CREATE INDEX refresh_tokens_replaced_by_idx ON refresh_tokens (replaced_by)
    WHERE replaced_by IS NOT NULL;

CREATE TABLE password_resets (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash   bytea       NOT NULL,
    user_id      bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at   timestamptz NOT NULL,
    used_at      timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    requested_ip inet,
    CONSTRAINT password_resets_token_hash_key UNIQUE (token_hash),
    CONSTRAINT password_resets_token_hash_check CHECK (octet_length(token_hash) BETWEEN 16 AND 64)
);
CREATE INDEX password_resets_user_id_idx ON password_resets (user_id);

-- What a mailer would send; the local stack prints it. Rows with sent_at
-- NULL are the queue.
CREATE TABLE mail_outbox (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint      REFERENCES users (id) ON DELETE SET NULL,
    to_address citext      NOT NULL,
    kind       text        NOT NULL,  -- e.g. password_reset
    subject    text        NOT NULL,
    body       text        NOT NULL,
    attempts   integer     NOT NULL DEFAULT 0,
    last_error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at    timestamptz,
    CONSTRAINT mail_outbox_kind_check CHECK (kind <> ''),
    CONSTRAINT mail_outbox_attempts_check CHECK (attempts >= 0)
);
CREATE INDEX mail_outbox_pending_idx ON mail_outbox (id) WHERE sent_at IS NULL;
CREATE INDEX mail_outbox_user_id_idx ON mail_outbox (user_id) WHERE user_id IS NOT NULL;

-- ------------------------------------------------------------------ events

CREATE TABLE events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text        NOT NULL,
    slug        text        NOT NULL,
    sport       text        NOT NULL,
    format      text        NOT NULL,
    status      text        NOT NULL DEFAULT 'draft',
    starts_on   date        NOT NULL,
    ends_on     date,
    time_zone   text        NOT NULL DEFAULT 'UTC',
    points_win  integer     NOT NULL DEFAULT 3,
    points_draw integer     NOT NULL DEFAULT 1,
    points_loss integer     NOT NULL DEFAULT 0,
    -- Order in which ties are broken; team name is always the last resort
    -- and is not listed.
    tiebreakers text[]      NOT NULL
        DEFAULT ARRAY['points', 'goal_difference', 'goals_for', 'head_to_head']::text[],
    owner_id    bigint      NOT NULL REFERENCES users (id),
    version     integer     NOT NULL DEFAULT 1,  -- If-Match / ETag
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT events_slug_key UNIQUE (slug),
    CONSTRAINT events_name_check CHECK (char_length(name) BETWEEN 1 AND 200),
    CONSTRAINT events_slug_check
        CHECK (char_length(slug) <= 120 AND slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
    CONSTRAINT events_sport_check CHECK (char_length(sport) BETWEEN 1 AND 50),
    CONSTRAINT events_format_check
        CHECK (format IN ('round_robin', 'double_round_robin', 'single_elimination')),
    CONSTRAINT events_status_check
        CHECK (status IN ('draft', 'scheduled', 'live', 'completed', 'archived')),
    CONSTRAINT events_dates_check CHECK (ends_on IS NULL OR ends_on >= starts_on),
    CONSTRAINT events_time_zone_check CHECK (char_length(time_zone) BETWEEN 1 AND 64),
    CONSTRAINT events_points_check
        CHECK (points_win >= points_draw AND points_draw >= points_loss
               AND points_win <= 100 AND points_loss >= -100),
    CONSTRAINT events_tiebreakers_check
        CHECK (cardinality(tiebreakers) <= 10
               AND array_position(tiebreakers, NULL) IS NULL
               AND tiebreakers <@ ARRAY['points', 'goal_difference', 'goals_for',
                                        'goals_against', 'wins', 'head_to_head',
                                        'away_goals_for']::text[]),
    CONSTRAINT events_version_check CHECK (version >= 1)
);
CREATE TRIGGER events_touch_updated_at BEFORE UPDATE ON events
    FOR EACH ROW EXECUTE FUNCTION scoreline_touch_updated_at();
-- GET /events: keyset pagination by (starts_on, id), alone or after a filter.
CREATE INDEX events_starts_on_id_idx ON events (starts_on, id);
CREATE INDEX events_status_starts_on_id_idx ON events (status, starts_on, id);
CREATE INDEX events_sport_starts_on_id_idx ON events (sport, starts_on, id);
-- GET /events?q=: substring / similarity search on lower(name).
CREATE INDEX events_name_trgm_idx ON events USING gin (lower(name) gin_trgm_ops);
-- "my events" and the FK check when a user is deleted.
CREATE INDEX events_owner_id_idx ON events (owner_id);

CREATE TABLE event_members (
    event_id   bigint      NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, user_id),
    CONSTRAINT event_members_role_check CHECK (role IN ('organizer', 'scorekeeper', 'viewer'))
);
-- Permission checks and drafts visible to members go by user.
CREATE INDEX event_members_user_id_idx ON event_members (user_id, event_id);

CREATE TABLE teams (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id   bigint      NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    name       text        NOT NULL,
    short_name text,
    seed       integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    -- Target of the composite FKs that keep games' teams inside their event;
    -- also serves GET /events/{id}/teams ordered by id.
    CONSTRAINT teams_event_id_id_key UNIQUE (event_id, id),
    CONSTRAINT teams_event_id_seed_key UNIQUE (event_id, seed),
    CONSTRAINT teams_name_check CHECK (char_length(name) BETWEEN 1 AND 100),
    CONSTRAINT teams_short_name_check CHECK (char_length(short_name) BETWEEN 1 AND 16),
    CONSTRAINT teams_seed_check CHECK (seed >= 1)
);
CREATE UNIQUE INDEX teams_event_id_name_key ON teams (event_id, lower(name));
CREATE TRIGGER teams_touch_updated_at BEFORE UPDATE ON teams
    FOR EACH ROW EXECUTE FUNCTION scoreline_touch_updated_at();

-- ------------------------------------------------------------------- games

CREATE TABLE games (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id       bigint      NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    round          integer     NOT NULL DEFAULT 1,
    -- NULL while a knockout slot waits for the winner of an earlier game.
    home_team_id   bigint,
    away_team_id   bigint,
    venue          text,
    starts_at      timestamptz NOT NULL,
    status         text        NOT NULL DEFAULT 'scheduled',
    home_score     integer,
    away_score     integer,
    winner_team_id bigint,
    -- Bracket progression: the winner goes to next_game_id as its next_slot.
    next_game_id   bigint,
    next_slot      text,
    version        integer     NOT NULL DEFAULT 1,  -- If-Match on PUT /score
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT games_event_id_id_key UNIQUE (event_id, id),
    CONSTRAINT games_next_game_slot_key UNIQUE (next_game_id, next_slot),
    -- Composite keys: a game's teams and winner belong to the game's event.
    -- NO ACTION (not RESTRICT) so deleting an event cascades cleanly.
    CONSTRAINT games_home_team_fkey FOREIGN KEY (event_id, home_team_id)
        REFERENCES teams (event_id, id),
    CONSTRAINT games_away_team_fkey FOREIGN KEY (event_id, away_team_id)
        REFERENCES teams (event_id, id),
    CONSTRAINT games_winner_team_fkey FOREIGN KEY (event_id, winner_team_id)
        REFERENCES teams (event_id, id),
    CONSTRAINT games_next_game_fkey FOREIGN KEY (event_id, next_game_id)
        REFERENCES games (event_id, id) ON DELETE SET NULL (next_game_id),
    CONSTRAINT games_round_check CHECK (round >= 1),
    CONSTRAINT games_teams_check CHECK (home_team_id <> away_team_id),
    CONSTRAINT games_venue_check CHECK (char_length(venue) BETWEEN 1 AND 200),
    CONSTRAINT games_status_check
        CHECK (status IN ('scheduled', 'live', 'final', 'postponed', 'cancelled')),
    CONSTRAINT games_scores_check
        CHECK ((home_score IS NULL) = (away_score IS NULL)
               AND home_score >= 0 AND away_score >= 0),
    CONSTRAINT games_played_check
        CHECK (status NOT IN ('live', 'final')
               OR (home_score IS NOT NULL AND home_team_id IS NOT NULL
                   AND away_team_id IS NOT NULL)),
    CONSTRAINT games_winner_check
        CHECK (winner_team_id IS NULL
               OR (winner_team_id = home_team_id) IS TRUE
               OR (winner_team_id = away_team_id) IS TRUE),
    CONSTRAINT games_next_slot_check
        CHECK (next_slot IN ('home', 'away') AND (next_game_id IS NULL OR next_game_id <> id)),
    CONSTRAINT games_next_game_slot_check CHECK (next_game_id IS NULL OR next_slot IS NOT NULL),
    CONSTRAINT games_version_check CHECK (version >= 1)
);
CREATE TRIGGER games_touch_updated_at BEFORE UPDATE ON games
    FOR EACH ROW EXECUTE FUNCTION scoreline_touch_updated_at();
-- GET /events/{id}/games: keyset pagination by (starts_at, id) with from/to.
CREATE INDEX games_event_id_starts_at_id_idx ON games (event_id, starts_at, id);
-- ?round= (and schedule generation per round).
CREATE INDEX games_event_id_round_idx ON games (event_id, round, starts_at, id);
-- ?team_id= and the FK checks when a team is deleted.
CREATE INDEX games_home_team_idx ON games (event_id, home_team_id, starts_at, id);
CREATE INDEX games_away_team_idx ON games (event_id, away_team_id, starts_at, id);
CREATE INDEX games_winner_team_idx ON games (event_id, winner_team_id)
    WHERE winner_team_id IS NOT NULL;
-- Live games across events (SSE snapshots, integrity checks).
CREATE INDEX games_live_idx ON games (event_id) WHERE status = 'live';

-- Every score change: old and new values, who, why, when. Append-only.
CREATE TABLE score_history (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    game_id        bigint      NOT NULL REFERENCES games (id) ON DELETE CASCADE,
    kind           text        NOT NULL,
    old_home_score integer,
    old_away_score integer,
    old_status     text,
    new_home_score integer,
    new_away_score integer,
    new_status     text        NOT NULL,
    game_version   integer     NOT NULL,  -- the game's version after the change
    changed_by     bigint      REFERENCES users (id) ON DELETE SET NULL,
    reason         text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT score_history_kind_check CHECK (kind IN ('update', 'correction', 'reset')),
    CONSTRAINT score_history_status_check
        CHECK (new_status IN ('scheduled', 'live', 'final', 'postponed', 'cancelled')
               AND (old_status IS NULL
                    OR old_status IN ('scheduled', 'live', 'final', 'postponed', 'cancelled'))),
    CONSTRAINT score_history_scores_check
        CHECK (old_home_score >= 0 AND old_away_score >= 0
               AND new_home_score >= 0 AND new_away_score >= 0),
    CONSTRAINT score_history_reason_check
        CHECK (kind <> 'correction' OR char_length(reason) BETWEEN 1 AND 1000)
);
-- GET /games/{id}/history in order.
CREATE INDEX score_history_game_id_idx ON score_history (game_id, id);
-- Integrity rules look at one scorekeeper's changes; FK check on user delete.
CREATE INDEX score_history_changed_by_idx ON score_history (changed_by, created_at)
    WHERE changed_by IS NOT NULL;

-- One row per team of an event, rewritten in the transaction of the score
-- change that moves it. played = won + drawn + lost always.
CREATE TABLE standings (
    event_id       bigint      NOT NULL,
    team_id        bigint      NOT NULL,
    played         integer     NOT NULL DEFAULT 0,
    won            integer     NOT NULL DEFAULT 0,
    drawn          integer     NOT NULL DEFAULT 0,
    lost           integer     NOT NULL DEFAULT 0,
    goals_for      integer     NOT NULL DEFAULT 0,
    goals_against  integer     NOT NULL DEFAULT 0,
    away_goals_for integer     NOT NULL DEFAULT 0,
    points         integer     NOT NULL DEFAULT 0,
    rank           integer,  -- NULL until first ranked
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, team_id),
    CONSTRAINT standings_team_fkey FOREIGN KEY (event_id, team_id)
        REFERENCES teams (event_id, id) ON DELETE CASCADE,
    CONSTRAINT standings_counts_check
        CHECK (won >= 0 AND drawn >= 0 AND lost >= 0 AND played = won + drawn + lost
               AND goals_for >= 0 AND goals_against >= 0
               AND away_goals_for BETWEEN 0 AND goals_for),
    CONSTRAINT standings_rank_check CHECK (rank >= 1)
);

-- The version of an event's standings as a whole (ETag of GET .../standings),
-- kept apart from events.version so a score change does not touch the event.
CREATE TABLE standings_versions (
    event_id   bigint      PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
    version    bigint      NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT standings_versions_version_check CHECK (version >= 0)
);

-- ------------------------------------------------------------------ outbox

-- Everything SSE clients see, written in the transaction of the change.
-- Readers only take rows whose txid is below their snapshot's xmin, so rows
-- committed out of id order are neither skipped nor sent twice.
CREATE TABLE outbox (
    id         bigserial   PRIMARY KEY,
    topic      text        NOT NULL,  -- e.g. event:42, admin
    kind       text        NOT NULL,  -- e.g. score.updated
    payload    jsonb       NOT NULL,
    txid       xid8        NOT NULL DEFAULT pg_current_xact_id(),
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT outbox_topic_check CHECK (char_length(topic) BETWEEN 1 AND 200),
    CONSTRAINT outbox_kind_check CHECK (char_length(kind) BETWEEN 1 AND 100)
);
-- Last-Event-ID replay for one topic.
CREATE INDEX outbox_topic_id_idx ON outbox (topic, id);
-- Retention purge by age.
CREATE INDEX outbox_created_at_idx ON outbox (created_at);

-- A notification only says "there is something new"; the data is the table.
-- Statement-level, and NOTIFY folds duplicates within a transaction.
CREATE FUNCTION scoreline_outbox_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('scoreline_outbox', '');
    RETURN NULL;
END
$$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION scoreline_outbox_notify();

-- --------------------------------------------------------- audit, alerts

CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    actor_id    bigint      REFERENCES users (id) ON DELETE SET NULL,
    action      text        NOT NULL,  -- e.g. game.score_corrected
    target_type text        NOT NULL,  -- e.g. game
    target_id   bigint,
    before      jsonb,
    after       jsonb,
    ip          inet,
    request_id  text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT audit_log_action_check CHECK (char_length(action) BETWEEN 1 AND 100),
    CONSTRAINT audit_log_target_type_check CHECK (char_length(target_type) BETWEEN 1 AND 50)
);
-- GET /admin/audit: newest first by id, filtered by actor, action or time.
CREATE INDEX audit_log_actor_id_idx ON audit_log (actor_id, id) WHERE actor_id IS NOT NULL;
CREATE INDEX audit_log_action_idx ON audit_log (action, id);
CREATE INDEX audit_log_created_at_idx ON audit_log (created_at, id);
CREATE INDEX audit_log_target_idx ON audit_log (target_type, target_id);

-- Integrity anomalies found by the rules; handled by admins.
CREATE TABLE alerts (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            text        NOT NULL,
    severity        text        NOT NULL,
    event_id        bigint      REFERENCES events (id) ON DELETE SET NULL,
    game_id         bigint      REFERENCES games (id) ON DELETE SET NULL,
    evidence        jsonb       NOT NULL DEFAULT '{}'::jsonb,
    status          text        NOT NULL DEFAULT 'open',
    note            text,
    handled_by      bigint      REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    acknowledged_at timestamptz,
    resolved_at     timestamptz,  -- resolved or dismissed
    CONSTRAINT alerts_kind_check CHECK (char_length(kind) BETWEEN 1 AND 100),
    CONSTRAINT alerts_severity_check CHECK (severity IN ('info', 'warning', 'critical')),
    CONSTRAINT alerts_status_check
        CHECK (status IN ('open', 'acknowledged', 'resolved', 'dismissed')),
    CONSTRAINT alerts_note_check CHECK (char_length(note) <= 2000)
);
CREATE TRIGGER alerts_touch_updated_at BEFORE UPDATE ON alerts
    FOR EACH ROW EXECUTE FUNCTION scoreline_touch_updated_at();
-- GET /admin/alerts: by id, filtered by status, kind, event or time.
CREATE INDEX alerts_status_idx ON alerts (status, id);
CREATE INDEX alerts_kind_idx ON alerts (kind, id);
CREATE INDEX alerts_event_id_idx ON alerts (event_id, id) WHERE event_id IS NOT NULL;
CREATE INDEX alerts_game_id_idx ON alerts (game_id) WHERE game_id IS NOT NULL;
CREATE INDEX alerts_created_at_idx ON alerts (created_at, id);
CREATE INDEX alerts_handled_by_idx ON alerts (handled_by) WHERE handled_by IS NOT NULL;
