// Round-robin and bracket schedules with times and venues (see schedule.hpp
// for the time rule). Brackets themselves are built in bracket.cpp.
#include "domain/schedule.hpp"

#include <algorithm>
#include <set>

#include "domain/bracket.hpp"
#include "domain/format_rules.hpp"

namespace domain {
namespace {

// Round robins: the Berger table, then (double) the same rounds mirrored.
// Pairings with the bye position become Bye entries.
void add_round_robin(const std::vector<Team>& seeded, bool twice, Schedule& out) {
    const auto table = berger_rounds(seeded.size());
    const int legs = twice ? 2 : 1;
    const int per_leg = static_cast<int>(table.size());
    for (int leg = 0; leg < legs; ++leg) {
        for (int r = 0; r < per_leg; ++r) {
            const int round = leg * per_leg + r + 1;
            for (const Pairing& p : table[static_cast<std::size_t>(r)]) {
                if (p.home >= seeded.size() || p.away >= seeded.size()) {
                    const std::size_t team = std::min(p.home, p.away);
                    out.byes.push_back({round, seeded[team].id});
                    continue;
                }
                ScheduledGame game;
                game.round = round;
                game.home = seeded[leg == 0 ? p.home : p.away].id;
                game.away = seeded[leg == 0 ? p.away : p.home].id;
                out.games.push_back(std::move(game));
            }
        }
    }
    out.rounds = legs * per_leg;
}

// Gives every game its venue and start by the slot rule. Games are grouped by
// round already (round ascending), which both generators guarantee.
void assign_times(const ScheduleRequest& request, Schedule& out) {
    const std::size_t venues = request.venues.size();
    long long round_first_slot = 0;
    std::size_t i = 0;
    while (i < out.games.size()) {
        const int round = out.games[i].round;
        std::size_t k = 0;
        for (; i < out.games.size() && out.games[i].round == round; ++i, ++k) {
            ScheduledGame& game = out.games[i];
            long long slot = round_first_slot;
            if (venues > 0) {
                game.venue = request.venues[k % venues];
                slot += static_cast<long long>(k / venues);
            }
            game.starts_at =
                request.first_game_at + std::chrono::duration_cast<std::chrono::seconds>(
                                            request.minutes_between_rounds * slot);
        }
        const std::size_t slots = venues == 0 ? 1 : (k + venues - 1) / venues;
        round_first_slot += static_cast<long long>(slots);
    }
}

}  // namespace

std::vector<Team> seeding_order(std::span<const Team> teams) {
    std::vector<Team> sorted(teams.begin(), teams.end());
    std::stable_sort(sorted.begin(), sorted.end(), [](const Team& a, const Team& b) {
        if (a.seed.has_value() != b.seed.has_value()) {
            return a.seed.has_value();
        }
        if (a.seed && *a.seed != *b.seed) {
            return *a.seed < *b.seed;
        }
        return a.id < b.id;
    });
    return sorted;
}

// Berger's arrangement of the circle method. Positions 0..m-1 (m = n - 1, n
// the even count including the bye) rotate; position m is fixed. In Berger
// round j the rotation is r = j * n/2 mod m: the fixed position plays r,
// home in odd rounds, and (r + k) is home to (r - k) for k = 1..(m-1)/2.
// x is home to y exactly when (x - y) mod m is even, which gives each rotating
// position (m-1)/2 home and (m-1)/2 away games among the others, plus one
// game against the fixed position; the fixed one alternates. Pair {a, b}
// meets in the round with 2r = a + b (mod m), unique because m is odd.
std::vector<std::vector<Pairing>> berger_rounds(std::size_t count) {
    const std::size_t n = count + (count % 2);
    const std::size_t m = n - 1;
    std::vector<std::vector<Pairing>> rounds(m);
    for (std::size_t j = 0; j < m; ++j) {
        const std::size_t r = (j * (n / 2)) % m;
        auto& round = rounds[j];
        round.reserve(n / 2);
        if (j % 2 == 0) {
            round.push_back({r, m});
        } else {
            round.push_back({m, r});
        }
        for (std::size_t k = 1; k <= (m - 1) / 2; ++k) {
            round.push_back({(r + k) % m, (r + m - k) % m});
        }
    }
    return rounds;
}

ScheduleError check_schedule_request(const ScheduleRequest& request) {
    if (request.teams.size() < 2) {
        return ScheduleError::kTooFewTeams;
    }
    if (request.teams.size() > kMaxScheduleTeams) {
        return ScheduleError::kTooManyTeams;
    }
    std::set<TeamId> ids;
    std::set<int> seeds;
    for (const Team& team : request.teams) {
        if (!ids.insert(team.id).second) {
            return ScheduleError::kDuplicateTeam;
        }
        if (team.seed) {
            if (*team.seed < 1) {
                return ScheduleError::kBadSeed;
            }
            if (!seeds.insert(*team.seed).second) {
                return ScheduleError::kDuplicateSeed;
            }
        }
    }
    if (request.minutes_between_rounds.count() < 1 ||
        request.minutes_between_rounds > kMaxMinutesBetweenRounds) {
        return ScheduleError::kBadInterval;
    }
    if (request.venues.size() > kMaxVenues) {
        return ScheduleError::kTooManyVenues;
    }
    std::set<std::string_view> venues;
    for (const std::string& venue : request.venues) {
        if (venue.empty() || venue.size() > kMaxVenueChars) {
            return ScheduleError::kBadVenue;
        }
        if (!venues.insert(venue).second) {
            return ScheduleError::kDuplicateVenue;
        }
    }
    return ScheduleError::kNone;
}

std::string_view describe(ScheduleError error) noexcept {
    switch (error) {
        case ScheduleError::kNone:
            return "ok";
        case ScheduleError::kTooFewTeams:
            return "at least 2 teams are needed";
        case ScheduleError::kTooManyTeams:
            return "too many teams to schedule (at most 256)";
        case ScheduleError::kDuplicateTeam:
            return "a team is listed twice";
        case ScheduleError::kDuplicateSeed:
            return "two teams have the same seed";
        case ScheduleError::kBadSeed:
            return "seeds start at 1";
        case ScheduleError::kBadInterval:
            return "minutes_between_rounds must be between 1 and 527040";
        case ScheduleError::kTooManyVenues:
            return "at most 64 venues";
        case ScheduleError::kBadVenue:
            return "a venue name must have 1 to 200 characters";
        case ScheduleError::kDuplicateVenue:
            return "a venue is listed twice";
    }
    return "invalid schedule request";
}

Schedule make_schedule(const ScheduleRequest& request) {
    Schedule out;
    out.error = check_schedule_request(request);
    if (!out.ok()) {
        return out;
    }
    const std::vector<Team> seeded = seeding_order(request.teams);
    switch (rules_of(request.format).pairing) {
        case PairingKind::kCircleOnce:
            add_round_robin(seeded, false, out);
            break;
        case PairingKind::kCircleTwice:
            add_round_robin(seeded, true, out);
            break;
        case PairingKind::kBracket: {
            Bracket bracket = build_bracket(seeded);
            out.rounds = bracket.rounds;
            out.games = std::move(bracket.games);
            out.byes = std::move(bracket.byes);
            break;
        }
    }
    assign_times(request, out);
    return out;
}

}  // namespace domain
