// The standings table and its tiebreakers (see standings.hpp for the rule).
#include "domain/standings.hpp"

#include <algorithm>
#include <stdexcept>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

namespace domain {
namespace {

struct Tally {
    int played = 0;
    int won = 0;
    int drawn = 0;
    int lost = 0;
    int goals_for = 0;
    int goals_against = 0;
    int points = 0;
    int away_goals_for = 0;
};

void add_game(Tally& t, int scored, int conceded, bool away, const Points& points) {
    ++t.played;
    t.goals_for += scored;
    t.goals_against += conceded;
    if (away) {
        t.away_goals_for += scored;
    }
    if (scored > conceded) {
        ++t.won;
        t.points += points.win;
    } else if (scored == conceded) {
        ++t.drawn;
        t.points += points.draw;
    } else {
        ++t.lost;
        t.points += points.loss;
    }
}

// A sort key; larger is better in every component.
using Key = std::tuple<int, int, int>;

[[nodiscard]] Key overall_key(Tiebreaker criterion, const Tally& t) {
    switch (criterion) {
        case Tiebreaker::kPoints:
            return {t.points, 0, 0};
        case Tiebreaker::kGoalDifference:
            return {t.goals_for - t.goals_against, 0, 0};
        case Tiebreaker::kGoalsFor:
            return {t.goals_for, 0, 0};
        case Tiebreaker::kGoalsAgainst:
            return {-t.goals_against, 0, 0};
        case Tiebreaker::kWins:
            return {t.won, 0, 0};
        case Tiebreaker::kAwayGoalsFor:
            return {t.away_goals_for, 0, 0};
        case Tiebreaker::kHeadToHead:
            break;
    }
    return {0, 0, 0};
}

// ASCII case-insensitive, then bytewise: "arsenal" and "Arsenal" stay apart
// deterministically even though the database keeps names unique ignoring case.
[[nodiscard]] int compare_names(const std::string& x, const std::string& y) {
    const auto lower = [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u >= 'A' && u <= 'Z') ? u - 'A' + 'a' : static_cast<int>(u);
    };
    const std::size_t n = std::min(x.size(), y.size());
    for (std::size_t i = 0; i < n; ++i) {
        if (lower(x[i]) != lower(y[i])) {
            return lower(x[i]) < lower(y[i]) ? -1 : 1;
        }
    }
    if (x.size() != y.size()) {
        return x.size() < y.size() ? -1 : 1;
    }
    return x.compare(y);
}

// Orders team indices by the configured tiebreakers.
class Ranking {
  public:
    Ranking(std::span<const Team> teams, std::span<const FinalScore> results,
            std::span<const std::pair<std::size_t, std::size_t>> sides, const Points& points,
            std::vector<Tiebreaker> order)
        : teams_(teams),
          results_(results),
          sides_(sides),
          points_(points),
          order_(std::move(order)),
          overall_(teams.size()) {
        for (std::size_t i = 0; i < results_.size(); ++i) {
            const FinalScore& r = results_[i];
            add_game(overall_[sides_[i].first], r.home_score, r.away_score, false, points_);
            add_game(overall_[sides_[i].second], r.away_score, r.home_score, true, points_);
        }
    }

    [[nodiscard]] const Tally& overall(std::size_t team) const { return overall_[team]; }

    // Orders `group`, teams level on every tiebreaker before `step`, from `step` on.
    void rank(std::vector<std::size_t>& group, std::size_t step) const {
        if (group.size() < 2) {
            return;
        }
        if (step == order_.size()) {
            std::sort(group.begin(), group.end(), [&](std::size_t a, std::size_t b) {
                const int c = compare_names(teams_[a].name, teams_[b].name);
                return c != 0 ? c < 0 : teams_[a].id < teams_[b].id;
            });
            return;
        }
        if (order_[step] == Tiebreaker::kHeadToHead) {
            rank_head_to_head(group, step);
            return;
        }
        const Tiebreaker criterion = order_[step];
        split(
            group, [&](std::size_t team) { return overall_key(criterion, overall_[team]); },
            [&](std::vector<std::size_t>& tied, bool) { rank(tied, step + 1); });
    }

  private:
    // Sorts `group` by `key` descending, then calls `tied(run, whole)` on every
    // run of two or more equal keys, in place; `whole` says the run is the
    // entire group (the key separated nobody).
    template <class KeyOf, class Tied>
    static void split(std::vector<std::size_t>& group, KeyOf key_of, Tied tied) {
        std::vector<std::pair<Key, std::size_t>> keyed;
        keyed.reserve(group.size());
        for (std::size_t team : group) {
            keyed.emplace_back(key_of(team), team);
        }
        std::stable_sort(keyed.begin(), keyed.end(),
                         [](const auto& a, const auto& b) { return a.first > b.first; });
        std::size_t begin = 0;
        while (begin < keyed.size()) {
            std::size_t end = begin + 1;
            while (end < keyed.size() && keyed[end].first == keyed[begin].first) {
                ++end;
            }
            std::vector<std::size_t> run;
            for (std::size_t i = begin; i < end; ++i) {
                run.push_back(keyed[i].second);
            }
            if (run.size() > 1) {
                tied(run, run.size() == group.size());
            }
            for (std::size_t i = begin; i < end; ++i) {
                group[i] = run[i - begin];
            }
            begin = end;
        }
    }

