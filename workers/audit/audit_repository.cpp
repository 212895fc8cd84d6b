// SQL of the audit log; see audit_repository.hpp.
#include "audit/audit_repository.hpp"

#include <arpa/inet.h>

#include "db/sql_utc.hpp"

namespace audit {
namespace {

constexpr db::Statement kInsert{
    "audit_insert",
    "INSERT INTO audit_log (actor_id, action, target_type, target_id, before, after, ip, "
    "request_id) VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::inet, $8)"};

// Optional filters as "$n IS NULL OR …": one prepared statement for every combination.
constexpr db::Statement kList{
    "audit_list",
    "SELECT a.id, a.actor_id, a.action, a.target_type, a.target_id, a.before::text, "
    "a.after::text, host(a.ip), a.request_id, " SCORELINE_SQL_UTC_US("a.created_at") ", "
    "u.display_name "
    "FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id "
    "WHERE ($1::bigint IS NULL OR a.actor_id = $1) AND ($2::text IS NULL OR a.action = $2) "
    "AND ($3::timestamptz IS NULL OR a.created_at >= $3) "
    "AND ($4::timestamptz IS NULL OR a.created_at < $4) "
    "AND ($5::bigint IS NULL OR a.id < $5) "
    "ORDER BY a.id DESC LIMIT $6"};

bool is_ip_address(const std::string& text) {
    unsigned char buf[sizeof(in6_addr)];
    return ::inet_pton(AF_INET, text.c_str(), buf) == 1 ||
           ::inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

std::optional<std::string> dump(const std::optional<nlohmann::json>& j) {
    if (!j) {
        return std::nullopt;
    }
    return j->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json json_or_null(const db::Result& r, int row, int col) {
    auto text = r.get_opt<std::string>(row, col);
    return text ? nlohmann::json::parse(*text) : nlohmann::json(nullptr);
}

}  // namespace

Origin Origin::from(std::string_view remote_addr, std::string_view request_id) {
    Origin o;
    if (is_ip_address(std::string(remote_addr))) {
        o.ip = std::string(remote_addr);
    }
    if (!request_id.empty()) {
        o.request_id = std::string(request_id);
    }
    return o;
}

void record(db::Tx& tx, const Origin& origin, const Entry& e) {
    (void)tx.exec(kInsert, e.actor_id, e.action, e.target_type, e.target_id, dump(e.before),
                  dump(e.after), origin.ip, origin.request_id);
}

Page list(db::Connection& conn, const Filter& f) {
    // One row more than asked tells whether another page follows.
    db::Result r = conn.exec(kList, f.actor_id, f.action, f.from, f.to, f.before_id, f.limit + 1);
    Page page;
    const int n = std::min(r.rows(), f.limit);
    for (int i = 0; i < n; ++i) {
        nlohmann::json item;
        item["id"] = r.get<std::int64_t>(i, 0);
        auto actor = r.get_opt<std::int64_t>(i, 1);
        item["actor_id"] = actor ? nlohmann::json(*actor) : nlohmann::json(nullptr);
        // Null for the system and anonymous rows, and for a deleted account.
        auto actor_name = r.get_opt<std::string>(i, 10);
        item["actor_display_name"] =
            actor_name ? nlohmann::json(*actor_name) : nlohmann::json(nullptr);
        item["action"] = r.get<std::string>(i, 2);
        item["target_type"] = r.get<std::string>(i, 3);
        auto target = r.get_opt<std::int64_t>(i, 4);
        item["target_id"] = target ? nlohmann::json(*target) : nlohmann::json(nullptr);
        item["before"] = json_or_null(r, i, 5);
        item["after"] = json_or_null(r, i, 6);
        auto ip = r.get_opt<std::string>(i, 7);
        item["ip"] = ip ? nlohmann::json(*ip) : nlohmann::json(nullptr);
        auto rid = r.get_opt<std::string>(i, 8);
        item["request_id"] = rid ? nlohmann::json(*rid) : nlohmann::json(nullptr);
        item["created_at"] = r.get<std::string>(i, 9);
        page.items.push_back(std::move(item));
    }
    if (r.rows() > f.limit && n > 0) {
        page.next_before_id = page.items.back()["id"].get<std::int64_t>();
    }
    return page;
}

}  // namespace audit
