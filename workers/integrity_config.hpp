// SCORELINE_INTEGRITY: the integrity detectors' thresholds as one JSON object
// whose members override the defaults of domain::integrity::Thresholds
// (docs/integrity.md lists them). Unknown members, wrong types and values out
// of range are refused at start with the member named.
#pragma once

#include <string_view>

#include "domain/integrity.hpp"

namespace api {

// Throws config::Error naming SCORELINE_INTEGRITY and the member at fault.
[[nodiscard]] domain::integrity::Thresholds parse_integrity_thresholds(std::string_view json);

}  // namespace api
