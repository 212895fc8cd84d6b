-- Back to 0001's first cut of alerts (empty: its rows cannot take the new
-- shape's kinds and subjects back).
DROP INDEX score_history_corrections_idx;
DROP INDEX games_final_id_idx;
DROP TABLE alert_transitions;
DROP TABLE alerts;

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
