// Team operations; see team_service.hpp.
#include "team/team_service.hpp"

#include "common/cursor.hpp"
#include "common/event_access.hpp"
#include "common/validation.hpp"
#include "domain/refusal.hpp"
#include "outbox/outbox_repository.hpp"
#include "standings/standings_service.hpp"
#include "team/team_view.hpp"

namespace tournament {
namespace {

constexpr std::string_view kTeamCursor = "tm";
constexpr std::size_t kMaxAliases = 10;  // teams_aliases_check

std::vector<std::string> trimmed_all(const std::vector<std::string>& texts) {
    std::vector<std::string> out;
    out.reserve(texts.size());
    for (const std::string& t : texts) {
        out.push_back(trimmed(t));
    }
    return out;
}

void validate(const TeamRow& t) {
    FieldErrors errors;
    errors.check_text("name", t.name, 1, 100);
    if (t.short_name) {
        errors.check_text("short_name", *t.short_name, 1, 16);
    }
    if (t.aliases.size() > kMaxAliases) {
        errors.add("aliases", "at most " + std::to_string(kMaxAliases) + " aliases");
    }
    for (std::size_t i = 0; i < t.aliases.size() && i < kMaxAliases; ++i) {
        errors.check_text("aliases[" + std::to_string(i) + "]", t.aliases[i], 1, 40);
    }
    if (t.seed && (*t.seed < 1 || *t.seed > 100000)) {
        errors.add("seed", "must be from 1 to 100000");
    }
    errors.throw_if_any("the team cannot be saved as sent");
}

// Runs a team write, turning the unique indexes' refusals into 409s.
template <class F>
auto with_team_conflicts(db::Connection& conn, const Caller& caller, F&& fn) {
    try {
        return db::with_retry(conn, caller.attempts, fn);
    } catch (const db::UniqueViolation& e) {
        if (e.constraint() == "teams_event_id_seed_key") {
            throw domain::Refusal::conflict("another team of this event has this seed",
                                            {{"seed", "is taken"}});
        }
        throw domain::Refusal::conflict(
            "another team of this event has this name (names are compared "
            "without regard to case)",
            {{"name", "is taken"}});
    }
}

void publish_team(db::Tx& tx, const Caller& caller, const char* action,
                  const std::optional<TeamRow>& before, const TeamRow& after) {
    const nlohmann::json json = to_json(after);
    audit::record(tx, caller.origin,
                  {caller.user_id(), action, "team", after.id,
                   before ? std::optional<nlohmann::json>(to_json(*before)) : std::nullopt, json});
    outbox::publish(tx, after.event_id, "team.updated", "team", json);
    (void)refresh_standings(tx, after.event_id);
}

}  // namespace

TeamRow create_team_in(db::Tx& tx, const Caller& caller, std::int64_t event_id,
                       const TeamInput& input) {
    (void)require_event(tx, caller, event_id, authz::Action::kUpdateEvent, Lock::kShare);
    TeamRow row;
    row.event_id = event_id;
    row.name = trimmed(input.name);
    if (input.short_name) {
        row.short_name = trimmed(*input.short_name);
    }
    row.seed = input.seed;
    row.aliases = trimmed_all(input.aliases);
    validate(row);
    TeamRow created = team_repo::insert(tx, row);
    publish_team(tx, caller, "team.created", std::nullopt, created);
    return created;
}

TeamRow create_team(db::Connection& conn, const Caller& caller, std::int64_t event_id,
                    const TeamInput& input) {
    return with_team_conflicts(
        conn, caller, [&](db::Tx& tx) { return create_team_in(tx, caller, event_id, input); });
}

TeamRow update_team(db::Connection& conn, const Caller& caller, std::int64_t event_id,
                    std::int64_t team_id, const TeamPatch& patch) {
    return with_team_conflicts(conn, caller, [&](db::Tx& tx) {
        (void)require_event(tx, caller, event_id, authz::Action::kUpdateEvent, Lock::kShare);
        const auto before = team_repo::find(tx, event_id, team_id, true);
        if (!before) {
            throw domain::Refusal::not_found("no team with this id in this event");
        }
        TeamRow row = *before;
        if (patch.name) {
            row.name = trimmed(*patch.name);
        }
        if (patch.short_name_set) {
            row.short_name =
                patch.short_name ? std::optional(trimmed(*patch.short_name)) : std::nullopt;
        }
        if (patch.seed_set) {
            row.seed = patch.seed;
        }
        if (patch.aliases) {
            row.aliases = trimmed_all(*patch.aliases);
        }
        validate(row);
        TeamRow after = team_repo::update(tx, row);
        publish_team(tx, caller, "team.updated", before, after);
        return after;
    });
}

void delete_team(db::Connection& conn, const Caller& caller, std::int64_t event_id,
                 std::int64_t team_id) {
    try {
        db::with_retry(conn, caller.attempts, [&](db::Tx& tx) {
            (void)require_event(tx, caller, event_id, authz::Action::kUpdateEvent, Lock::kShare);
            const auto before = team_repo::find(tx, event_id, team_id, true);
            if (!before) {
                throw domain::Refusal::not_found("no team with this id in this event");
            }
            const auto games = team_repo::game_counts(tx, event_id, team_id);
            if (games.played > 0) {
                throw domain::Refusal::conflict(
                    "the team has played; a team with results cannot be "
                    "removed");
            }
            if (games.games > 0) {
                throw domain::Refusal::conflict(
                    "the team is in the schedule; replace the schedule or "
                    "remove its games first");
            }
            team_repo::remove(tx, team_id);
            audit::record(tx, caller.origin,
                          {caller.user_id(), "team.deleted", "team", team_id, to_json(*before),
                           std::nullopt});
            outbox::publish(tx, event_id, "team.deleted", "team",
                            {{"id", team_id}, {"deleted", true}});
            (void)refresh_standings(tx, event_id);
        });
    } catch (const db::ForeignKeyViolation&) {
        // A game naming the team was added concurrently.
        throw domain::Refusal::conflict("the team is in a game and cannot be removed");
    }
}

Page list_teams(db::Connection& conn, const Caller& caller, std::int64_t event_id,
                const std::optional<std::string>& cursor, int limit) {
    const std::int64_t after = client_cursor(kTeamCursor, cursor).id;
    auto rows = db::with_retry(conn, caller.attempts, [&](db::Tx& tx) {
        (void)require_event(tx, caller, event_id, authz::Action::kReadEvent);
        return team_repo::list(tx, event_id, after, limit);
    });
    Page page;
    if (rows.size() > static_cast<std::size_t>(limit)) {
        rows.resize(static_cast<std::size_t>(limit));
        page.next_cursor = encode_cursor(kTeamCursor, "", rows.back().id);
    }
    for (const auto& t : rows) {
        page.items.push_back(to_json(t));
    }
    return page;
}

}  // namespace tournament
