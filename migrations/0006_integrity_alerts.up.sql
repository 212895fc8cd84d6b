-- 0006_integrity_alerts: suspicious results found while scores are written
-- (issue 15, docs/integrity.md). One alert per kind and subject (a game, or
-- for an edit burst the user): when its cause recurs the same row is updated
-- (evidence, occurrences, the write that caused it) and, if it was resolved,
-- reopened. Every status change is a row of alert_transitions, the first one
-- (from_status NULL) being the alert's creation.
--
-- An alert outlives what it is about: deleting an event, game, team or user
-- sets the reference NULL and keeps the alert and its evidence.
--
-- 0001 created a first cut of alerts that nothing ever wrote (the detectors
-- arrive here). It is replaced; the migration stops if it holds rows, since
-- those came from outside scoreline and are not ours to drop.

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM alerts) THEN
        RAISE EXCEPTION 'alerts holds rows that scoreline did not write; move them away first';
    END IF;
END
$$;
DROP TABLE alerts;

CREATE TABLE alerts (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         text        NOT NULL,
    severity     text        NOT NULL,
    status       text        NOT NULL DEFAULT 'open',
    subject      text        NOT NULL,  -- game:{id} or user:{id}: one alert per kind and subject
    event_id     bigint      REFERENCES events (id) ON DELETE SET NULL,
    game_id      bigint      REFERENCES games (id) ON DELETE SET NULL,
    home_team_id bigint      REFERENCES teams (id) ON DELETE SET NULL,
    away_team_id bigint      REFERENCES teams (id) ON DELETE SET NULL,
    user_id      bigint      REFERENCES users (id) ON DELETE SET NULL,  -- whose write caused it (the latest)
    evidence     jsonb       NOT NULL,
    occurrences  integer     NOT NULL DEFAULT 1,
    version      integer     NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT alerts_kind_check CHECK (kind IN (
        'margin_outlier', 'implausible_score', 'unexpected_result', 'final_corrected',
        'repeated_corrections', 'edit_burst', 'change_after_completion',
        'score_before_start', 'late_score')),
    CONSTRAINT alerts_severity_check CHECK (severity IN ('info', 'warning', 'critical')),
    CONSTRAINT alerts_status_check
        CHECK (status IN ('open', 'acknowledged', 'resolved', 'dismissed')),
    CONSTRAINT alerts_subject_check CHECK (subject ~ '^(game|user):[1-9][0-9]*$'),
    CONSTRAINT alerts_evidence_check CHECK (jsonb_typeof(evidence) = 'object'),
    CONSTRAINT alerts_occurrences_check CHECK (occurrences >= 1),
    CONSTRAINT alerts_kind_subject_key UNIQUE (kind, subject)
);
CREATE TRIGGER alerts_touch_updated_at BEFORE UPDATE ON alerts
    FOR EACH ROW EXECUTE FUNCTION scoreline_touch_updated_at();
-- GET /admin/alerts: newest first by id, filtered by status, kind, event or time.
CREATE INDEX alerts_status_idx ON alerts (status, id);
CREATE INDEX alerts_kind_idx ON alerts (kind, id);
CREATE INDEX alerts_event_id_idx ON alerts (event_id, id) WHERE event_id IS NOT NULL;
CREATE INDEX alerts_created_at_idx ON alerts (created_at, id);
-- Foreign-key checks when a game, team or user is deleted.
CREATE INDEX alerts_game_id_idx ON alerts (game_id) WHERE game_id IS NOT NULL;
CREATE INDEX alerts_home_team_id_idx ON alerts (home_team_id) WHERE home_team_id IS NOT NULL;
CREATE INDEX alerts_away_team_id_idx ON alerts (away_team_id) WHERE away_team_id IS NOT NULL;
CREATE INDEX alerts_user_id_idx ON alerts (user_id) WHERE user_id IS NOT NULL;

CREATE TABLE alert_transitions (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    alert_id    bigint      NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    from_status text,        -- NULL: the alert was created
    to_status   text        NOT NULL,
    actor_id    bigint      REFERENCES users (id) ON DELETE SET NULL,  -- the admin, or the writer whose write reopened it
    note        text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT alert_transitions_status_check
        CHECK (to_status IN ('open', 'acknowledged', 'resolved', 'dismissed')
               AND (from_status IS NULL
                    OR from_status IN ('open', 'acknowledged', 'resolved', 'dismissed'))),
    CONSTRAINT alert_transitions_note_check CHECK (char_length(note) <= 1000)
);
CREATE INDEX alert_transitions_alert_id_idx ON alert_transitions (alert_id, id);
CREATE INDEX alert_transitions_actor_id_idx ON alert_transitions (actor_id)
    WHERE actor_id IS NOT NULL;

-- The sport's latest finals (margin_outlier), read backwards by id.
CREATE INDEX games_final_id_idx ON games (id) WHERE status = 'final';
-- The corrections of one game in a window (repeated_corrections).
CREATE INDEX score_history_corrections_idx ON score_history (game_id, created_at)
    WHERE kind = 'correction';
