// ratelimit::parse_limit: the text form of a token-bucket limit in settings
// such as SCORELINE_RATE_LIMIT_READ. Called at start by scoreline-api's
// config loader; a bad value throws config::Error naming the setting.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ratelimit/shared_buckets.hpp"

namespace ratelimit {

// "off" -> nullopt (no limit). Otherwise "RATE/UNIT burst BURST": RATE and
// BURST whole numbers from 1 to 1000000, UNIT `s` (per second) or `m` (per
// minute), single spaces, e.g. "50/s burst 100" or "30/m burst 10".
[[nodiscard]] std::optional<Limit> parse_limit(std::string_view setting, std::string_view text);

// The same text for a limit (for logs): "50/s burst 100", "off" for nullopt.
[[nodiscard]] std::string to_string(const std::optional<Limit>& limit);

}  // namespace ratelimit
