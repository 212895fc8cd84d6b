// Formatting shared by the pages: dates in the event's time zone, scores,
// status and format names.

const EN_DASH = "\u2013";

function safeZone(timeZone) {
  try {
    new Intl.DateTimeFormat("en-GB", {timeZone});
    return timeZone;
  } catch {
    return "UTC";
  }
}

// "Sat 6 Dec 2026, 15:00" in the event's time zone.
export function dateTime(iso, timeZone = "UTC") {
  if (!iso) {
    return "";
  }
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: safeZone(timeZone),
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  }).format(new Date(iso));
}

// "15:00" in the event's time zone.
export function time(iso, timeZone = "UTC") {
  if (!iso) {
    return "";
  }
  return new Intl.DateTimeFormat("en-GB", {timeZone: safeZone(timeZone), hour: "2-digit", minute: "2-digit"}).format(
    new Date(iso),
  );
}

// The calendar day (YYYY-MM-DD) of an instant in the event's time zone, for grouping.
export function dayKey(iso, timeZone = "UTC") {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: safeZone(timeZone),
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(new Date(iso));
  const get = (type) => parts.find((p) => p.type === type).value;
  return `${get("year")}-${get("month")}-${get("day")}`;
}

// "Saturday 6 December 2026" for a YYYY-MM-DD date (a calendar day, no zone).
export function longDate(day) {
  if (!day) {
    return "";
  }
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: "UTC",
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
  }).format(new Date(`${day}T00:00:00Z`));
}

// "6 Dec 2026" for a YYYY-MM-DD date.
export function shortDate(day) {
  if (!day) {
    return "";
  }
  return new Intl.DateTimeFormat("en-GB", {timeZone: "UTC", day: "numeric", month: "short", year: "numeric"}).format(
    new Date(`${day}T00:00:00Z`),
  );
}

// "2 – 1", or "–" before a score exists.
export function scoreText(game) {
  if (!game || game.home_score === null || game.home_score === undefined) {
    return EN_DASH;
  }
  return `${game.home_score} ${EN_DASH} ${game.away_score}`;
}

const STATUS = {
  scheduled: "Scheduled",
  live: "Live",
  final: "Full time",
  postponed: "Postponed",
  cancelled: "Cancelled",
  draft: "Draft",
  completed: "Completed",
  archived: "Archived",
};

export function statusLabel(status) {
  return STATUS[status] || String(status || "");
}

const FORMATS = {
  round_robin: "Round robin",
  double_round_robin: "Double round robin",
  single_elimination: "Knockout (single elimination)",
};

export function formatLabel(format) {
  return FORMATS[format] || String(format || "");
}

const TIEBREAKERS = {
  points: "Points",
  goal_difference: "Goal difference",
  goals_for: "Goals scored",
  goals_against: "Fewest goals conceded",
  head_to_head: "Head-to-head results between the tied teams",
  wins: "Games won",
  away_goals_for: "Away goals scored",
};

export function tiebreakerLabel(key) {
  return TIEBREAKERS[key] || String(key);
}

export function teamName(game, side) {
  const name = game[`${side}_team_name`];
  if (name) {
    return name;
  }
  return game[`${side}_team_id`] ? `Team ${game[`${side}_team_id`]}` : "To be decided";
}