    // The mini-table of the games among `group` only: (points, goal
    // difference, goals for). Runs it leaves level get a mini-table of their
    // own; when it separates nobody, the next tiebreaker decides.
    void rank_head_to_head(std::vector<std::size_t>& group, std::size_t step) const {
        const std::unordered_set<std::size_t> members(group.begin(), group.end());
        std::unordered_map<std::size_t, Tally> mini;
        for (std::size_t i = 0; i < results_.size(); ++i) {
            const auto [home, away] = sides_[i];
            if (members.contains(home) && members.contains(away)) {
                const FinalScore& r = results_[i];
                add_game(mini[home], r.home_score, r.away_score, false, points_);
                add_game(mini[away], r.away_score, r.home_score, true, points_);
            }
        }
        split(
            group,
            [&](std::size_t team) {
                const Tally& t = mini[team];
                return Key{t.points, t.goals_for - t.goals_against, t.goals_for};
            },
            [&](std::vector<std::size_t>& tied, bool whole) {
                if (whole) {
                    rank(tied, step + 1);
                } else {
                    rank_head_to_head(tied, step);
                }
            });
    }

    std::span<const Team> teams_;
    std::span<const FinalScore> results_;
    std::span<const std::pair<std::size_t, std::size_t>> sides_;  // team indices per result
    Points points_;
    std::vector<Tiebreaker> order_;
    std::vector<Tally> overall_;
};

}  // namespace

std::optional<Tiebreaker> parse_tiebreaker(std::string_view text) noexcept {
    static constexpr Tiebreaker kAll[] = {
        Tiebreaker::kPoints,       Tiebreaker::kGoalDifference, Tiebreaker::kGoalsFor,
        Tiebreaker::kGoalsAgainst, Tiebreaker::kHeadToHead,     Tiebreaker::kWins,
        Tiebreaker::kAwayGoalsFor,
    };
    for (Tiebreaker t : kAll) {
        if (to_string(t) == text) {
            return t;
        }
    }
    return std::nullopt;
}

std::string_view to_string(Tiebreaker tiebreaker) noexcept {
    switch (tiebreaker) {
        case Tiebreaker::kPoints:
            return "points";
        case Tiebreaker::kGoalDifference:
            return "goal_difference";
        case Tiebreaker::kGoalsFor:
            return "goals_for";
        case Tiebreaker::kGoalsAgainst:
            return "goals_against";
        case Tiebreaker::kHeadToHead:
            return "head_to_head";
        case Tiebreaker::kWins:
            return "wins";
        case Tiebreaker::kAwayGoalsFor:
            return "away_goals_for";
    }
    return "points";
}

std::vector<Tiebreaker> default_tiebreakers() {
    return {Tiebreaker::kPoints, Tiebreaker::kGoalDifference, Tiebreaker::kGoalsFor,
            Tiebreaker::kHeadToHead};
}

TiebreakerOrder parse_tiebreakers(std::span<const std::string> names) {
    TiebreakerOrder out;
    if (names.size() > kMaxTiebreakers) {
        out.error = TiebreakerError::kTooMany;
        out.index = kMaxTiebreakers;
        return out;
    }
    for (std::size_t i = 0; i < names.size(); ++i) {
        const auto t = parse_tiebreaker(names[i]);
        if (!t) {
            out.error = TiebreakerError::kUnknown;
        } else if (std::find(out.order.begin(), out.order.end(), *t) != out.order.end()) {
            out.error = TiebreakerError::kDuplicate;
        }
        if (out.error != TiebreakerError::kNone) {
            out.index = i;
            out.order.clear();
            return out;
        }
        out.order.push_back(*t);
    }
    return out;
}

std::vector<StandingsRow> compute_standings(std::span<const Team> teams,
                                            std::span<const FinalScore> results,
                                            const Points& points,
                                            std::span<const Tiebreaker> order) {
    std::unordered_map<TeamId, std::size_t> index;
    for (std::size_t i = 0; i < teams.size(); ++i) {
        if (!index.emplace(teams[i].id, i).second) {
            throw std::invalid_argument("two teams share an id");
        }
    }
    std::vector<std::pair<std::size_t, std::size_t>> sides;
    sides.reserve(results.size());
    for (const FinalScore& r : results) {
        const auto home = index.find(r.home);
        const auto away = index.find(r.away);
        if (home == index.end() || away == index.end()) {
            throw std::invalid_argument("a result names a team that is not in the table");
        }
        if (r.home == r.away) {
            throw std::invalid_argument("a team cannot play itself");
        }
        sides.emplace_back(home->second, away->second);
    }

    std::vector<Tiebreaker> effective(order.begin(), order.end());
    if (std::find(effective.begin(), effective.end(), Tiebreaker::kPoints) == effective.end()) {
        effective.insert(effective.begin(), Tiebreaker::kPoints);
    }
    const Ranking ranking(teams, results, sides, points, std::move(effective));

    std::vector<std::size_t> ordered(teams.size());
    for (std::size_t i = 0; i < ordered.size(); ++i) {
        ordered[i] = i;
    }
    ranking.rank(ordered, 0);

    std::vector<StandingsRow> rows;
    rows.reserve(ordered.size());
    for (std::size_t pos = 0; pos < ordered.size(); ++pos) {
        const std::size_t i = ordered[pos];
        const Tally& t = ranking.overall(i);
        rows.push_back({static_cast<int>(pos + 1), teams[i].id, teams[i].name, t.played, t.won,
                        t.drawn, t.lost, t.goals_for, t.goals_against,
                        t.goals_for - t.goals_against, t.points, t.away_goals_for});
    }
    return rows;
}

}  // namespace domain
