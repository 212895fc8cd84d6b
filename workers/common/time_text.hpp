// Times and dates as the tournament API writes them: instants are ISO-8601
// with Z or an offset (kept to the second, stored and returned in UTC), dates
// are YYYY-MM-DD. Pure functions; any thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace tournament {

// "2024-05-01T18:00:00Z", "2024-05-01T20:00+02:00", "2024-05-01T18:00:00.250Z"
// (up to 6 fractional digits, dropped). nullopt for anything else, a date alone included.
[[nodiscard]] std::optional<std::chrono::sys_seconds> parse_instant(std::string_view text);

// "2024-05-01T18:00:00Z".
[[nodiscard]] std::string format_instant(std::chrono::sys_seconds instant);

// A valid calendar date "YYYY-MM-DD" (years 1900-2999); nullopt otherwise.
[[nodiscard]] std::optional<std::chrono::year_month_day> parse_date(std::string_view text);

[[nodiscard]] std::string format_date(std::chrono::year_month_day date);

}  // namespace tournament
