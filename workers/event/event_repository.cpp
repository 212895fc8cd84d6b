// SQL of events and event access; see event_repository.hpp.
#include "event/event_repository.hpp"

#include "db/sql_utc.hpp"

namespace tournament {
namespace {

// The columns of an EventRow, in read_event's order.
#define SL_EVENT_COLUMNS                                                                      \
    "e.id, e.name, e.slug, e.sport, e.format, e.status, to_char(e.starts_on, 'YYYY-MM-DD'), " \
    "to_char(e.ends_on, 'YYYY-MM-DD'), e.time_zone, e.points_win, e.points_draw, "            \
    "e.points_loss, array_to_json(e.tiebreakers)::text, e.owner_id, "                         \
    "e.version, " SCORELINE_SQL_UTC_MS("e.created_at") ", " SCORELINE_SQL_UTC_MS("e.updated_at")
constexpr int kEventColumns = 17;

#define SL_ACCESS_SELECT                                     \
    "SELECT e.id, e.status, e.format, m.role FROM events e " \
    "LEFT JOIN event_members m ON m.event_id = e.id AND m.user_id = $2 "

constexpr db::Statement kAccess{"tour_event_access", SL_ACCESS_SELECT "WHERE e.id = $1"};
constexpr db::Statement kAccessShare{"tour_event_access_share",
                                     SL_ACCESS_SELECT "WHERE e.id = $1 FOR SHARE OF e"};
constexpr db::Statement kAccessUpdate{"tour_event_access_update",
                                      SL_ACCESS_SELECT "WHERE e.id = $1 FOR UPDATE OF e"};
#define SL_GAME_EVENT "(SELECT g.event_id FROM games g WHERE g.id = $1)"
constexpr db::Statement kAccessByGame{"tour_game_access",
                                      SL_ACCESS_SELECT "WHERE e.id = " SL_GAME_EVENT};
constexpr db::Statement kAccessByGameShare{
    "tour_game_access_share", SL_ACCESS_SELECT "WHERE e.id = " SL_GAME_EVENT " FOR SHARE OF e"};
constexpr db::Statement kAccessByGameUpdate{
    "tour_game_access_update", SL_ACCESS_SELECT "WHERE e.id = " SL_GAME_EVENT " FOR UPDATE OF e"};
#undef SL_GAME_EVENT
#undef SL_ACCESS_SELECT

constexpr db::Statement kFind{"tour_event_find",
                              "SELECT " SL_EVENT_COLUMNS " FROM events e WHERE e.id = $1"};

// ON CONFLICT keeps the transaction usable when the slug is taken.
constexpr db::Statement kInsert{
    "tour_event_insert",
    "INSERT INTO events (name, slug, sport, format, status, starts_on, ends_on, time_zone, "
    "points_win, points_draw, points_loss, tiebreakers, owner_id) "
    "VALUES ($1, $2, $3, $4, $5, $6::date, $7::date, $8, $9, $10, $11, "
    "ARRAY(SELECT jsonb_array_elements_text($12::jsonb)), $13) "
    "ON CONFLICT (slug) DO NOTHING RETURNING id"};

constexpr db::Statement kUpdate{
    "tour_event_update",
    "UPDATE events SET name = $2, slug = $3, sport = $4, format = $5, status = $6, "
    "starts_on = $7::date, ends_on = $8::date, time_zone = $9, points_win = $10, "
    "points_draw = $11, points_loss = $12, "
    "tiebreakers = ARRAY(SELECT jsonb_array_elements_text($13::jsonb)), version = version + 1 "
    "WHERE id = $1 RETURNING version"};

constexpr db::Statement kIdOfSlug{"tour_event_id_of_slug", "SELECT id FROM events WHERE slug = $1"};

constexpr db::Statement kSlugTaken{"tour_event_slug_taken",
                                   "SELECT 1 FROM events WHERE slug = $1 AND id <> $2"};

constexpr db::Statement kDelete{"tour_event_delete", "DELETE FROM events WHERE id = $1"};

constexpr db::Statement kTimeZone{"tour_time_zone_exists",
                                  "SELECT 1 FROM pg_timezone_names WHERE name = $1"};

// Optional filters as "$n IS NULL OR …"; the keyset (starts_on, id) > ($6, $7)
// always applies, so the (starts_on, id) indexes serve every page.
#define SL_LIST_HEAD                                                                           \
    "SELECT " SL_EVENT_COLUMNS                                                                 \
    ", m.role FROM events e "                                                                  \
    "LEFT JOIN event_members m ON m.event_id = e.id AND m.user_id = $1 "                       \
    "WHERE ($2::text IS NULL OR e.sport = $2) AND ($3::text IS NULL OR e.status = $3) "        \
    "AND ($4::date IS NULL OR e.starts_on >= $4) AND ($5::date IS NULL OR e.starts_on <= $5) " \
    "AND (e.starts_on, e.id) > ($6::date, $7::bigint) "                                        \
    "AND (e.status <> 'draft' OR $8::boolean OR m.role IS NOT NULL) "                          \
    "AND ($10::text IS NULL OR e.slug = $10) "
constexpr db::Statement kList{"tour_event_list",
                              SL_LIST_HEAD "ORDER BY e.starts_on, e.id LIMIT $9"};
// The name search: a pattern with its LIKE metacharacters escaped, matched by
// the trigram index on lower(name).
constexpr db::Statement kSearch{"tour_event_search", SL_LIST_HEAD
                                "AND lower(e.name) LIKE '%' || lower($11) || '%' ESCAPE '\\' "
                                "ORDER BY e.starts_on, e.id LIMIT $9"};
#undef SL_LIST_HEAD

EventRow read_event(const db::Result& r, int row) {
    EventRow e;
    e.id = r.get<std::int64_t>(row, 0);
    e.name = r.get<std::string>(row, 1);
    e.slug = r.get<std::string>(row, 2);
    e.sport = r.get<std::string>(row, 3);
    e.format =
        domain::stored(domain::parse_format(r.text(row, 4)), "events.format", r.text(row, 4));
    e.status =
        domain::stored(domain::parse_event_status(r.text(row, 5)), "events.status", r.text(row, 5));
    e.starts_on = r.get<std::string>(row, 6);
    e.ends_on = r.get_opt<std::string>(row, 7);
    e.time_zone = r.get<std::string>(row, 8);
    e.points = {r.get<int>(row, 9), r.get<int>(row, 10), r.get<int>(row, 11)};
    e.tiebreakers =
        nlohmann::json::parse(r.get<std::string>(row, 12)).get<std::vector<std::string>>();
    e.owner_id = r.get<std::int64_t>(row, 13);
    e.version = r.get<std::int64_t>(row, 14);
    e.created_at = r.get<std::string>(row, 15);
    e.updated_at = r.get<std::string>(row, 16);
    return e;
}

std::optional<EventAccess> read_access(const db::Result& r) {
    if (r.empty()) {
        return std::nullopt;
    }
    EventAccess a;
    a.event_id = r.get<std::int64_t>(0, 0);
    a.status =
        domain::stored(domain::parse_event_status(r.text(0, 1)), "events.status", r.text(0, 1));
    a.format = domain::stored(domain::parse_format(r.text(0, 2)), "events.format", r.text(0, 2));
    if (auto role = r.get_opt<std::string>(0, 3)) {
        a.role = domain::stored(authz::parse_event_role(*role), "event_members.role", *role);
    }
    return a;
}

// LIKE metacharacters of a search text, escaped with '\'.
std::string like_escape(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c == '\\' || c == '%' || c == '_') {
            out += '\\';
        }
        out += c;
    }
    return out;
}

