// GET /api/v1/admin/audit (admins only): the audit log, newest first, with
// filters actor_id, action, from (inclusive), to (exclusive), and cursor
// pagination: {items, next_cursor}, limit 1-200 (default 50).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "router.hpp"

namespace api {

void add_audit_routes(Router& router);

// Strict ISO-8601 for query filters: YYYY-MM-DD, or YYYY-MM-DDTHH:MM[:SS[.f…]]
// followed by Z or ±HH:MM. Returns the text unchanged when valid (PostgreSQL
// reads it as timestamptz), nullopt otherwise. Exposed for unit tests.
[[nodiscard]] std::optional<std::string> parse_timestamp_filter(std::string_view text);

// The opaque cursor: encodes the id the next page starts below.
[[nodiscard]] std::string encode_audit_cursor(std::int64_t before_id);
[[nodiscard]] std::optional<std::int64_t> decode_audit_cursor(std::string_view cursor);

}  // namespace api
