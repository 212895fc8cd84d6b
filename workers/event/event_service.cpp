// Event operations; see event_service.hpp.
#include "event/event_service.hpp"

#include <random>

#include "common/cursor.hpp"
#include "common/event_access.hpp"
#include "common/time_text.hpp"
#include "common/validation.hpp"
#include "domain/refusal.hpp"
#include "domain/status_rules.hpp"
#include "event/event_view.hpp"
#include "event/slug.hpp"
#include "game/game_repository.hpp"
#include "member/member_repository.hpp"
#include "outbox/outbox_repository.hpp"
#include "standings/standings_service.hpp"

namespace tournament {
namespace {

constexpr std::string_view kEventCursor = "ev";

// What the client sent for the enum fields, and whether it parsed (the row
// keeps its old value where it did not).
struct EnumFields {
    bool format_known = true;
    bool status_known = true;
};

// Sets `field` from `text` when it parses; answers whether it did.
template <class T, class Parse>
bool parse_into(const std::optional<std::string>& text, Parse parse, T& field) {
    if (!text) {
        return true;
    }
    const std::optional<T> parsed = parse(*text);
    if (parsed) {
        field = *parsed;
    }
    return parsed.has_value();
}

// Adds every rule the event breaks to `errors`. The time zone is looked up
// only when `check_time_zone` (it changed).
void validate(db::Tx& tx, const EventRow& e, const EnumFields& sent, bool check_time_zone,
              FieldErrors& errors) {
    errors.check_text("name", e.name, 1, 200);
    errors.check_text("sport", e.sport, 1, 50);
    if (!is_valid_slug(e.slug)) {
        errors.add("slug",
                   "must be lower-case letters and digits in groups joined by single "
                   "'-', at most 120 characters");
    }
    if (!sent.format_known) {
        errors.add("format", "must be round_robin, double_round_robin or single_elimination");
    }
    if (!sent.status_known) {
        errors.add("status", "must be draft, scheduled, live, completed or archived");
    }
    const auto starts = parse_date(e.starts_on);
    if (!starts) {
        errors.add("starts_on", "must be a date as YYYY-MM-DD");
    }
    if (e.ends_on) {
        const auto ends = parse_date(*e.ends_on);
        if (!ends) {
            errors.add("ends_on", "must be a date as YYYY-MM-DD");
        } else if (starts && *ends < *starts) {
            errors.add("ends_on", "must not be before starts_on");
        }
    }
    if (e.time_zone.empty() || e.time_zone.size() > 64) {
        errors.add("time_zone", "must be an IANA time zone name such as Europe/London");
    } else if (check_time_zone && !event_repo::time_zone_exists(tx, e.time_zone)) {
        errors.add("time_zone", "is not a known IANA time zone name (e.g. Europe/London)");
    }
    const domain::Points& p = e.points;
    if (p.win > 100 || p.loss < -100 || p.win < p.draw || p.draw < p.loss) {
        errors.add("points", "needs win >= draw >= loss, win at most 100 and loss at least -100");
    }
    const auto order = domain::parse_tiebreakers(e.tiebreakers);
    if (order.error != domain::TiebreakerError::kNone) {
        errors.add("tiebreakers",
                   order.error == domain::TiebreakerError::kTooMany
                       ? "at most 10 tiebreakers"
                       : "entry " + std::to_string(order.index) +
                             " is unknown or repeated; choose from points, goal_difference, "
                             "goals_for, goals_against, head_to_head, wins, away_goals_for");
    }
}

std::vector<std::string> default_tiebreaker_names() {
    std::vector<std::string> names;
    for (auto t : domain::default_tiebreakers()) {
        names.emplace_back(domain::to_string(t));
    }
    return names;
}

// Inserts under the first free slug of base, base-2, …, then a random suffix.
std::int64_t insert_with_free_slug(db::Tx& tx, EventRow& row) {
    const std::string base = row.slug;
    for (int n = 1; n <= 20; ++n) {
        row.slug = n == 1 ? base : base + "-" + std::to_string(n);
        if (auto id = event_repo::insert(tx, row)) {
            return *id;
        }
    }
    std::random_device rd;
    for (;;) {
        row.slug = base + "-" + std::to_string(rd() % 1000000000u);
        if (auto id = event_repo::insert(tx, row)) {
            return *id;
        }
    }
}

void check_version(std::optional<std::int64_t> expected, std::int64_t current) {
    if (expected && *expected != current) {
        throw domain::Refusal::stale_version("the event has changed since version " +
                                                 std::to_string(*expected) + " (it is at version " +
                                                 std::to_string(current) + "); read it again",
                                             current);
    }
}

EnumFields apply(const EventPatch& p, EventRow& e) {
    auto set = [](const std::optional<std::string>& v, std::string& field) {
        if (v) {
            field = *v;
        }
    };
    if (p.name) {
        e.name = trimmed(*p.name);
    }
    set(p.slug, e.slug);
    if (p.sport) {
        e.sport = trimmed(*p.sport);
    }
    const EnumFields sent{parse_into(p.format, domain::parse_format, e.format),
                          parse_into(p.status, domain::parse_event_status, e.status)};
    set(p.starts_on, e.starts_on);
    if (p.ends_on_set) {
        e.ends_on = p.ends_on;
    }
    set(p.time_zone, e.time_zone);
    if (p.points) {
        e.points = *p.points;
    }
    if (p.tiebreakers) {
        e.tiebreakers = *p.tiebreakers;
    }
    return sent;
}

// The event `event_id` for a caller who may read it (404 otherwise).
EventRow read_event(db::Tx& tx, const Caller& caller, std::int64_t event_id) {
    (void)require_event(tx, caller, event_id, authz::Action::kReadEvent);
    auto row = event_repo::find(tx, event_id);
    if (!row) {
        throw domain::Refusal::not_found("no event or game with this id");
    }
    return *row;
}

}  // namespace

EventRow create_event_in(db::Tx& tx, const Caller& caller, const EventInput& in) {
    const authz::Actor& actor = require_signed_in(caller);
    if (authz::may(caller.actor, authz::Action::kCreateEvent,
                   authz::Resource::event(std::nullopt, false)) != authz::Decision::kAllow) {
        throw domain::Refusal::forbidden("you may not create events");
    }
    EventRow row;
    row.name = trimmed(in.name);
    row.sport = trimmed(in.sport);
    const EnumFields sent{
        parse_into(std::optional<std::string>(in.format), domain::parse_format, row.format)};
    row.starts_on = in.starts_on;
    row.ends_on = in.ends_on;
    row.time_zone = in.time_zone.value_or("UTC");
    row.points = in.points.value_or(domain::Points{});
    row.tiebreakers = in.tiebreakers.value_or(default_tiebreaker_names());
    row.owner_id = actor.user_id;
    row.slug = in.slug.value_or(slugify(row.name));
    FieldErrors errors;
    validate(tx, row, sent, row.time_zone != "UTC", errors);
    errors.throw_if_any("the event cannot be created as sent");

    std::int64_t id = 0;
    if (in.slug) {
        auto inserted = event_repo::insert(tx, row);
        if (!inserted) {
            throw domain::Refusal::conflict("another event has this slug", {{"slug", "is taken"}});
        }
        id = *inserted;
    } else {
        id = insert_with_free_slug(tx, row);
    }
    (void)member_repo::put(tx, id, actor.user_id, "organizer");
    EventRow created = *event_repo::find(tx, id);
    const nlohmann::json after = to_json(created);
    audit::record(tx, caller.origin,
                  {actor.user_id, "event.created", "event", id, std::nullopt, after});
    outbox::publish(tx, id, "event.updated", "event", after);
    return created;
}

EventRow create_event(db::Connection& conn, const Caller& caller, const EventInput& input) {
    return db::with_retry(conn, caller.attempts,
                          [&](db::Tx& tx) { return create_event_in(tx, caller, input); });
}

EventRow get_event(db::Connection& conn, const Caller& caller, std::int64_t event_id) {
    return db::with_retry(conn, caller.attempts,
                          [&](db::Tx& tx) { return read_event(tx, caller, event_id); });
}

EventRow get_event_by_slug(db::Connection& conn, const Caller& caller, const std::string& slug) {
    return db::with_retry(conn, caller.attempts, [&](db::Tx& tx) {
        const auto id = is_valid_slug(slug) ? event_repo::id_of_slug(tx, slug) : std::nullopt;
        const auto access =
            id ? event_repo::access(tx, *id, caller.user_id(), Lock::kNone) : std::nullopt;
        // A draft the caller may not read answers like an unknown slug, word for word.
        if (!access || authz::may(caller.actor, authz::Action::kReadEvent,
                                  authz::Resource::event(access->role, access->draft())) !=
                           authz::Decision::kAllow) {
            throw domain::Refusal::not_found("no event with this slug");
        }
        return read_event(tx, caller, *id);
    });
}

Page list_events(db::Connection& conn, const Caller& caller, const EventListQuery& query) {
    event_repo::EventFilter f;
    f.viewer_id = caller.user_id();
    f.viewer_is_admin = caller.actor && caller.actor->role == authz::GlobalRole::kAdmin;
    f.q = query.q;
    f.sport = query.sport;
    f.status = query.status;
    f.from = query.from;
    f.to = query.to;
    f.slug = query.slug;
    f.limit = query.limit;
    if (query.cursor) {
        const Cursor c = client_cursor(kEventCursor, query.cursor, [](std::string_view key) {
            return parse_date(key).has_value();
        });
        f.after_starts_on = c.key;
        f.after_id = c.id;
    }
    auto rows =
        db::with_retry(conn, caller.attempts, [&](db::Tx& tx) { return event_repo::list(tx, f); });
    Page page;
    const bool more = rows.size() > static_cast<std::size_t>(query.limit);
    if (more) {
        rows.resize(static_cast<std::size_t>(query.limit));
        page.next_cursor =
            encode_cursor(kEventCursor, rows.back().event.starts_on, rows.back().event.id);
    }
    for (const auto& item : rows) {
        // The query already leaves out drafts the viewer may not see; the
        // rule itself has the last word.
        const auto resource =
            authz::Resource::event(item.role, item.event.status == domain::EventStatus::kDraft);
        if (authz::may(caller.actor, authz::Action::kReadEvent, resource) ==
            authz::Decision::kAllow) {
            page.items.push_back(to_json(item.event));
        }
    }
    return page;
}

EventRow update_event_in(db::Tx& tx, const Caller& caller, std::int64_t event_id,
                         const EventPatch& patch, std::optional<std::int64_t> expected_version) {
    (void)require_event(tx, caller, event_id, authz::Action::kUpdateEvent, Lock::kUpdate);
    const EventRow before = *event_repo::find(tx, event_id);
    check_version(expected_version, before.version);
    EventRow row = before;
    const EnumFields sent = apply(patch, row);
    FieldErrors errors;
    validate(tx, row, sent, row.time_zone != before.time_zone, errors);
    errors.throw_if_any("the event cannot be changed as sent");
    if (domain::event_transition(before.status, row.status) != domain::EventRefusal::kNone) {
        throw domain::Refusal::conflict(
            "an event's status only moves forward: draft, scheduled, live, completed, archived",
            {{"status", "cannot go back from " + std::string(domain::to_string(before.status))}});
    }
    if (row.format != before.format && game_repo::counts(tx, event_id).games > 0) {
        throw domain::Refusal::conflict("the format cannot change once games exist",
                                        {{"format", "delete the schedule first"}});
    }
    if (row.slug != before.slug && event_repo::slug_taken(tx, row.slug, event_id)) {
        throw domain::Refusal::conflict("another event has this slug", {{"slug", "is taken"}});
    }
    (void)event_repo::update(tx, row);
    const EventRow after = *event_repo::find(tx, event_id);
    if (after.format != before.format || after.tiebreakers != before.tiebreakers ||
        after.points.win != before.points.win || after.points.draw != before.points.draw ||
        after.points.loss != before.points.loss) {
        (void)refresh_standings(tx, event_id);
    }
    const nlohmann::json after_json = to_json(after);
    audit::record(
        tx, caller.origin,
        {caller.user_id(), "event.updated", "event", event_id, to_json(before), after_json});
    outbox::publish(tx, event_id, "event.updated", "event", after_json);
    return after;
}

EventRow update_event(db::Connection& conn, const Caller& caller, std::int64_t event_id,
                      const EventPatch& patch, std::optional<std::int64_t> expected_version) {
    return db::with_retry(conn, caller.attempts, [&](db::Tx& tx) {
        return update_event_in(tx, caller, event_id, patch, expected_version);
    });
}

void delete_event(db::Connection& conn, const Caller& caller, std::int64_t event_id,
                  std::optional<std::int64_t> expected_version) {
    db::with_retry(conn, caller.attempts, [&](db::Tx& tx) {
        (void)require_event(tx, caller, event_id, authz::Action::kUpdateEvent, Lock::kUpdate);
        const EventRow before = *event_repo::find(tx, event_id);
        check_version(expected_version, before.version);
        event_repo::remove(tx, event_id);
        audit::record(
            tx, caller.origin,
            {caller.user_id(), "event.deleted", "event", event_id, to_json(before), std::nullopt});
        outbox::publish(tx, event_id, "event.deleted", "event",
                        {{"id", event_id}, {"deleted", true}});
    });
}

}  // namespace tournament
