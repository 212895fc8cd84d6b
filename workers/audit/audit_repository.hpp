// audit::record and audit::list: the audit_log table. record() runs inside
// the caller's transaction, so an audited change and its row commit together.
// Values in before/after are chosen by the caller and never hold secrets.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "db/connection.hpp"

namespace audit {

// Where a change came from: the client address nginx saw (REMOTE_ADDR) and
// the request id. Both empty for the command line. Built at the handler edge
// (api::origin_of); nothing below the handlers sees the request.
struct Origin {
    std::optional<std::string> ip;  // a valid IPv4/IPv6 address or nothing
    std::optional<std::string> request_id;

    // Keeps `remote_addr` only when it is a valid IPv4/IPv6 address.
    [[nodiscard]] static Origin from(std::string_view remote_addr, std::string_view request_id);
};

struct Entry {
    std::optional<std::int64_t> actor_id;  // who did it; empty = anonymous or the system
    std::string action;                    // e.g. auth.login_failed
    std::string target_type;               // e.g. user
    std::optional<std::int64_t> target_id;
    std::optional<nlohmann::json> before;
    std::optional<nlohmann::json> after;
};

void record(db::Tx& tx, const Origin& origin, const Entry& entry);

struct Filter {
    std::optional<std::int64_t> actor_id;
    std::optional<std::string> action;
    std::optional<std::string> from;        // timestamptz text, inclusive
    std::optional<std::string> to;          // timestamptz text, exclusive
    std::optional<std::int64_t> before_id;  // the cursor: rows with smaller ids
    int limit = 50;
};

struct Page {
    nlohmann::json items = nlohmann::json::array();
    std::optional<std::int64_t> next_before_id;  // set when more rows follow
};

// Newest first (by id), at most filter.limit rows.
[[nodiscard]] Page list(db::Connection& conn, const Filter& filter);

}  // namespace audit
