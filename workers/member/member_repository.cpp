// SQL of event members; see member_repository.hpp.
#include "member/member_repository.hpp"

#include "db/sql_utc.hpp"

namespace tournament::member_repo {
namespace {

// The old role comes back too, so one statement tells added / changed / unchanged.
constexpr db::Statement kPut{
    "tour_member_put",
    "WITH old AS (SELECT role FROM event_members WHERE event_id = $1 AND user_id = $2) "
    "INSERT INTO event_members (event_id, user_id, role) VALUES ($1, $2, $3) "
    "ON CONFLICT (event_id, user_id) DO UPDATE SET role = EXCLUDED.role "
    "RETURNING (SELECT role FROM old)"};

constexpr db::Statement kRoleOf{
    "tour_member_role", "SELECT role FROM event_members WHERE event_id = $1 AND user_id = $2"};

constexpr db::Statement kCountOrganizers{
    "tour_member_count_organizers",
    "SELECT count(*) FROM event_members WHERE event_id = $1 AND role = 'organizer'"};

constexpr db::Statement kRemove{"tour_member_remove",
                                "DELETE FROM event_members WHERE event_id = $1 AND user_id = $2"};

#define SL_MEMBER_SELECT                                               \
    "SELECT m.user_id, u.display_name, m.role, " SCORELINE_SQL_UTC_MS( \
        "m.created_at") " FROM event_members m JOIN users u ON u.id = m.user_id "
constexpr db::Statement kFind{"tour_member_find",
                              SL_MEMBER_SELECT "WHERE m.event_id = $1 AND m.user_id = $2"};
constexpr db::Statement kList{
    "tour_member_list",
    SL_MEMBER_SELECT "WHERE m.event_id = $1 AND m.user_id > $2 ORDER BY m.user_id LIMIT $3"};
#undef SL_MEMBER_SELECT

nlohmann::json read_member(const db::Result& r, int row) {
    return {{"user_id", r.get<std::int64_t>(row, 0)},
            {"display_name", r.get<std::string>(row, 1)},
            {"role", r.get<std::string>(row, 2)},
            {"added_at", r.get<std::string>(row, 3)}};
}

}  // namespace

Upsert put(db::Tx& tx, std::int64_t event_id, std::int64_t user_id, const std::string& role) {
    db::Result r = tx.exec(kPut, event_id, user_id, role);
    const auto old = r.get_opt<std::string>(0, 0);
    if (!old) {
        return Upsert::kAdded;
    }
    return *old == role ? Upsert::kUnchanged : Upsert::kChanged;
}

std::optional<std::string> role_of(db::Tx& tx, std::int64_t event_id, std::int64_t user_id) {
    db::Result r = tx.exec(kRoleOf, event_id, user_id);
    if (r.empty()) {
        return std::nullopt;
    }
    return r.get<std::string>(0, 0);
}

int count_organizers(db::Tx& tx, std::int64_t event_id) {
    return tx.exec(kCountOrganizers, event_id).get<int>(0, 0);
}

void remove(db::Tx& tx, std::int64_t event_id, std::int64_t user_id) {
    (void)tx.exec(kRemove, event_id, user_id);
}

nlohmann::json find(db::Tx& tx, std::int64_t event_id, std::int64_t user_id) {
    db::Result r = tx.exec(kFind, event_id, user_id);
    return r.empty() ? nlohmann::json(nullptr) : read_member(r, 0);
}

nlohmann::json list(db::Tx& tx, std::int64_t event_id, std::int64_t after_user_id, int limit) {
    db::Result r = tx.exec(kList, event_id, after_user_id, limit + 1);
    nlohmann::json items = nlohmann::json::array();
    for (int i = 0; i < r.rows(); ++i) {
        items.push_back(read_member(r, i));
    }
    return items;
}

}  // namespace tournament::member_repo
