// SQL text that renders a timestamptz expression as UTC ISO-8601 text
// ("2025-04-02T18:00:00Z"), for the select lists of named statements
// (db::Statement): string-literal concatenation, hence macros. The number of
// fraction digits is part of each API field's shape and is chosen per
// column: seconds (users.created_at, games.starts_at), milliseconds (events,
// teams, members, games.updated_at, score history) or microseconds (the audit
// log). The fragment itself is written here only.
#pragma once

#define SCORELINE_SQL_UTC_(expr, fraction) \
    "to_char(" expr " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS" fraction "\"Z\"')"
#define SCORELINE_SQL_UTC_S(expr) SCORELINE_SQL_UTC_(expr, "")
#define SCORELINE_SQL_UTC_MS(expr) SCORELINE_SQL_UTC_(expr, ".MS")
#define SCORELINE_SQL_UTC_US(expr) SCORELINE_SQL_UTC_(expr, ".US")
