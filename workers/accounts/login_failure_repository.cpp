// SQL of the login throttle's counters; see login_failure_repository.hpp.
#include "accounts/login_failure_repository.hpp"

namespace accounts::login_failures {
namespace {

constexpr db::Statement kLock{"login_failures_lock",
                              "SELECT pg_advisory_xact_lock(hashtextextended('scoreline.login.' || "
                              "$1::text || ':' || $2::text, 0))"};
constexpr db::Statement kRecent{
    "login_failures_recent",
    "SELECT count(*) FILTER (WHERE scope = 'account'), "
    "coalesce(extract(epoch FROM max(created_at) FILTER (WHERE scope = 'account')), 0)::float8, "
    "count(*) FILTER (WHERE scope = 'ip'), "
    "coalesce(extract(epoch FROM max(created_at) FILTER (WHERE scope = 'ip')), 0)::float8, "
    "extract(epoch FROM now())::float8 "
    "FROM login_failures WHERE ((scope = 'account' AND key = $1) OR (scope = 'ip' AND key = $2)) "
    "AND created_at > now() - make_interval(secs => $3)"};
constexpr db::Statement kRecord{
    "login_failures_record",
    "INSERT INTO login_failures (scope, key) SELECT v.scope, v.key "
    "FROM (VALUES ('account', $1::text), ('ip', $2::text)) AS v (scope, key) "
    "WHERE v.key IS NOT NULL"};
constexpr db::Statement kClearAccount{
    "login_failures_clear_account",
    "DELETE FROM login_failures WHERE scope = 'account' AND key = $1"};
constexpr db::Statement kPurge{
    "login_failures_purge",
    "DELETE FROM login_failures WHERE id IN (SELECT id FROM login_failures "
    "WHERE created_at < now() - make_interval(secs => $1) ORDER BY created_at LIMIT 200)"};

}  // namespace

void lock(db::Tx& tx, std::string_view account, const std::optional<std::string>& ip) {
    (void)tx.exec(kLock, "account", account);
    if (ip) {
        (void)tx.exec(kLock, "ip", *ip);
    }
}

Recent recent(db::Tx& tx, std::string_view account, const std::optional<std::string>& ip,
              std::chrono::seconds window) {
    db::Result r = tx.exec(kRecent, account, ip, window.count());
    Recent out;
    out.account = {r.get<std::int64_t>(0, 0), r.get<double>(0, 1)};
    out.ip = {r.get<std::int64_t>(0, 2), r.get<double>(0, 3)};
    out.now = r.get<double>(0, 4);
    return out;
}

void record(db::Tx& tx, std::string_view account, const std::optional<std::string>& ip) {
    (void)tx.exec(kRecord, account, ip);
}

void clear_account(db::Tx& tx, std::string_view account) {
    (void)tx.exec(kClearAccount, account);
}

void purge_expired(db::Tx& tx, std::chrono::seconds window) {
    (void)tx.exec(kPurge, window.count());
}

}  // namespace accounts::login_failures
