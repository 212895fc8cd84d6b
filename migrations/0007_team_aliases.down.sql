-- 0007_team_aliases (down): teams without aliases.

ALTER TABLE teams DROP COLUMN aliases;
