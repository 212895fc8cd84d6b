-- 0007_team_aliases: names an organizer adds to a team so that the analytics
-- questions (issue 16, docs/analytics.md) find it by the nicknames people use
-- ("Spurs", "Wolves") that cannot be derived from its name or short_name.
-- At most 10 per team; each 1..40 characters (checked by the API).

ALTER TABLE teams ADD COLUMN aliases text[] NOT NULL DEFAULT '{}';
ALTER TABLE teams ADD CONSTRAINT teams_aliases_check CHECK (cardinality(aliases) <= 10);
