DROP INDEX score_history_corrections_idx;
DROP TABLE alert_transitions;
DROP TABLE alerts;