std::string tiebreakers_json(const EventRow& e) {
    return nlohmann::json(e.tiebreakers).dump();
}

}  // namespace

namespace event_repo {

std::optional<EventAccess> access(db::Tx& tx, std::int64_t event_id,
                                  std::optional<std::int64_t> user_id, Lock lock) {
    const db::Statement& stmt =
        lock == Lock::kNone ? kAccess : (lock == Lock::kShare ? kAccessShare : kAccessUpdate);
    return read_access(tx.exec(stmt, event_id, user_id));
}

std::optional<EventAccess> access_by_game(db::Tx& tx, std::int64_t game_id,
                                          std::optional<std::int64_t> user_id, Lock lock) {
    const db::Statement& stmt =
        lock == Lock::kNone ? kAccessByGame
                            : (lock == Lock::kShare ? kAccessByGameShare : kAccessByGameUpdate);
    return read_access(tx.exec(stmt, game_id, user_id));
}

std::optional<EventRow> find(db::Tx& tx, std::int64_t event_id) {
    db::Result r = tx.exec(kFind, event_id);
    if (r.empty()) {
        return std::nullopt;
    }
    return read_event(r, 0);
}

std::optional<std::int64_t> id_of_slug(db::Tx& tx, const std::string& slug) {
    db::Result r = tx.exec(kIdOfSlug, slug);
    if (r.empty()) {
        return std::nullopt;
    }
    return r.get<std::int64_t>(0, 0);
}

std::optional<std::int64_t> insert(db::Tx& tx, const EventRow& e) {
    db::Result r =
        tx.exec(kInsert, e.name, e.slug, e.sport, domain::to_string(e.format),
                domain::to_string(e.status), e.starts_on, e.ends_on, e.time_zone, e.points.win,
                e.points.draw, e.points.loss, tiebreakers_json(e), e.owner_id);
    if (r.empty()) {
        return std::nullopt;
    }
    return r.get<std::int64_t>(0, 0);
}

std::int64_t update(db::Tx& tx, const EventRow& e) {
    db::Result r = tx.exec(kUpdate, e.id, e.name, e.slug, e.sport, domain::to_string(e.format),
                           domain::to_string(e.status), e.starts_on, e.ends_on, e.time_zone,
                           e.points.win, e.points.draw, e.points.loss, tiebreakers_json(e));
    return r.get<std::int64_t>(0, 0);
}

bool slug_taken(db::Tx& tx, const std::string& slug, std::int64_t except_id) {
    return !tx.exec(kSlugTaken, slug, except_id).empty();
}

void remove(db::Tx& tx, std::int64_t event_id) {
    (void)tx.exec(kDelete, event_id);
}

bool time_zone_exists(db::Tx& tx, const std::string& name) {
    return !tx.exec(kTimeZone, name).empty();
}

std::vector<ListedEvent> list(db::Tx& tx, const EventFilter& f) {
    db::Result r =
        f.q ? tx.exec(kSearch, f.viewer_id, f.sport, f.status, f.from, f.to, f.after_starts_on,
                      f.after_id, f.viewer_is_admin, f.limit + 1, f.slug, like_escape(*f.q))
            : tx.exec(kList, f.viewer_id, f.sport, f.status, f.from, f.to, f.after_starts_on,
                      f.after_id, f.viewer_is_admin, f.limit + 1, f.slug);
    std::vector<ListedEvent> out;
    out.reserve(static_cast<std::size_t>(r.rows()));
    for (int i = 0; i < r.rows(); ++i) {
        ListedEvent item{read_event(r, i), std::nullopt};
        if (auto role = r.get_opt<std::string>(i, kEventColumns)) {
            item.role = domain::stored(authz::parse_event_role(*role), "event_members.role", *role);
        }
        out.push_back(std::move(item));
    }
    return out;
}

}  // namespace event_repo
}  // namespace tournament
